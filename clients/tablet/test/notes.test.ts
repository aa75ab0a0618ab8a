/**
 * Notes on the room's screens (src/state/notes.ts): grouped by statement and by table in the order
 * written, and each author named by pseudonym only with their consent — else « Participant·e N »,
 * the name an export gives them, so the console and a replay of the export agree.
 */
import { describe, expect, it } from 'vitest';
import { SessionStore, type SessionView } from '../src/state';
import { noteAuthor, notesByStatement, notesByTable } from '../src/state/notes';

function person(id: string, pseudonym: string, consent: boolean) {
  return { id, pseudonym, territory: 't1', role: 'habitant', stays_seated: false, consent, table: 1, times_hosted: 0 };
}
function note(id: string, author: string, where: { statement: string } | { table: number }, round = 1) {
  const statement = 'statement' in where ? where.statement : null;
  const table = 'table' in where ? where.table : null;
  return { id, author, text: `texte de ${id}`, statement, table, tags: [], place: null, round };
}
function asView(snapshot: object): SessionView {
  const store = new SessionStore();
  store.reset(snapshot, 1);
  return store.state;
}

const view = asView({
  participants: { p3: person('p3', 'Awa', true), p12: person('p12', 'Zoé Secrète', false) },
  annotations: [
    note('a1', 'p12', { statement: 's10' }),
    note('a2', 'p3', { table: 2 }),
    note('a3', 'p3', { statement: 's2' }),
    note('a4', 'p12', { table: 1 }, 2),
    note('a5', 'p3', { statement: 's10' }, 2),
  ],
});
const anonymous = (n: number) => `Participant·e ${n}`;

describe('noteAuthor', () => {
  // participant → the name shown
  const names: [string, string][] = [
    ['p3', 'Awa'], // consented
    ['p12', 'Participant·e 12'], // did not: never « Zoé Secrète »
    ['p99', 'Participant·e 99'], // unknown here (a replay cut before the join): no name to give
  ];
  it.each(names)('%s is shown as %s', (participant, shown) => {
    expect(noteAuthor(view, participant, anonymous)).toBe(shown);
  });
});

describe('notesByStatement and notesByTable', () => {
  it('group the notes, statements and tables in natural order, notes in the order written', () => {
    expect(notesByStatement(view).map(({ key, notes }) => [key, notes.map((n) => n.id)])).toEqual([
      ['s2', ['a3']],
      ['s10', ['a1', 'a5']],
    ]);
    expect(notesByTable(view).map(({ key, notes }) => [key, notes.map((n) => n.id)])).toEqual([
      [1, ['a4']],
      [2, ['a2']],
    ]);
  });
});
