/** The projector's counts come from two selectors only (src/projector/counts.ts): who has joined,
 *  per territory, and how many ballots a vote has received; and its wall of statements. Each
 *  scenario: given the events the projector receives, then what it counts. */
import { describe, expect, it } from 'vitest';
import { ballotsReceived, hear, hearBallots, joinedByTerritory, wallStatements, type Heard } from '../src/projector/counts';
import { SessionStore, type Envelope } from '../src/state';

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

describe('joinedByTerritory: who has joined, overall and per territory', () => {
  it('counts each person once, under their territory, in the session’s order of territories', () => {
    const s = store(created(), joined('p1', 't2'), joined('p2', 't1'), joined('p3', 't2'));
    expect(joinedByTerritory(s.state)).toEqual({
      total: 3,
      territories: [
        { territory: 't1', name: 'Grigny', count: 1 },
        { territory: 't2', name: 'Évry', count: 2 },
        { territory: 't3', name: 'Corbeil', count: 0 },
      ],
    });
  });

  it('leaves out whoever left, was erased, or was merged into another entry', () => {
    const s = store(created(), joined('p1', 't1'), joined('p2', 't1'), joined('p3', 't3'), joined('p4', 't3'));
    const table: [string, 'removed' | 'erased' | 'merged'][] = [
      ['p1', 'removed'],
      ['p3', 'erased'],
      ['p4', 'merged'],
    ];
    for (const [id, status] of table) s.state.participants[id]!.status = status;
    const counted = joinedByTerritory(s.state);
    expect(counted.total).toBe(1);
    expect(counted.territories.map((t) => t.count)).toEqual([1, 0, 0]);
  });

  it('is zero everywhere before anyone joins', () => {
    expect(joinedByTerritory(store(created()).state)).toMatchObject({ total: 0, territories: [{ count: 0 }, { count: 0 }, { count: 0 }] });
  });
});

describe('ballotsReceived: how many ballots a vote has received, from the public BallotCast', () => {
  const opened = () => [created(), event('VoteOpened', { vote: 'v1', proposals: ['pr1', 'pr2'] })];
  const ballot = (vote = 'v1') => event('BallotCast', { vote }, 'participant');

  it('counts each ballot heard, per vote, and nothing else', () => {
    const heard: Heard = { ballots: {} };
    const s = new SessionStore();
    hearBallots(s, heard);
    s.applyAll([...opened(), ballot(), ballot(), joined('p9', 't1')]);
    s.applyAll([event('VoteOpened', { vote: 'v2', proposals: ['pr3'] }), ballot('v2')]);
    s.apply(ballot());
    const view = { ...s.state, heard };
    expect([ballotsReceived(view, 'v1'), ballotsReceived(view, 'v2')]).toEqual([3, 1]);
  });

  it('does not count twice an envelope the store already holds (a resume sends it again)', () => {
    const heard: Heard = { ballots: {} };
    const s = new SessionStore();
    hearBallots(s, heard);
    const events = [...opened(), ballot(), ballot()];
    s.applyAll(events);
    s.applyAll(events.slice(2));
    expect(ballotsReceived({ ...s.state, heard }, 'v1')).toBe(2);
  });

  it('has counted the ballot before the store tells its listeners (the screen reads it then)', () => {
    const heard: Heard = { ballots: {} };
    const s = new SessionStore();
    hearBallots(s, heard);
    s.applyAll(opened());
    const seen: (number | null)[] = [];
    s.subscribe(() => seen.push(ballotsReceived({ ...s.state, heard }, 'v1')));
    s.apply(ballot());
    expect(seen).toEqual([1]);
  });

  it('stops hearing when asked', () => {
    const heard: Heard = { ballots: {} };
    const s = new SessionStore();
    const stop = hearBallots(s, heard);
    s.applyAll(opened());
    s.apply(ballot());
    stop();
    s.apply(ballot());
    expect(heard.ballots).toEqual({ v1: 1 });
  });

  it('is zero when the vote opens, unknown (null) for a vote opened before the screen came', () => {
    const heard: Heard = { ballots: {} };
    const s = new SessionStore();
    hearBallots(s, heard);
    // A snapshot taken while v1 is open: it carries no ballot; the screen hears v2 open.
    s.reset({ votes: { v1: { id: 'v1', proposals: ['pr1'], open: true, ballots: {} } } }, seq);
    s.applyAll([ballot('v1'), event('VoteOpened', { vote: 'v2', proposals: ['pr2'] })]);
    const view = { ...s.state, heard };
    expect([ballotsReceived(view, 'v1'), ballotsReceived(view, 'v2')]).toEqual([null, 0]);
    expect(ballotsReceived(store(...opened()).state, 'v1')).toBeNull(); // nothing heard at all
    hear(heard, event('BallotCast', {}));
    expect(heard.ballots).toEqual({ v2: 0 });
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
