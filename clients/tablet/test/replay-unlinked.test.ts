/**
 * An archive's published log names nobody's positions or ballots (session_engine/archive/anonymise.py
 * `unlink`): positions under aliases v1, v2… that no ParticipantJoined names, ballots under b1, b2…,
 * a vote under k with empty grades, an erased person's positions under '' (nobody). The replay
 * viewer plays such a log: the aliases count in the room, in no territory nor role; nobody counts
 * nowhere; nothing crashes.
 */
import { encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { parseLog } from '../src/replay/log';
import { statementScopes } from '../src/replay/opinions';
import { Timeline } from '../src/replay/timeline';
import { computeTallies, positionCountsByStatement, UNKNOWN_TERRITORY, type Envelope } from '../src/state';

const header = { format: 'metrokawa-log', format_version: 1, session: 'aArchive', title: 'T', created_at: 0, schemas: {} };

function unlinkedLog(): Envelope[] {
  const log: Envelope[] = [];
  const add = (type: string, data: any, actor = 'facilitator') =>
    log.push({ seq: log.length + 1, type, v: 1, at: 1000 + log.length * 1000, actor, cmd: null, data });
  add('SessionCreated', {
    title: 'T',
    territories: [
      { id: 't1', name: 'Franc-Moisin', commune: 'Saint-Denis', qpv: true },
      { id: 't2', name: 'Cosmonautes', commune: 'Saint-Denis', qpv: true },
    ],
    agenda: [{ kind: 'table', prompt: 'Quoi ?', duration_ms: 60_000 }],
    table_size: 6,
    host_policy: 'rotate',
  });
  // Seven joins: p1…p6 in t1, p7 in t2; p7 is erased later.
  for (let n = 1; n <= 7; n++) {
    const p = `p${n}`;
    const territory = n === 7 ? 't2' : 't1';
    add('ParticipantJoined', { participant: p, pseudonym: `Participant·e ${n}`, territory, role: 'habitant', stays_seated: false, consent: false }, p);
  }
  add('RoundStarted', { round: 1, deadline: 70_000 });
  add('StatementProposed', { statement: 's1', author: 'p1', text: 'Le square ferme trop tôt.', kind: 'problem', round: 1, table: null }, 'p1');
  add('StatementPublished', { statement: 's1' });
  // Six aliases take positions (v3 twice: the later one counts); the erased person's is nobody's.
  const values = [2, 1, -1, 2, 0, null];
  values.forEach((value, i) =>
    add('PositionTaken', { participant: `v${i + 1}`, statement: 's1', value, round: 1 }, 'participant'),
  );
  add('PositionTaken', { participant: 'v3', statement: 's1', value: 1, round: 1 }, 'participant');
  add('PositionTaken', { participant: '', statement: 's1', value: null, round: 1 }, 'participant');
  add('ParticipantRemoved', { participant: 'p7', erased: true, table: null, host: null, statements: [], annotations: [] });
  add('ProposalPromoted', { proposal: 'pr1', statement: 's1', text: 'Ouvrir le square le soir' });
  add('VoteOpened', { vote: 'v1', proposals: ['pr1'] });
  // Three ballots: under k, their grades are emptied.
  for (const b of ['b1', 'b2', 'b3']) add('BallotCast', { vote: 'v1', participant: b, grades: {} }, 'participant');
  add('PaperBallotsEntered', { vote: 'v1', ballots: [{}], note: '' });
  add('VoteClosed', { vote: 'v1' });
  return log;
}

function mkawa(events: Envelope[]): Uint8Array {
  const parts = [header, ...events].map((r) => encode(r));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('the replay of an archive’s unlinked log', () => {
  it('reads the file and plays every event to the end', () => {
    const { events } = parseLog(mkawa(unlinkedLog()));
    const timeline = new Timeline(events, 4);
    const state = timeline.stateAt(timeline.checkpointBefore(timeline.last));
    expect(timeline.last).toBe(events.length);
    expect(state.statements.s1!.status).toBe('published');
  });

  it('counts the aliases in the room, in no territory nor role, and nobody nowhere', () => {
    const { events } = parseLog(mkawa(unlinkedLog()));
    const timeline = new Timeline(events);
    const cursor = timeline.cursor();
    cursor.seek(timeline.last);
    const state = cursor.store.state;
    const tallies = computeTallies(state);
    const s1 = tallies.statements[0]!;
    // v1…v6, last values: 2, 1, 1, 2, 0, pass (the blank voter is left out).
    expect(s1.overall).toEqual({ group: 'all', hidden: false, voters: 6, counts: [0, 0, 1, 2, 2], passes: 1 });
    expect(s1.territories.map((g) => [g.group, g.hidden])).toEqual([
      ['t1', true],
      ['t2', true],
    ]);
    expect(s1.roles.every((g) => g.hidden)).toBe(true);
    const counts = positionCountsByStatement(state).get('s1')!;
    expect(Object.keys(counts)).toEqual([UNKNOWN_TERRITORY]);
    const [scope] = statementScopes(state);
    expect([scope!.voters, scope!.agreedIn, scope!.territories.map((x) => x.voters)]).toEqual([6, [], [0, 0]]);
    const vote = tallies.votes[0]!;
    // Four ballots counted (three cast, one on paper), under k: no profiles.
    expect([vote.ballots, vote.open, vote.profiles]).toEqual([4, false, null]);
  });
});
