/** The link status by colour, shape (pictogram) and words (announced: role="status");
 *  plus the count of commands waiting to be sent. */
import { usePending, useLinkStatus } from '../hooks';
import { t, useLang } from '../i18n';
import type { Connection, LinkStatus } from '../protocol';
import { Pictogram } from './Pictogram';

export function ConnectionIndicator(props: { conn: Connection; showPending?: boolean; compact?: boolean }) {
  useLang();
  const status = useLinkStatus(props.conn);
  const pending = usePending(props.conn).length;
  return <ConnectionBadge status={status} pending={props.showPending === false ? undefined : pending} compact={props.compact} />;
}

/** The presentational part, for a status known otherwise. */
export function ConnectionBadge(props: { status: LinkStatus; pending?: number; compact?: boolean }) {
  const { status, pending } = props;
  return (
    <div class="mk-conn-wrap">
      <span class={`mk-conn mk-conn-${status}`} data-testid="connection" data-status={status} role="status" aria-live="polite">
        <Pictogram name={status} size={20} />
        <span class="mk-sr-only">{t('connection.label')} : </span>
        <span class={props.compact ? 'mk-sr-only' : ''}>{t(`connection.${status}`)}</span>
      </span>
      {pending !== undefined && (
        <span class={pending > 0 ? 'mk-pending' : 'mk-sr-only'} data-testid="pending-count" data-count={pending}>
          {pending > 0 && <Pictogram name="hourglass" size={18} />}
          {pending === 0 ? t('connection.all_sent') : pending === 1 ? t('connection.pending_one') : t('connection.pending', { n: pending })}
        </span>
      )}
    </div>
  );
}
