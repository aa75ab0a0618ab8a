/**
 * A long session's log, built event by event: 400 participants, 150 published statements, then
 * positions up to the wanted length (100,000 events by default). replay.test.ts seeks in it;
 * bench/replay-seek.ts times the same seeks (speed is printed there, never asserted here).
 */
import type { Envelope } from '../src/state';

export const PEOPLE = 400;
export const STATEMENTS = 150;

export function longSession(length = 100_000): Envelope[] {
  const log: Envelope[] = [];
  const add = (type: string, actor: string, data: any, at = 1000 + log.length) =>
    log.push({ seq: log.length + 1, type, v: 1, at, actor, cmd: null, data });
  add('SessionCreated', 'facilitator', {
    title: 'T', territories: [{ id: 't1', name: 'A', commune: 'a', qpv: false }], agenda: [], table_size: 6, host_policy: 'rotate',
  });
  for (let p = 1; p <= PEOPLE; p++) {
    add('ParticipantJoined', `p${p}`, { participant: `p${p}`, pseudonym: `P ${p}`, territory: 't1', role: 'habitant', stays_seated: false, consent: false });
  }
  for (let s = 1; s <= STATEMENTS; s++) {
    add('StatementProposed', 'p1', { statement: `s${s}`, author: 'p1', text: `Énoncé ${s}`, kind: 'problem', round: 1, table: 1 });
    add('StatementPublished', 'facilitator', { statement: `s${s}` });
  }
  for (let n = 1; log.length < length; n++) {
    const data = { participant: `p${(n % PEOPLE) + 1}`, statement: `s${(Math.floor(n / 7) % STATEMENTS) + 1}`, value: (n % 5) - 2, round: 1 };
    add('PositionTaken', 'p1', data, 1000 + log.length * 700);
  }
  return log;
}

/** Seeks that go forward, back, across many checkpoints and to both ends. */
export const SEEKS = [99_999, 50_123, 73_456, 12, 100_000, 99_501, 31_337, 88_888, 64_000, 1];
