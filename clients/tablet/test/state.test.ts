import { describe, expect, it } from 'vitest';
import {
  ADOPTION_GRADE,
  SessionStore,
  adoptionOf,
  isAdopted,
  objectionsOf,
  openConsent,
  pendingObjections,
  voeuOf,
  voeuxInOrder,
  compareNatural,
  currentRound,
  hostOfTable,
  hostedTable,
  openVote,
  pairKey,
  positionCounts,
  positionOf,
  publishedStatements,
  tableOf,
  type Envelope,
} from '../src/state';

let seq = 0;
function ev(type: string, data: any, actor = 'facilitator'): Envelope {
  seq += 1;
  return { seq, type, v: 1, at: 1_700_000_000_000 + seq, actor, cmd: null, data };
}

function created(store: SessionStore) {
  seq = 0;
  store.applyAll([
    ev('SessionCreated', {
      title: 'Métrokawa test',
      territories: [
        { id: 't1', name: 'Bondy Nord', commune: 'Bondy', qpv: true },
        { id: 't2', name: 'Centre', commune: 'Pantin', qpv: false },
      ],
      agenda: [
        { kind: 'table', prompt: 'Quels problèmes ?', duration_ms: 600_000 },
        { kind: 'vote', prompt: 'Votons', duration_ms: 300_000 },
      ],
      table_size: 6,
      host_policy: 'rotate',
    }),
    ev('ParticipantJoined', { participant: 'p1', pseudonym: 'Ana', territory: 't1', role: 'habitant', stays_seated: false, consent: true }, 'guest'),
    ev('ParticipantJoined', { participant: 'p2', pseudonym: 'Bob', territory: 't2', role: 'elu', stays_seated: false, consent: false }, 'guest'),
    ev('ParticipantJoined', { participant: 'p3', pseudonym: 'Chloé', territory: 't1', role: 'autre', stays_seated: true, consent: false }, 'guest'),
    ev('TablesSeated', { seed: 1, tables: [{ table: 1, host: 'p2', members: ['p1', 'p2'] }, { table: 2, host: 'p3', members: ['p3'] }] }),
  ]);
}

