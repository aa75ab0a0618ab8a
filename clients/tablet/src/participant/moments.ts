/**
 * The moments of a session said on the tablet through the page's live region: a round that
 * starts, pauses, resumes or ends; a round extended (« +5 min »); the last minute; the time up
 * on this device's clock; a vote opened, closed; results shown; statements published. Only
 * changes seen while the page is open are said, never what the first snapshot already held.
 *
 * `momentsBetween(before, after)` is pure: two `Seen` summaries in, the sentences out.
 */
import { plural, quoted, t } from '../i18n';
import { currentRound, openVote, type SessionView } from '../state';
import type { Writing } from './ctx';

/** Said when the time left crosses this (ms). */
export const LAST_MINUTE_MS = 60_000;
/** A change of the round's end smaller than this is the clock's noise, not an extension. */
const EXTENSION_MIN_MS = 30_000;

export interface Seen {
  round: number | null;
  status: string | null;
  /** when the round ends (running: its deadline) or what is left of it (paused), in ms */
  end: number | null;
  /** ms left before the deadline on this device's clock, while the round runs */
  left: number | null;
  writing: Writing;
  openVote: string | null;
  /** what is shown: `statement:s3` or `vote:v1` */
  results: string | null;
  /** published statements: id → text, mine or not */
  published: Record<string, { text: string; mine: boolean }>;
}

/** What the moments are computed from, at server time `now`. */
export function seenOf(s: SessionView, me: string, now: number, writing: Writing): Seen {
  const round = currentRound(s);
  const running = round?.status === 'running' && round.deadline != null;
  const published: Seen['published'] = {};
  for (const st of Object.values(s.statements)) {
    if (st.status === 'published') published[st.id] = { text: st.text ?? '', mine: st.author === me };
  }
  const r = s.results;
  return {
    round: round?.number ?? null,
    status: round?.status ?? null,
    end: round ? (round.status === 'paused' ? round.remaining_ms : round.deadline) : null,
    left: running ? round.deadline! - now : null,
    writing,
    openVote: openVote(s)?.id ?? null,
    results: r ? (r.vote ? `vote:${r.vote}` : r.statement ? `statement:${r.statement}` : null) : null,
    published,
  };
}

/** The sentences to say for the change from `before` to `after`, in this order. */
export function momentsBetween(before: Seen, after: Seen, s: SessionView): string[] {
  const said: string[] = [];
  const sameRound = before.round === after.round && before.status === after.status;
  if (after.round != null && !sameRound) {
    said.push(t('p.moment.round', { n: after.round, status: t(`round.status.${after.status}`) }));
  }
  if (sameRound && before.end != null && after.end != null && after.end - before.end >= EXTENSION_MIN_MS) {
    said.push(plural('p.moment.extended', Math.round((after.end - before.end) / 60_000)));
  }
  if (sameRound && before.left != null && after.left != null && before.left > LAST_MINUTE_MS && after.left <= LAST_MINUTE_MS && after.left > 0) {
    said.push(t('p.moment.last_minute'));
  }
  if (before.writing === 'open' && after.writing === 'time_up') said.push(t('p.moment.time_up'));
  if (before.openVote && before.openVote !== after.openVote) said.push(t('p.moment.vote_closed'));
  if (after.openVote && after.openVote !== before.openVote) said.push(t('p.moment.vote_opened'));
  if (after.results && after.results !== before.results) said.push(resultsSentence(after.results, s));
  said.push(...publishedSentences(before, after));
  return said;
}

function resultsSentence(results: string, s: SessionView): string {
  const [kind, id] = results.split(':') as [string, string];
  if (kind === 'vote') return t('p.moment.results_vote');
  return t('p.moment.results_statement', { text: quoted(s.statements[id]?.text ?? '') });
}

function publishedSentences(before: Seen, after: Seen): string[] {
  const fresh = Object.entries(after.published).filter(([id]) => !(id in before.published));
  const mine = fresh.filter(([, x]) => x.mine).map(([, x]) => t('p.moment.published_mine', { text: quoted(x.text) }));
  const others = fresh.filter(([, x]) => !x.mine);
  if (others.length === 0) return mine;
  const text = quoted(others[0]![1].text);
  return [...mine, plural('p.moment.published', others.length, { text })];
}
