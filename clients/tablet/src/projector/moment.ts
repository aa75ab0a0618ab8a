/**
 * What the projector's big space shows: the newest of three moments — results put on screen, a
 * consent round opened, a vœu adopted — whichever happened last (issue 11, item 2). The session
 * state says which moments are current but not in what order they came, so the projector folds
 * each state it receives: a moment whose key appears or changes becomes the newest. Moments that
 * change together (the first snapshot, or a batch of events caught up after a reconnection) rank
 * in the order a session goes through them: results, then the consent round, then the vœu.
 * Pure functions: no DOM, tested by vitest (test/projector-moment.test.ts).
 */
import { idNumber, openConsent, voeuxInOrder, type SessionView, type VoeuView } from '../state';

export type MomentKind = 'results' | 'consent' | 'voeu';

/** The order of a session's method, for moments that change at the same time. */
const METHOD_ORDER: readonly MomentKind[] = ['results', 'consent', 'voeu'];

export interface Moments {
  /** what each moment is now (null: not current): the results on show, the open round, the vœu */
  keys: Record<MomentKind, string | null>;
  /** the moments in the order they last began, oldest first */
  order: MomentKind[];
}

/** The vœu of the last consent round, when that round ended with one. */
export function justAdopted(view: SessionView): VoeuView | null {
  const rounds = Object.values(view.consents).sort((a, b) => idNumber(a.id) - idNumber(b.id));
  const last = rounds[rounds.length - 1];
  if (!last || last.status !== 'adopted') return null;
  return voeuxInOrder(view).find((v) => v.consent === last.id) ?? null;
}

export function momentKeys(view: SessionView): Record<MomentKind, string | null> {
  const results = view.results;
  return {
    results: results ? (results.statement ? `statement:${results.statement}` : `vote:${results.vote}`) : null,
    consent: openConsent(view)?.id ?? null,
    voeu: justAdopted(view)?.id ?? null,
  };
}

/** Fold the state just received into what the screen knew before (null: nothing yet). */
export function nextMoments(previous: Moments | null, view: SessionView): Moments {
  const keys = momentKeys(view);
  const order = previous ? previous.order.filter((kind) => !began(kind, keys, previous)) : [];
  for (const kind of METHOD_ORDER) if (!order.includes(kind)) order.push(kind);
  return { keys, order };
}

function began(kind: MomentKind, keys: Moments['keys'], previous: Moments): boolean {
  return keys[kind] !== null && keys[kind] !== previous.keys[kind];
}

/** The moment on the big space now: the newest that is still current, or null. */
export function newestMoment(moments: Moments): MomentKind | null {
  for (let i = moments.order.length - 1; i >= 0; i--) {
    const kind = moments.order[i]!;
    if (moments.keys[kind] !== null) return kind;
  }
  return null;
}