describe('SessionStore', () => {
  it('builds the state from events as evolve does', () => {
    const store = new SessionStore();
    created(store);
    const s = store.state;
    expect(store.seq).toBe(5);
    expect(s.created).toBe(true);
    expect(s.title).toBe('Métrokawa test');
    expect(s.rounds).toHaveLength(2);
    expect(s.rounds[0].status).toBe('pending');
    expect(tableOf(s, 'p1')).toBe(1);
    expect(tableOf(s, 'p3')).toBe(2);
    expect(s.participants.p2.times_hosted).toBe(1);
    expect(s.pair_counts['p1|p2']).toBe(1);
    expect(hostOfTable(s, 1)).toBe('p2');
    expect(currentRound(s)).toBeNull();
    expect(s.pseudonyms.ana).toBe('p1');
  });

  it('follows a round: start, pause, resume, extend, end; hosts of the round', () => {
    const store = new SessionStore();
    created(store);
    store.apply(ev('RoundStarted', { round: 1, deadline: 2_000_000 }));
    let r = currentRound(store.state)!;
    expect(r.status).toBe('running');
    expect(r.deadline).toBe(2_000_000);
    expect(r.hosts).toEqual({ '1': 'p2', '2': 'p3' });
    expect(hostedTable(store.state, 'p2')).toBe(1);
    expect(hostedTable(store.state, 'p1')).toBeNull();
    store.apply(ev('RoundPaused', { round: 1, remaining_ms: 42_000 }));
    r = currentRound(store.state)!;
    expect([r.status, r.deadline, r.remaining_ms]).toEqual(['paused', null, 42_000]);
    store.apply(ev('RoundExtended', { round: 1, by_ms: 60_000, deadline: null, remaining_ms: 102_000 }));
    expect(currentRound(store.state)!.remaining_ms).toBe(102_000);
    store.apply(ev('RoundResumed', { round: 1, deadline: 3_000_000 }));
    r = currentRound(store.state)!;
    expect([r.status, r.deadline, r.remaining_ms]).toEqual(['running', 3_000_000, null]);
    store.apply(ev('RoundEnded', { round: 1, reason: 'deadline' }, 'system'));
    r = currentRound(store.state)!;
    expect([r.status, r.deadline, r.end_reason]).toEqual(['ended', null, 'deadline']);
    // The host of the ended round may still write its synthesis.
    expect(hostedTable(store.state, 'p2')).toBe(1);
  });

  it('seats a late arrival, as host when the table had none', () => {
    const store = new SessionStore();
    created(store);
    store.apply(ev('RoundStarted', { round: 1, deadline: 2_000_000 }));
    store.apply(ev('ParticipantJoined', { participant: 'p4', pseudonym: 'Dee', territory: 't2', role: 'technicien', stays_seated: false, consent: false }, 'guest'));
    store.apply(ev('ParticipantSeated', { participant: 'p4', table: 2, hosts: false }, 'guest'));
    expect(store.state.tables['2'].members).toEqual(['p3', 'p4']);
    expect(tableOf(store.state, 'p4')).toBe(2);
    expect(store.state.pair_counts['p3|p4']).toBe(1);
    store.apply(ev('ParticipantJoined', { participant: 'p5', pseudonym: 'Eve', territory: 't2', role: 'habitant', stays_seated: false, consent: false }, 'guest'));
    store.apply(ev('TablesRotated', { seed: 2, tables: [{ table: 1, host: null, members: ['p1', 'p2', 'p3', 'p4'] }] }));
    expect(tableOf(store.state, 'p5')).toBeNull();
    store.apply(ev('ParticipantSeated', { participant: 'p5', table: 1, hosts: true }, 'guest'));
    expect(store.state.tables['1'].host).toBe('p5');
    expect(currentRound(store.state)!.hosts['1']).toBe('p5');
  });

  it('fills the public form of a proposed statement from the ack, then publishes it', () => {
    const store = new SessionStore();
    created(store);
    store.apply(ev('RoundStarted', { round: 1, deadline: 2_000_000 }));
    const proposed = ev('StatementProposed', { statement: 's1', round: 1 }, 'participant');
    store.apply(proposed);
    expect(store.state.statements.s1).toMatchObject({ status: 'proposed', text: null, author: 'participant' });
    store.claimStatement(proposed.seq, 'p1', '  Trop de voitures  ', 'problem');
    expect(store.state.statements.s1).toMatchObject({ author: 'p1', text: 'Trop de voitures', kind: 'problem' });
    store.apply(ev('StatementPublished', { statement: 's1', text: 'Trop de voitures', kind: 'problem', round: 1, table: 1 }));
    expect(publishedStatements(store.state).map((x) => x.id)).toEqual(['s1']);
    // Someone else's, never seen before publication:
    store.apply(ev('StatementProposed', { statement: 's2', round: 1 }, 'participant'));
    store.apply(ev('StatementPublished', { statement: 's2', text: 'Un parc', kind: 'idea', round: 1, table: 2 }));
    expect(store.state.statements.s2).toMatchObject({ text: 'Un parc', kind: 'idea', status: 'published', table: 2 });
    store.apply(ev('StatementsMerged', { statement: 's2', into: 's1' }));
    expect(store.state.statements.s2).toMatchObject({ status: 'merged', merged_into: 's1' });
    expect(publishedStatements(store.state).map((x) => x.id)).toEqual(['s1']);
    store.apply(ev('StatementHidden', { statement: 's1' }));
    expect(publishedStatements(store.state)).toEqual([]);
  });

  it('counts positions per territory; the last one counts; pass is null', () => {
    const store = new SessionStore();
    created(store);
    store.apply(ev('PositionTaken', { participant: 'p1', statement: 's1', value: 2, round: 1 }, 'p1'));
    store.apply(ev('PositionTaken', { participant: 'p3', statement: 's1', value: -1, round: 1 }, 'p3'));
    store.apply(ev('PositionTaken', { participant: 'p2', statement: 's1', value: null, round: 1 }, 'p2'));
    store.apply(ev('PositionTaken', { participant: 'p1', statement: 's1', value: 1, round: 1 }, 'p1'));
    store.apply(ev('PositionTaken', { participant: 'p1', statement: 's11', value: -2, round: 1 }, 'p1'));
    expect(positionCounts(store.state, 's1')).toEqual({ t1: { '1': 1, '-1': 1 }, t2: { pass: 1 } });
    expect(positionOf(store.state, 'p1', 's1')).toBe(1);
    expect(positionOf(store.state, 'p2', 's1')).toBeNull();
    expect(positionOf(store.state, 'p3', 's9')).toBeUndefined();
  });

  it('handles votes, ballots (public and own), results shown and hidden', () => {
    const store = new SessionStore();
    created(store);
    store.apply(ev('ProposalPromoted', { proposal: 'pr1', statement: 's1', text: 'Un parc' }));
    store.apply(ev('VoteOpened', { vote: 'v1', proposals: ['pr1'] }));
    expect(openVote(store.state)?.id).toBe('v1');
    store.apply(ev('BallotCast', { vote: 'v1' }, 'participant'));
    expect(store.state.votes.v1.ballots).toEqual({});
    store.claimBallot('v1', 'p1', { pr1: 5 });
    expect(store.state.votes.v1.ballots.p1).toEqual({ pr1: 5 });
    store.apply(ev('BallotCast', { vote: 'v1', participant: 'p2', grades: { pr1: 3 } }, 'p2')); // facilitator's form
    expect(store.state.votes.v1.ballots.p2).toEqual({ pr1: 3 });
    store.apply(ev('VoteClosed', { vote: 'v1' }));
    expect(openVote(store.state)).toBeNull();
    store.apply(ev('ResultsShown', { statement: null, vote: 'v1', profiles: { pr1: [0, 0, 0, 1, 0, 1, 0] } }));
    expect(store.state.results).toEqual({ statement: null, vote: 'v1', profiles: { pr1: [0, 0, 0, 1, 0, 1, 0] } });
    store.apply(ev('ResultsHidden', {}));
    expect(store.state.results).toBeNull();
    store.apply(ev('SessionClosed', {}));
    expect(store.state.closed).toBe(true);
  });

  it('resets from a snapshot and ignores events already held', () => {
    const store = new SessionStore();
    let calls = 0;
    store.subscribe(() => calls++);
    store.reset(
      {
        created: true,
        closed: false,
        title: 'Snap',
        territories: { t1: { id: 't1', name: 'A', commune: 'B', qpv: false } },
        rounds: [{ number: 1, spec: { kind: 'table', prompt: 'P', duration_ms: 1000 }, status: 'running', deadline: 99, remaining_ms: null, hosts: { 1: 'p1' }, end_reason: null }],
        current_round: 1,
        participants: { p1: { id: 'p1', pseudonym: 'Ana', territory: 't1', role: 'habitant', stays_seated: false, consent: false, table: 1, times_hosted: 1 } },
        tables: { 1: { table: 1, host: 'p1', members: ['p1'] } },
        positions: { 'p1|s1': 0 },
        statements: {},
        annotations: [],
        votes: {},
        proposals: {},
        syntheses: {},
        pseudonyms: {},
        pair_counts: {},
        table_size: 6,
        host_policy: 'stay',
        // no "results" field: an older server
      },
      40,
    );
    expect(store.loaded).toBe(true);
    expect(store.state.results).toBeNull();
    expect(hostedTable(store.state, 'p1')).toBe(1);
    expect(calls).toBe(1);
    store.apply({ seq: 40, type: 'SessionClosed', v: 1, at: 0, actor: 'facilitator', cmd: null, data: {} });
    expect(store.state.closed).toBe(false);
    store.applyAll([
      { seq: 41, type: 'AnnotationAdded', v: 1, at: 0, actor: 'p1', cmd: null, data: { annotation: 'a1', author: 'p1', text: 'Note', statement: null, table: 1, tags: [], place: 'Rue X', round: 1 } },
      { seq: 42, type: 'SynthesisSubmitted', v: 1, at: 0, actor: 'p1', cmd: null, data: { round: 1, table: 1, host: 'p1', text: 'Synthèse' } },
    ]);
    expect(calls).toBe(2); // one notification for the batch
    expect(store.state.annotations[0]).toMatchObject({ id: 'a1', table: 1, place: 'Rue X' });
    expect(store.state.syntheses['1|1'].text).toBe('Synthèse');
  });
});

