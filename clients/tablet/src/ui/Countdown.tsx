/** The time left in a round, from the server's clock: live while running, frozen when paused. */
import { useNow } from '../hooks';
import { t, useLang } from '../i18n';
import type { Connection } from '../protocol';
import type { RoundView } from '../state';
import { Pictogram } from './Pictogram';

/** Milliseconds left in a round at server time `now` (null: no round). */
export function remainingMs(round: RoundView | null, now: number): number | null {
  if (!round) return null;
  switch (round.status) {
    case 'running':
      return Math.max(0, (round.deadline ?? now) - now);
    case 'paused':
      return Math.max(0, round.remaining_ms ?? 0);
    case 'pending':
      return round.spec.duration_ms;
    default:
      return 0;
  }
}

/** "m:ss" (or "h:mm:ss"). */
export function formatDuration(ms: number): string {
  const total = Math.ceil(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export function Countdown(props: {
  round: RoundView | null;
  conn?: Connection | null;
  /** data-testid (default "countdown"; the projector uses "projector-countdown") */
  testId?: string;
  large?: boolean;
  class?: string;
}) {
  useLang();
  const now = useNow(props.conn ?? null, 250);
  const { round } = props;
  const left = remainingMs(round, now);
  const status = round?.status ?? 'none';
  const low = status === 'running' && left != null && left <= 60_000;
  let note = '';
  if (status === 'paused') note = t('countdown.paused');
  else if (status === 'ended') note = t('countdown.ended');
  else if (status === 'pending') note = t('countdown.not_started');
  const time = left == null ? '–:––' : formatDuration(left);
  return (
    <div
      class={`mk-countdown mk-countdown-${status}${low ? ' mk-countdown-low' : ''}${props.large ? ' mk-countdown-large' : ''} ${props.class ?? ''}`}
      role="timer"
      aria-live="off"
      aria-label={`${t('countdown.label')} : ${time}${note ? ` (${note})` : ''}`}
      data-testid={props.testId ?? 'countdown'}
      data-status={status}
      data-remaining-ms={left ?? ''}
    >
      <Pictogram name={status === 'paused' ? 'pause' : 'clock'} size={props.large ? 48 : 24} />
      <span class="mk-countdown-time" aria-hidden="true">{time}</span>
      {note && <span class="mk-countdown-note" aria-hidden="true">{note}</span>}
    </div>
  );
}
