/** A large button (≥ 48 px), with an optional pictogram beside its words.
 *
 *  `disabled` takes the button out of the page (the native attribute: no focus, no click).
 *  `unavailable` only says it (aria-disabled): the button keeps its place in the tab order and
 *  ignores presses. Use it for a button that becomes unavailable because it was just pressed
 *  (« Envoyer mon vote », « Rejoindre la session »): with `disabled` the focus would fall to the
 *  page's <body> and a keyboard or screen-reader user would be lost (RGAA 12.8). */
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
  /** unavailable but still focusable (aria-disabled); presses do nothing */
  unavailable?: boolean;
};

export function Button({ variant = 'secondary', icon, small, children, class: cls, className, type = 'button', unavailable, onClick, ...rest }: ButtonProps) {
  const guard = (e: MouseEvent) => {
    if (unavailable) {
      e.preventDefault(); // a submit button must not submit its form either
      return;
    }
    (onClick as ((e: MouseEvent) => void) | undefined)?.(e);
  };
  return (
    <button
      type={type}
      class={`mk-btn mk-btn-${variant}${small ? ' mk-btn-small' : ''} ${cls ?? className ?? ''}`}
      aria-disabled={unavailable ? 'true' : undefined}
      onClick={guard}
      {...(rest as any)}
    >
      {icon && <Pictogram name={icon} />}
      {children != null && <span>{children}</span>}
    </button>
  );
}
