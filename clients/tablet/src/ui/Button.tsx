/** A large button (≥ 48 px), with an optional pictogram beside its words. */
import type { ButtonHTMLAttributes, ComponentChildren } from 'preact';
import { Pictogram, type PictogramName } from './Pictogram';

export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'ghost';

export type ButtonProps = Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'icon' | 'type'> & {
  variant?: ButtonVariant;
  icon?: PictogramName;
  /** compact: for toolbars on wide screens (still ≥ 44 px) */
  small?: boolean;
  children?: ComponentChildren;
  type?: 'button' | 'submit' | 'reset';
  disabled?: boolean;
};

export function Button({ variant = 'secondary', icon, small, children, class: cls, className, type = 'button', ...rest }: ButtonProps) {
  return (
    <button type={type} class={`mk-btn mk-btn-${variant}${small ? ' mk-btn-small' : ''} ${cls ?? className ?? ''}`} {...(rest as any)}>
      {icon && <Pictogram name={icon} />}
      {children != null && <span>{children}</span>}
    </button>
  );
}
