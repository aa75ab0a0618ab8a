/** The link status by colour, shape (pictogram) and words, plus the count of commands waiting
 *  to be sent. The badge is not a live region: a link that drops retries with backoff, and a
 *  badge read at each try was heard 17 times in 45 s offline. Instead the page's live region
 *  says once that the link is lost (when it has stayed down LOST_AFTER_MS) and once that it is
 *  back. */
import { useEffect, useRef } from 'preact/hooks';
import { usePending, useLinkStatus } from '../hooks';
import { plural, t, useLang } from '../i18n';
import type { Connection, LinkStatus } from '../protocol';
import { announce } from './Live';
import { Pictogram } from './Pictogram';

/** How long the link must stay down before it is said to be lost (a blip is not worth saying). */
export const LOST_AFTER_MS = 2000;

export function ConnectionIndicator(props: { conn: Connection; showPending?: boolean; compact?: boolean }) {
  useLang();
  const status = useLinkStatus(props.conn);
  const pending = usePending(props.conn).length;
  useLinkAnnouncements(status);
  return <ConnectionBadge status={status} pending={props.showPending === false ? undefined : pending} compact={props.compact} />;
}

/** Say « connexion perdue » once when the link has been down LOST_AFTER_MS, and « connexion
 *  rétablie » once when it is back after that; the tries in between (offline ↔ connecting) are
 *  not said. */
export function useLinkAnnouncements(status: LinkStatus): void {
  const lostSaid = useRef(false);
  const up = status === 'online';
  useEffect(() => {
    if (up) {
      if (lostSaid.current) announce(t('connection.back'));
      lostSaid.current = false;
      return;
    }
    if (lostSaid.current) return;
    const timer = setTimeout(() => {
      lostSaid.current = true;
      announce(t('connection.lost'));
    }, LOST_AFTER_MS);
    return () => clearTimeout(timer);
  }, [up]);
}

/** The presentational part, for a status known otherwise. */
export function ConnectionBadge(props: { status: LinkStatus; pending?: number; compact?: boolean }) {
  const { status, pending } = props;
  const word = t(`connection.${status}`);
  return (
    <div class="mk-conn-wrap">
      <span class={`mk-conn mk-conn-${status}`} data-testid="connection" data-status={status}>
        <Pictogram name={status} size={20} />
        <span class="mk-sr-only">{t('connection.said', { status: word })}</span>
        <span class={props.compact ? 'mk-sr-only' : ''} aria-hidden="true">
          {word}
        </span>
      </span>
      {pending !== undefined && (
        <span class={pending > 0 ? 'mk-pending' : 'mk-sr-only'} data-testid="pending-count" data-count={pending}>
          {pending > 0 && <Pictogram name="hourglass" size={18} />}
          <span class="mk-pending-words">{pending === 0 ? t('connection.all_sent') : plural('connection.pending', pending)}</span>
          {/* Where room is short (a phone's header) the count alone is seen; the words are read. */}
          {pending > 0 && (
            <span class="mk-pending-count" aria-hidden="true">
              {pending}
            </span>
          )}
        </span>
      )}
    </div>
  );
}
