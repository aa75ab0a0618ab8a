/** The projector's counts come from two selectors only (src/projector/counts.ts): who has joined,
 *  per territory, and how many ballots a vote has received, both read from the tallies; and its
 *  wall of statements. Each scenario: given what the projector receives, then what it shows. */
import { describe, expect, it } from 'vitest';
import { ballotsReceived, joinedByTerritory, wallStatements } from '../src/projector/counts';
import { SessionStore, type Envelope, type Tallies } from '../src/state';

let seq = 0;
function event(type: string, data: Record<string, unknown>, actor = 'facilitator'): Envelope {
  seq += 1;
  return { seq, type, v: 1, at: 1_700_000_000_000 + seq, actor, cmd: null, data };
}

function created(): Envelope {
  seq = 0;
  return event('SessionCreated', {
    title: 'Métrokawa de test',
    territories: [
      { id: 't1', name: 'Grigny', commune: 'Grigny', qpv: true },
      { id: 't2', name: 'Évry', commune: 'Évry-Courcouronnes', qpv: false },
      { id: 't3', name: 'Corbeil', commune: 'Corbeil-Essonnes', qpv: true },
    ],
    table_size: 6,
    host_policy: 'rotate',
    agenda: [
      { kind: 'table', prompt: 'Quels problèmes ?', duration_ms: 600_000 },
      { kind: 'table', prompt: 'Quelles idées ?', duration_ms: 600_000 },
    ],
  });
}

function joined(participant: string, territory: string): Envelope {
  return event('ParticipantJoined', { participant, pseudonym: participant, territory, role: 'habitant', stays_seated: false, consent: false }, participant);
}

function store(...events: Envelope[]): SessionStore {
  const s = new SessionStore();
  s.applyAll(events);
  return s;
}

/** The tallies a projector holds (the `tallies` frame). */
function tallies(joined: Record<string, number>, votes: [string, boolean, number][] = []): Tallies {
  const total = Object.values(joined).reduce((a, n) => a + n, 0);
  return {
    k_anonymity: 5,
    joined: { total, territories: joined, roles: { habitant: total, elu: 0, technicien: 0, autre: 0 } },
    statements: [],
    votes: votes.map(([vote, open, ballots]) => ({ vote, open, ballots, waiting: 0, profiles: null })),
  };
}

describe('joinedByTerritory: who has joined, overall and per territory, from the tallies', () => {
  it('counts each territory of the session, in the session’s order of territories', () => {
    const s = store(created());
    s.setTallies(tallies({ t2: 2, t1: 1 }));
    expect(joinedByTerritory(s.state)).toEqual({
      total: 3,
      territories: [
        { territory: 't1', name: 'Grigny', count: 1 },
        { territory: 't2', name: 'Évry', count: 2 },
        { territory: 't3', name: 'Corbeil', count: 0 },
      ],
    });
  });

  it('reads the tallies only, not the joins the view may hold (the latest frame wins)', () => {
    const s = store(created(), joined('p1', 't1'), joined('p2', 't1'));
    s.setTallies(tallies({ t3: 4 }));
    s.setTallies(tallies({ t3: 5, t2: 1 }));
    const counted = joinedByTerritory(s.state);
    expect(counted.total).toBe(6);
    expect(counted.territories.map((t) => t.count)).toEqual([0, 1, 5]);
  });

  it('is zero everywhere before the first tallies frame', () => {
    const s = store(created(), joined('p1', 't1'));
    expect(joinedByTerritory(s.state)).toMatchObject({ total: 0, territories: [{ count: 0 }, { count: 0 }, { count: 0 }] });
  });
});

describe('ballotsReceived: how many ballots a vote has received, from the tallies', () => {
  it('is the tally’s count of ballots for that vote', () => {
    const s = store(created(), event('VoteOpened', { vote: 'v1', proposals: ['pr1', 'pr2'] }));
    s.setTallies(tallies({}, [['v1', true, 0]]));
    expect(ballotsReceived(s.state, 'v1')).toBe(0);
    s.setTallies(tallies({}, [['v1', true, 3], ['v2', false, 7]]));
    expect([ballotsReceived(s.state, 'v1'), ballotsReceived(s.state, 'v2')]).toEqual([3, 7]);
  });

  it('is unknown (null) before the tallies say it: no count rather than a wrong one', () => {
    const s = store(created(), event('VoteOpened', { vote: 'v1', proposals: ['pr1'] }));
    expect(ballotsReceived(s.state, 'v1')).toBeNull();
    s.setTallies(tallies({}, [['v2', true, 1]]));
    expect(ballotsReceived(s.state, 'v1')).toBeNull();
  });
});

describe('wallStatements: the published statements on the wall, newest first', () => {
  const published = (statement: string, round: number, table: number) =>
    event('StatementPublished', { statement, text: `Énoncé ${statement}.`, kind: 'idea', round, table });
  const proposed = (statement: string, round: number) => event('StatementProposed', { statement, round }, 'participant');

  it('shows the open round’s statements while it runs, the whole session’s between rounds', () => {
    const s = store(
      created(),
      joined('p1', 't1'),
      event('TablesSeated', { tables: [{ table: 1, host: 'p1', members: ['p1'] }] }),
      event('RoundStarted', { round: 1, deadline: 1_800_000_000_000, hosts: { '1': 'p1' } }),
      proposed('s1', 1),
      proposed('s2', 1),
      proposed('s3', 1),
      published('s1', 1, 1),
      published('s3', 1, 1),
      event('RoundEnded', { round: 1, reason: 'deadline' }),
    );
    expect(wallStatements(s.state).map((x) => x.id)).toEqual(['s3', 's1']);
    s.applyAll([event('RoundStarted', { round: 2, deadline: 1_800_000_000_000, hosts: { '1': 'p1' } }), proposed('s4', 2)]);
    expect(wallStatements(s.state)).toEqual([]);
    s.apply(published('s4', 2, 1));
    expect(wallStatements(s.state).map((x) => x.id)).toEqual(['s4']);
    s.apply(event('RoundEnded', { round: 2, reason: 'deadline' }));
    expect(wallStatements(s.state).map((x) => x.id)).toEqual(['s4', 's3', 's1']);
  });
});