describe('pair_counts keys (as session_engine/seating.py pair_key)', () => {
  it('orders the two ids naturally: p9 before p10', () => {
    expect(pairKey('p10', 'p9')).toBe('p9|p10');
    expect(pairKey('p9', 'p10')).toBe('p9|p10');
    expect(pairKey('p2', 'p1')).toBe('p1|p2');
    expect(compareNatural('p02', 'p2')).toBeLessThan(0); // same number: the raw text decides
    expect(compareNatural('t1', 'p10')).toBeGreaterThan(0);
  });

  it('gives the snapshot’s keys when seating, rotating and seating a late arrival', () => {
    const store = new SessionStore();
    store.reset({ participants: {}, tables: {}, pair_counts: {} }, 0);
    const join = (id: string, n: number) =>
      ({ seq: n, type: 'ParticipantJoined', v: 1, at: 0, actor: 'guest', cmd: null, data: { participant: id, pseudonym: id, territory: 't1', role: 'habitant' } });
    store.applyAll(['p9', 'p10', 'p11'].map((id, i) => join(id, i + 1)));
    store.apply({ seq: 4, type: 'TablesSeated', v: 1, at: 0, actor: 'facilitator', cmd: null, data: { tables: [{ table: 1, host: 'p10', members: ['p10', 'p9'] }] } });
    expect(store.state.pair_counts).toEqual({ 'p9|p10': 1 });
    store.apply({ seq: 5, type: 'ParticipantSeated', v: 1, at: 0, actor: 'guest', cmd: null, data: { participant: 'p11', table: 1, hosts: false } });
    expect(store.state.pair_counts).toEqual({ 'p9|p10': 1, 'p10|p11': 1, 'p9|p11': 1 });
    store.apply({ seq: 6, type: 'TablesRotated', v: 1, at: 0, actor: 'facilitator', cmd: null, data: { tables: [{ table: 1, host: null, members: ['p11', 'p10', 'p9'] }] } });
    expect(store.state.pair_counts).toEqual({ 'p9|p10': 2, 'p10|p11': 2, 'p9|p11': 2 });
  });
});

