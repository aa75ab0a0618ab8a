/** Times and positions on the timeline, as the replay says them. */
import { lang, t } from '../i18n';
import { currentRound, type SessionView } from '../state';

/** A clock time of the session, in the browser's time zone: "14:32:10". */
export function clock(at: number): string {
  return new Date(at).toLocaleTimeString(lang() === 'fr' ? 'fr-FR' : 'en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** The day of the session: "mardi 27 novembre 2026". */
export function day(at: number): string {
  return new Date(at).toLocaleDateString(lang() === 'fr' ? 'fr-FR' : 'en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
}

/** Time since the start: "1:05:12" (or "5:12" under an hour). */
export function elapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export function number(n: number): string {
  return n.toLocaleString(lang() === 'fr' ? 'fr-FR' : 'en-GB');
}

export function percent(share: number | null): string {
  return share == null ? '—' : `${Math.round(share * 100)} %`;
}

/** "Tour 2 · Tables · en cours", or before the first round. */
export function roundLabel(s: SessionView): string {
  const r = currentRound(s);
  if (!r) return t('replay.round.before');
  return t('replay.round.label', { n: r.number, total: s.rounds.length, kind: t(`round.kind.${r.spec.kind}`), status: t(`round.status.${r.status}`).toLowerCase() });
}
