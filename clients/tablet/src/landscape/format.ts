/**
 * The landscape's figures in words (src/i18n/landscape.ts), French first: shares as « 91 % »
 * (U+202F before %, as ui/chartStyle.ts `share`), real plurals (`plural`), and what is said to
 * screen readers when a new landscape comes (`updateMessage`). Pure: the language is the page's.
 */
import { lang, plural, t } from '../i18n';
import type { ConsensusStatement, GroupStatement, Landscape, LandscapeGroup, Stance } from './api';

/** A share 0..1 as a whole percentage: « 91 % » in French (narrow no-break space), « 91% » in English. */
export function percent(share: number): string {
  const pct = Math.round(100 * Math.min(1, Math.max(0, Number.isFinite(share) ? share : 0)));
  return lang() === 'fr' ? `${pct}\u202f%` : `${pct}%`;
}

/** « 212 personnes ont donné leur avis » (« Personne n’a encore donné son avis » for none). */
export function participantsLine(n: number): string {
  return n === 0 ? t('landscape.participants_none') : plural('landscape.participants', n);
}

/** « Groupe A — 12 personnes »; a group under k carries no size: « Groupe A — moins de 5 personnes ». */
export function groupTitle(group: LandscapeGroup, k: number): string {
  const size = group.size === null ? plural('landscape.fewer_than', k) : plural('landscape.people', group.size);
  return t('landscape.group_title', { id: group.id, size });
}

/** « 91 % d’accord ; les autres : 22 % » (or « pas d’accord »): the group against the rest. */
export function stanceLine(entry: Pick<GroupStatement, 'stance' | 'share' | 'rest_share'>): string {
  return t(`landscape.stance.${entry.stance}`, { share: percent(entry.share), rest: percent(entry.rest_share) });
}

/** « 205 avis » (« 1 rating », « 205 ratings » in English). */
export function votersLine(n: number): string {
  return plural('landscape.voters', n);
}

/** « 88 % d’accord · 205 avis » for an entry of a consensus list. */
export function consensusLine(entry: ConsensusStatement, direction: Stance): string {
  return t(`landscape.consensus_line.${direction}`, { share: percent(entry.share), voters: votersLine(entry.voters) });
}

/** « à jour au n° 1840 »: the last event the landscape reflects. */
export function seqLine(seq: number): string {
  return t('landscape.seq', { seq });
}

/** Why there is no new landscape: « Mise à jour impossible : … Le paysage affiché est le dernier
 *  reçu. » when one is shown, « Paysage des avis indisponible : … » before the first. */
export function failureLine(why: string, kept: boolean): string {
  return kept ? `${t('landscape.failed', { why })} ${t('landscape.kept')}` : t('landscape.unavailable', { why });
}

/** A statement's text by id (an id the answer does not name is shown as such rather than lost). */
export function statementText(landscape: Landscape, id: string): string {
  return landscape.statements[id] ?? id;
}

/**
 * What to say politely when `next` replaces `prev` (null: say nothing). The first landscape is
 * not news (it appears where the reader is); another territory, asked for by the reader, is
 * summed up; otherwise only a change in the number of groups is said — the figures move with
 * every rating, and saying each would drown the page (they stay on screen, with their seq).
 */
export function updateMessage(prev: Landscape | null, next: Landscape, scopeName: string): string | null {
  if (prev === null) return null;
  const summary = next.groups.length ? plural('landscape.groups', next.groups.length) : t('landscape.no_groups');
  if (prev.territory !== next.territory) return t('landscape.said.scope', { scope: scopeName, people: participantsLine(next.participants), groups: summary });
  if (prev.groups.length === next.groups.length) return null;
  return next.groups.length ? plural('landscape.said.groups_now', next.groups.length) : t('landscape.no_groups');
}
