/** Statements imported from another step of the programme on the client: the fold of
 *  `StatementImported` (src/state/evolve.ts, as session_engine/evolve.py) and the provenance line
 *  of the statement cards (src/ui/Provenance.tsx), in French and in English. */
import { afterEach, describe, expect, it } from 'vitest';
import { setLang } from '../src/i18n';
import { SessionStore, emptySession, publishedStatements, type Envelope } from '../src/state';
import { provenanceText } from '../src/ui/Provenance';

function envelope(seq: number, type: string, data: Record<string, unknown>, actor = 'facilitator'): Envelope {
  return { seq, type, v: 1, at: 0, actor, cmd: null, data } as Envelope;
}

const AGENDA = [{ kind: 'table', prompt: 'Quels problèmes ?', duration_ms: 1_200_000 }];
const CREATED = { title: 'Métrokawa de Clichy', territories: [], agenda: AGENDA, table_size: 6, host_policy: 'rotate' };
const PROVENANCE = { key: 'e3', source: 'le Forum numérique', territories: ['Clichy-sous-Bois', 'Sevran'], statement: 's7' };
const IMPORTED = { statement: 's1', text: 'Les bus de nuit manquent.', kind: 'problem', provenance: PROVENANCE };

function session(...events: Envelope[]): SessionStore {
  const store = new SessionStore();
  store.reset(emptySession(), 0);
  store.applyAll([envelope(1, 'SessionCreated', CREATED), ...events]);
  return store;
}

afterEach(() => setLang('fr'));

describe('StatementImported', () => {
  it('arrives published, the facilitators’, with its provenance, at no table', () => {
    const store = session(envelope(2, 'StatementImported', IMPORTED, 'cf1'));
    expect(store.state.statements.s1).toEqual({
      id: 's1',
      author: 'facilitator',
      text: 'Les bus de nuit manquent.',
      kind: 'problem',
      round: 0, // no round started yet
      table: null,
      status: 'published',
      merged_into: null,
      provenance: PROVENANCE,
    });
    expect(publishedStatements(store.state).map((s) => s.id)).toEqual(['s1']);
  });

  it('belongs to the round under way', () => {
    const store = session(envelope(2, 'RoundStarted', { round: 1, deadline: 1_000 }), envelope(3, 'StatementImported', IMPORTED));
    expect(store.state.statements.s1!.round).toBe(1);
  });

  it('leaves other statements without a provenance key (as the engine’s snapshots)', () => {
    const proposed = { statement: 's2', author: 'p1', text: 'Plus de bancs.', kind: 'idea', round: 1, table: 2 };
    const store = session(envelope(2, 'StatementProposed', proposed, 'p1'), envelope(3, 'StatementPublished', { statement: 's2' }));
    expect('provenance' in store.state.statements.s2!).toBe(false);
  });
});

describe('the provenance line', () => {
  it('says where it comes from, French first', () => {
    const store = session(envelope(2, 'StatementImported', IMPORTED));
    expect(provenanceText(store.state.statements.s1!)).toBe('Issu de\u00a0: le Forum numérique (Clichy-sous-Bois, Sevran)');
    expect(provenanceText({ provenance: { ...PROVENANCE, territories: [] } })).toBe('Issu de\u00a0: le Forum numérique');
    setLang('en');
    expect(provenanceText(store.state.statements.s1!)).toBe('From: le Forum numérique (Clichy-sous-Bois, Sevran)');
  });

  it('adds how the online phase rated it, when the forum’s comparison carried it', () => {
    const rated = { ...IMPORTED, provenance: { ...PROVENANCE, ratings: [1, 1, 0, 3, 6, 1] } };
    const store = session(envelope(2, 'StatementImported', rated));
    expect(store.state.statements.s1!.provenance!.ratings).toEqual([1, 1, 0, 3, 6, 1]);
    expect(provenanceText(store.state.statements.s1!)).toBe(
      'Issu de\u00a0: le Forum numérique (Clichy-sous-Bois, Sevran) — en ligne\u00a0: 12 avis, 9 d’accord, 2 pas d’accord',
    );
    setLang('en');
    expect(provenanceText(store.state.statements.s1!)).toBe(
      'From: le Forum numérique (Clichy-sous-Bois, Sevran) — online: 12 ratings, 9 agree, 2 disagree',
    );
    expect(provenanceText({ provenance: { ...PROVENANCE, ratings: [] } })).toBe('From: le Forum numérique (Clichy-sous-Bois, Sevran)');
  });

  it('is absent for a statement written in the session', () => {
    expect(provenanceText({})).toBeNull();
  });
});