describe('consent rounds and vœux (as session_engine/evolve.py)', () => {
  /** A closed vote v1 on pr1 and pr2 as the facilitator sees it (every ballot). */
  function voted(store: SessionStore, ballots: Record<string, Record<string, number>>) {
    created(store);
    store.apply(ev('ProposalPromoted', { proposal: 'pr1', statement: 's1', text: 'Des bancs au square' }));
    store.apply(ev('ProposalPromoted', { proposal: 'pr2', statement: 's2', text: 'Un marché le samedi' }));
    store.apply(ev('VoteOpened', { vote: 'v1', proposals: ['pr1', 'pr2'] }));
    for (const [participant, grades] of Object.entries(ballots)) {
      store.apply(ev('BallotCast', { vote: 'v1', participant, grades }, participant));
    }
  }

  it('adopts a proposal when its last vote is closed and its majority grade is Assez bien or better', () => {
    const store = new SessionStore();
    // pr1: 3, 4, 5 → median Bien (4); pr2: 1, 3, (ungraded = 0) → median Insuffisant (1).
    voted(store, { p1: { pr1: 3, pr2: 1 }, p2: { pr1: 4, pr2: 3 }, p3: { pr1: 5 } });
    expect(isAdopted(store.state, 'pr1')).toBe(false); // the vote is still open
    store.apply(ev('VoteClosed', { vote: 'v1' }));
    expect(isAdopted(store.state, 'pr1')).toBe(true);
    expect(adoptionOf(store.state, 'pr1')).toMatchObject({ grade: 4, vote: { id: 'v1' } });
    expect(isAdopted(store.state, 'pr2')).toBe(false);
    expect(isAdopted(store.state, 'pr9')).toBe(false); // never voted on
    expect(ADOPTION_GRADE).toBe(3);
  });

  it('uses the lower median: an even split between Passable and Assez bien is not adopted', () => {
    const store = new SessionStore();
    voted(store, { p1: { pr1: 2 }, p2: { pr1: 3 } });
    store.apply(ev('VoteClosed', { vote: 'v1' }));
    expect(isAdopted(store.state, 'pr1')).toBe(false);
  });

  it('only the last vote counts', () => {
    const store = new SessionStore();
    voted(store, { p1: { pr1: 6 }, p2: { pr1: 6 } });
    store.apply(ev('VoteClosed', { vote: 'v1' }));
    expect(isAdopted(store.state, 'pr1')).toBe(true);
    store.apply(ev('VoteOpened', { vote: 'v2', proposals: ['pr1'] }));
    expect(isAdopted(store.state, 'pr1')).toBe(false); // v2 is open
    store.apply(ev('BallotCast', { vote: 'v2', participant: 'p1', grades: { pr1: 0 } }, 'p1'));
    store.apply(ev('VoteClosed', { vote: 'v2' }));
    expect(isAdopted(store.state, 'pr1')).toBe(false);
  });

  it('the public, without the ballots, reads the profiles on show', () => {
    const store = new SessionStore();
    voted(store, {});
    store.apply(ev('VoteClosed', { vote: 'v1' }));
    expect(isAdopted(store.state, 'pr1')).toBe(false);
    store.apply(ev('ResultsShown', { statement: null, vote: 'v1', profiles: { pr1: [0, 0, 0, 1, 1, 0, 0], pr2: [2, 0, 0, 0, 0, 0, 0] } }));
    expect(isAdopted(store.state, 'pr1')).toBe(true);
    expect(isAdopted(store.state, 'pr2')).toBe(false);
  });

  it('opens a round, raises and resolves objections, adopts the vœu', () => {
    const store = new SessionStore();
    voted(store, { p1: { pr1: 5 } });
    store.apply(ev('VoteClosed', { vote: 'v1' }));
    expect(openConsent(store.state)).toBeNull();
    store.apply(ev('ConsentOpened', { consent: 'c1', proposal: 'pr1', vote: 'v1', grade: 5, text: 'Des bancs au square' }));
    expect(openConsent(store.state)).toMatchObject({ id: 'c1', status: 'open', text: 'Des bancs au square', objections: [] });
    // Public form: no author; then the author learns it is theirs from the ack.
    const raised = ev('ObjectionRaised', { objection: 'o1', consent: 'c1', text: 'Et à l’ombre ?' }, 'participant');
    store.apply(raised);
    store.apply(ev('ObjectionRaised', { objection: 'o2', consent: 'c1', author: 'p2', text: 'Trop cher.' }, 'p2'));
    expect(objectionsOf(store.state, 'c1').map((o) => [o.id, o.author, o.resolution])).toEqual([
      ['o1', 'participant', null],
      ['o2', 'p2', null],
    ]);
    store.claimObjection(raised.seq, 'p1');
    expect(store.state.objections.o1.author).toBe('p1');
    expect(pendingObjections(store.state, 'c1')).toHaveLength(2);
    store.apply(ev('ObjectionResolved', { objection: 'o1', consent: 'c1', resolution: 'amended', wording: 'Des bancs à l’ombre au square' }));
    expect(store.state.consents.c1.text).toBe('Des bancs à l’ombre au square');
    expect(store.state.objections.o1).toMatchObject({ resolution: 'amended', wording: 'Des bancs à l’ombre au square' });
    store.apply(ev('ObjectionResolved', { objection: 'o2', consent: 'c1', resolution: 'withdrawn', wording: null }));
    expect(store.state.consents.c1.text).toBe('Des bancs à l’ombre au square'); // withdrawn: unchanged
    expect(pendingObjections(store.state, 'c1')).toEqual([]);
    store.apply(ev('VoeuAdopted', { voeu: 'vx1', consent: 'c1', proposal: 'pr1', text: 'Des bancs à l’ombre au square', outcome: 'Adopté.' }));
    expect(openConsent(store.state)).toBeNull();
    expect(store.state.consents.c1.status).toBe('adopted');
    expect(voeuxInOrder(store.state)).toEqual([{ id: 'vx1', consent: 'c1', proposal: 'pr1', text: 'Des bancs à l’ombre au square', outcome: 'Adopté.' }]);
    expect(voeuOf(store.state, 'pr1')?.id).toBe('vx1');
    expect(voeuOf(store.state, 'pr2')).toBeNull();
  });

  it('abandons a round, and keeps the snapshot’s consents, objections and vœux', () => {
    const store = new SessionStore();
    voted(store, { p1: { pr1: 5 } });
    store.apply(ev('ConsentOpened', { consent: 'c1', proposal: 'pr1', vote: 'v1', grade: 5, text: 'Des bancs' }));
    store.apply(ev('ConsentAbandoned', { consent: 'c1', reason: 'facilitator' }));
    expect(store.state.consents.c1).toMatchObject({ status: 'abandoned', end_reason: 'facilitator' });
    expect(openConsent(store.state)).toBeNull();

    const snap = new SessionStore();
    snap.reset(
      {
        consents: { c1: { id: 'c1', proposal: 'pr1', vote: 'v1', grade: 3, text: 'x', objections: ['o1'], status: 'open', end_reason: null } },
        objections: { o1: { id: 'o1', consent: 'c1', author: 'participant', text: 't', resolution: null, wording: null } },
        voeux: {},
      },
      9,
    );
    expect(openConsent(snap.state)?.id).toBe('c1');
    expect(objectionsOf(snap.state, 'c1').map((o) => o.text)).toEqual(['t']);
    // An older server's snapshot, without these fields:
    const old = new SessionStore();
    old.reset({ title: 'Old' }, 1);
    expect([old.state.consents, old.state.objections, old.state.voeux]).toEqual([{}, {}, {}]);
  });
});
