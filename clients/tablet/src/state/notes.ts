/**
 * Notes (annotations) as the room's screens show them (the console, the replay viewer): grouped by
 * statement and by table, in the order written. A note's text is always shown; its author is
 * named by pseudonym only if they consented, else « Participant·e N » — the name an export gives
 * them (session_engine/model.py `anonymous_pseudonym`), so a live console and a replay agree.
 */
import type { AnnotationView, SessionView } from './types';
import { compareNatural, idNumber } from './ids';

/** The name a note's author is shown by; `anonymous(n)` words « Participant·e N ». */
export function noteAuthor(view: SessionView, participant: string, anonymous: (n: number) => string): string {
  const person = view.participants[participant];
  if (person?.consent) return person.pseudonym;
  return anonymous(idNumber(participant));
}

export interface NotesOf<K> {
  key: K;
  notes: AnnotationView[];
}

/** Notes on statements, by statement (in the statements' order), each list in the order written. */
export function notesByStatement(view: SessionView): NotesOf<string>[] {
  const groups = new Map<string, AnnotationView[]>();
  for (const note of view.annotations) {
    if (note.statement == null) continue;
    groups.set(note.statement, [...(groups.get(note.statement) ?? []), note]);
  }
  return [...groups.entries()].sort(([a], [b]) => compareNatural(a, b)).map(([key, notes]) => ({ key, notes }));
}

/** Notes on tables, by table number, each list in the order written. */
export function notesByTable(view: SessionView): NotesOf<number>[] {
  const groups = new Map<number, AnnotationView[]>();
  for (const note of view.annotations) {
    if (note.table == null) continue;
    groups.set(note.table, [...(groups.get(note.table) ?? []), note]);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b).map(([key, notes]) => ({ key, notes }));
}
