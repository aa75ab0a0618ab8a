/** The five position buttons (−2..+2, by colour AND pictogram AND words) plus "Je passe". */
import { t, useLang } from '../i18n';
import type { PositionValue } from '../state';
import { Pictogram } from './Pictogram';

export const POSITIONS: { value: PositionValue; key: string; icon: string }[] = [
  { value: -2, key: '-2', icon: 'cross-double' },
  { value: -1, key: '-1', icon: 'cross' },
  { value: 0, key: '0', icon: 'equal' },
  { value: 1, key: '1', icon: 'check' },
  { value: 2, key: '2', icon: 'check-double' },
  { value: null, key: 'pass', icon: 'pass' },
];

export function positionIcon(key: string): string {
  return POSITIONS.find((p) => p.key === key)?.icon ?? 'info';
}

export function PositionScale(props: {
  statement: string;
  /** the current value: -2..2, null (passed) or undefined (none yet) */
  value: PositionValue | undefined;
  /** the current value is not acknowledged yet */
  pending?: boolean;
  disabled?: boolean;
  onChoose: (value: PositionValue) => void;
  /** accessible name of the group (default: "Votre avis") */
  label?: string;
}) {
  useLang();
  const current = props.value === undefined ? undefined : props.value === null ? 'pass' : String(props.value);
  return (
    <div class="mk-scale-wrap">
      <div class="mk-scale" role="group" aria-label={props.label ?? t('position.group')} data-testid={`position-${props.statement}`} data-value={current ?? ''} data-pending={props.pending ? 'true' : 'false'}>
        {POSITIONS.map((p) => {
          const pressed = current === p.key;
          return (
            <button
              type="button"
              key={p.key}
              class={`mk-pos mk-pos-${p.key === 'pass' ? 'pass' : `v${p.value! + 2}`}${pressed ? ' mk-pos-on' : ''}${pressed && props.pending ? ' mk-pos-pending' : ''}`}
              data-value={p.key}
              aria-pressed={pressed ? 'true' : 'false'}
              disabled={props.disabled}
              title={t(`position.${p.key}`)}
              onClick={() => props.onChoose(p.value)}
            >
              <Pictogram name={p.icon} size={26} />
              <span class="mk-pos-label">{t(`position.${p.key}`)}</span>
            </button>
          );
        })}
      </div>
      {props.pending && current !== undefined && (
        <p class="mk-pending-note">
          <Pictogram name="hourglass" size={16} /> {t('position.pending')}
        </p>
      )}
    </div>
  );
}
