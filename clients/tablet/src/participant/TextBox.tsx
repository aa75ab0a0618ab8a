/** A labelled text area (or input) with a character counter and an error line. */
import { plural, t } from '../i18n';
import { Pictogram } from '../ui/Pictogram';

export function TextBox(props: {
  id: string;
  label: string;
  value: string;
  max: number;
  onInput: (v: string) => void;
  testId?: string;
  hint?: string;
  error?: string | null;
  rows?: number;
  single?: boolean;
  disabled?: boolean;
}) {
  const length = props.value.trim().length;
  const over = length > props.max;
  const describedBy = [props.hint ? `${props.id}-hint` : '', `${props.id}-count`, props.error ? `${props.id}-error` : ''].filter(Boolean).join(' ');
  const common = {
    id: props.id,
    value: props.value,
    'data-testid': props.testId,
    'aria-invalid': props.error || over ? ('true' as const) : ('false' as const),
    'aria-describedby': describedBy,
    disabled: props.disabled,
    onInput: (e: Event) => props.onInput((e.target as HTMLTextAreaElement).value),
  };
  return (
    <div class="mk-field">
      <label for={props.id}>{props.label}</label>
      {props.hint && (
        <p id={`${props.id}-hint`} class="mk-hint">
          {props.hint}
        </p>
      )}
      {props.single ? <input class="mk-input" {...common} /> : <textarea class="mk-textarea" rows={props.rows ?? 4} {...common} />}
      <p id={`${props.id}-count`} class={`mk-counter${over ? ' mk-counter-over' : ''}`}>
        {over ? plural('common.too_long', length - props.max) : t('common.chars', { n: length, max: props.max })}
      </p>
      {props.error && (
        <p id={`${props.id}-error`} class="mk-error">
          <Pictogram name="warning" size={20} /> {props.error}
        </p>
      )}
    </div>
  );
}
