/**
 * The changes made on the night, as a participant meets them: the host hands the table over to a
 * member (HandOverHost), and someone who has left the session reads that they have. The rest
 * (a new table, a new host) shows in the table card as the state changes.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText, t } from '../i18n';
import type { ParticipantView } from '../state';
import { Button } from '../ui/Button';
import { announce } from '../ui/Live';
import { Pictogram } from '../ui/Pictogram';
import type { Ctx } from './ctx';

/** For the host: « Passer le rôle d'hôte », then one big button per member of the table. */
export function HandOver({ ctx, mates }: { ctx: Ctx; mates: ParticipantView[] }) {
  const { conn, me, s } = ctx;
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const first = useRef<HTMLButtonElement>(null);
  const others = mates.filter((p) => p.id !== me);
  useEffect(() => {
    if (open) first.current?.focus();
  }, [open]);
  if (others.length === 0 || s.closed) return null;

  function give(to: ParticipantView) {
    setError(null);
    conn
      .send('HandOverHost', { to: to.id })
      .then(() => {
        announce(t('p.host.handed', { name: to.pseudonym }));
        // This card's buttons are gone with the role: the table's heading keeps the focus.
        document.getElementById('table-title')?.focus();
      })
      .catch((r) => {
        const message = errorText(r.code, r.message);
        setError(message);
        announce(message);
      });
  }

  return (
    <div class="mk-handover" data-testid="hand-over">
      <Button icon="star" aria-expanded={open ? 'true' : 'false'} aria-controls="hand-over-list" onClick={() => setOpen(!open)}>
        {t('p.host.hand_over')}
      </Button>
      {open && (
        <div id="hand-over-list">
          <p class="mk-hint">{t('p.host.hand_over_hint')}</p>
          <ul class="mk-handover-list">
            {others.map((p, i) => (
              <li key={p.id}>
                <button
                  type="button"
                  class="mk-btn mk-btn-primary"
                  ref={i === 0 ? first : undefined}
                  onClick={() => give(p)}
                  data-testid={`hand-over-${p.id}`}
                >
                  <Pictogram name="arrow" /> <span>{t('p.host.hand_over_to', { name: p.pseudonym })}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {error && (
        <p class="mk-error" role="alert">
          <Pictogram name="warning" size={18} /> {error}
        </p>
      )}
    </div>
  );
}

/** Says « you now host the table » once, when the role comes to this participant. */
export function useBecameHost(ctx: Ctx, host: string | null): void {
  const was = useRef(host);
  useEffect(() => {
    if (host === ctx.me && was.current != null && was.current !== ctx.me) announce(t('p.host.now_you'));
    was.current = host;
  }, [host]); // eslint-disable-line
}

/** For someone removed from the session (or whose second entry this was). */
export function LeftBanner({ ctx }: { ctx: Ctx }) {
  const self = ctx.s.participants[ctx.me];
  if (!self || self.status === 'present' || self.status === undefined) return null;
  return (
    <p class="mk-banner mk-banner-info" data-testid="left-session">
      <Pictogram name="logout" /> {t('p.left')}
    </p>
  );
}
