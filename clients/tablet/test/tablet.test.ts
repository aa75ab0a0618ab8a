/** People without a phone on the client: the fold of the table tablet and paper ballot events
 *  (src/state/tablet.ts) in their public and full forms, and the table tablet's address. */
import { describe, expect, it } from 'vitest';
import { tableFromLocation } from '../src/participant/table/TableTablet';
import { SessionStore, emptySession, paperCount, tabletsOf, type Envelope } from '../src/state';

function envelope(seq: number, type: string, data: Record<string, unknown>, actor = 'facilitator'): Envelope {
  return { seq, type, v: 1, at: 0, actor, cmd: null, data } as Envelope;
}

function withVote(): SessionStore {
  const store = new SessionStore();
  store.reset(emptySession(), 0);
  store.applyAll([envelope(1, 'VoteOpened', { vote: 'v1', proposals: ['pr1'] })]);
  return store;
}

describe('paper ballots', () => {
  it('the room learns the count only', () => {
    const store = withVote();
    store.applyAll([envelope(2, 'PaperBallotsEntered', { vote: 'v1', count: 3 })]);
    expect(store.state.votes.v1!.paper).toEqual([{ count: 3, note: null, ballots: [] }]);
    expect(paperCount(store.state.votes.v1!)).toBe(3);
  });

  it('the facilitator holds the ballots and the note', () => {
    const store = withVote();
    const ballots = [{ pr1: 6 }, { pr1: 1 }];
    store.applyAll([envelope(2, 'PaperBallotsEntered', { vote: 'v1', ballots, note: 'Urne' })]);
    expect(store.state.votes.v1!.paper).toEqual([{ count: 2, note: 'Urne', ballots }]);
  });
});

describe('table tablets', () => {
  it('are in service until revoked', () => {
    const store = new SessionStore();
    store.reset(emptySession(), 0);
    store.applyAll([envelope(1, 'TableTabletIssued', { tablet: 'tb1', table: 3 }), envelope(2, 'TableTabletIssued', { tablet: 'tb2', table: 3 })]);
    expect(tabletsOf(store.state, 3).map((t) => t.id)).toEqual(['tb1', 'tb2']);
    store.applyAll([envelope(3, 'TableTabletRevoked', { tablet: 'tb1' })]);
    expect(tabletsOf(store.state, 3).map((t) => t.id)).toEqual(['tb2']);
  });

  it('someone added without a device says who added them', () => {
    const store = new SessionStore();
    store.reset(emptySession(), 0);
    const joined = { participant: 'p9', pseudonym: 'Odette', territory: 't1', role: 'habitant', stays_seated: false, consent: false, added_by: 'tb1' };
    store.applyAll([envelope(1, 'ParticipantJoined', joined, 'tb1')]);
    expect(store.state.participants.p9!.added_by).toBe('tb1');
  });
});

describe('the table tablet address', () => {
  const cases: [string, { code: string; table: number } | null][] = [
    ['/t/a9ayh4/3', { code: 'A9AYH4', table: 3 }],
    ['/t/A9AYH4/12/', { code: 'A9AYH4', table: 12 }],
    ['/t/A9AYH4', null],
    ['/t/A9AYH4/trois', null],
    ['/j/A9AYH4', null],
  ];
  it.each(cases)('%s', (pathname, expected) => {
    expect(tableFromLocation({ pathname })).toEqual(expected);
  });
});
