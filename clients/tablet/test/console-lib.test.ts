import { describe, expect, it } from 'vitest';
import { codeFromLocation, sessionIdFromLocation, tokenFromHash } from '../src/address';
import {
  moderationQueue,
  pairCount,
  positionTotals,
  seatingQuality,
  territoryCounts,
} from '../src/console/lib';
import { SessionStore, emptySession, positionCounts, voteTally, type SessionView } from '../src/state';
import { LIMITS, checkDraft, createBody, demoDraft } from '../src/home/defaults';

const territories = {
  t1: { id: 't1', name: 'La Goutte d’Or', commune: 'Paris 18e', qpv: true },
  t2: { id: 't2', name: 'Vincennes centre', commune: 'Vincennes', qpv: false },
  t3: { id: 't3', name: 'Les Francs-Moisins', commune: 'Saint-Denis', qpv: true },
};
/** A snapshot as the store holds it (missing fields filled in as on welcome). */
function asView(snapshot: object): SessionView {
  const store = new SessionStore();
  store.reset(snapshot, 1);
  return store.state;
}

function person(id: string, territory: string, role = 'habitant') {
  return { id, pseudonym: id.toUpperCase(), territory, role, stays_seated: false, consent: true, table: null, times_hosted: 0, status: 'present', merged_into: null };
}

describe('seatingQuality', () => {
  it('counts tables, territories, QPV residents and repeated pairs', () => {
    const view = asView({
      territories,
      participants: {
        p1: person('p1', 't1'),
        p2: person('p2', 't2'),
        p3: person('p3', 't2'),
        p9: person('p9', 't3', 'elu'), // not a resident: does not count as a QPV resident
        p10: person('p10', 't2'),
      },
      tables: {
        '1': { table: 1, host: 'p1', members: ['p1', 'p2', 'p3'] },
        '2': { table: 2, host: 'p9', members: ['p9', 'p10'] },
      },
      // the server keys pairs in natural order (p9 before p10)
      pair_counts: { 'p1|p2': 2, 'p1|p3': 1, 'p2|p3': 1, 'p9|p10': 3 },
    });
    expect(seatingQuality(view)).toEqual({ tables: 2, seated: 5, minTerritories: 2, tablesWithQpv: 1, repeatedPairs: 2 });
  });

  it('reads a pair under the server’s key, whichever way it is asked', () => {
    const view = asView({ pair_counts: { 'p9|p10': 2 } });
    expect(pairCount(view, 'p10', 'p9')).toBe(2);
    expect(pairCount(view, 'p9', 'p10')).toBe(2);
    expect(pairCount(view, 'p1', 'p2')).toBe(0);
  });

  it('is all zero before seating', () => {
    expect(seatingQuality(asView({}))).toEqual({ tables: 0, seated: 0, minTerritories: 0, tablesWithQpv: 0, repeatedPairs: 0 });
  });
});

describe('participants and statements', () => {
  it('counts joined and connected people per territory', () => {
    const view = asView({ territories, participants: { p1: person('p1', 't1'), p2: person('p2', 't1'), p3: person('p3', 't3') } });
    const rows = territoryCounts(view, { t1: 1 });
    expect(rows.map((r) => [r.territory.id, r.joined, r.connected])).toEqual([
      ['t1', 2, 1],
      ['t2', 0, 0],
      ['t3', 1, 0],
    ]);
  });

  it('lists the moderation queue newest first', () => {
    const st = (id: string, status: string) => ({ id, author: 'p1', text: id, kind: 'idea', round: 1, table: 1, status, merged_into: null });
    const view = asView({ statements: { s2: st('s2', 'proposed'), s10: st('s10', 'proposed'), s3: st('s3', 'published'), s1: st('s1', 'proposed') } });
    expect(moderationQueue(view).map((s) => s.id)).toEqual(['s10', 's2', 's1']);
  });

  it('counts positions by value and by territory', () => {
    const view = asView({
      territories,
      participants: { p1: person('p1', 't1'), p2: person('p2', 't2'), p3: person('p3', 't1') },
      positions: { 'p1|s1': 2, 'p2|s1': null, 'p3|s1': 2, 'p1|s11': -1 },
    });
    expect(positionCounts(view, 's1')).toEqual({ t1: { '2': 2 }, t2: { pass: 1 } });
  });

  it('reads a shown group of the tallies by position key, and nothing of a hidden one', () => {
    const shown = { group: 'all', hidden: false, voters: 7, counts: [1, 0, 0, 2, 3], passes: 1 };
    expect(positionTotals(shown)).toEqual({ '-2': 1, '-1': 0, '0': 0, '1': 2, '2': 3, pass: 1 });
    const hidden = { group: 't1', hidden: true, voters: null, counts: null, passes: null };
    expect(positionTotals(hidden)).toEqual({ '-2': 0, '-1': 0, '0': 0, '1': 0, '2': 0, pass: 0 });
  });
});

describe('vote preview', () => {
  it('builds profiles from ballots, ungraded proposals counting as À rejeter', () => {
    const vote = { id: 'v1', proposals: ['pr1', 'pr2'], open: false, ballots: { p1: { pr1: 6, pr2: 3 }, p2: { pr1: 4 } }, paper: [] };
    expect(voteTally(emptySession(), vote)).toEqual({ pr1: [0, 0, 0, 0, 1, 0, 1], pr2: [1, 0, 0, 1, 0, 0, 0] });
  });

  it('takes a closed vote\'s profiles from the tallies when it holds no ballot (the console live)', () => {
    const vote = { id: 'v1', proposals: ['pr1'], open: false, ballots: {}, paper: [] };
    const view = { ...emptySession(), tallies: { k_anonymity: 5, joined: { total: 0, territories: {}, roles: {} }, statements: [],
      votes: [{ vote: 'v1', open: false, ballots: 3, waiting: 0, profiles: { pr1: [0, 0, 0, 1, 2, 0, 0] } }] } };
    expect(voteTally(view, vote)).toEqual({ pr1: [0, 0, 0, 1, 2, 0, 0] });
  });

  it('counts the paper ballots the facilitator entered like cast ones', () => {
    const paper = [{ count: 2, note: 'Urne', ballots: [{ pr1: 2, pr2: 2 }, { pr1: 6, pr2: 0 }] }];
    const vote = { id: 'v1', proposals: ['pr1', 'pr2'], open: true, ballots: { p1: { pr1: 6, pr2: 3 } }, paper };
    expect(voteTally(emptySession(), vote)).toEqual({ pr1: [0, 0, 1, 0, 0, 0, 2], pr2: [1, 0, 1, 1, 0, 0, 0] });
  });
});

describe('addresses (src/address.ts)', () => {
  it('reads the session id and the token', () => {
    expect(sessionIdFromLocation({ pathname: '/f/abc123', search: '' })).toBe('abc123');
    expect(sessionIdFromLocation({ pathname: '/p/abc123/', search: '' })).toBe('abc123');
    expect(sessionIdFromLocation({ pathname: '/console.html', search: '?session=xyz' })).toBe('xyz');
    expect(sessionIdFromLocation({ pathname: '/', search: '' })).toBeNull();
    expect(tokenFromHash('#token=g2Fa-UU_cf')).toBe('g2Fa-UU_cf');
    expect(tokenFromHash('')).toBeNull();
    expect(codeFromLocation({ pathname: '/j/a9ayh4', search: '' })).toBe('A9AYH4');
    expect(codeFromLocation({ pathname: '/participant.html', search: '?code=x1' })).toBe('X1');
  });
});

describe('home draft', () => {
  it('prefills the programme’s usual session: 6 territories, 4 of them QPV, 4 rounds', () => {
    const d = demoDraft();
    expect(d.territories).toHaveLength(6);
    expect(d.territories.filter((t) => t.qpv)).toHaveLength(4);
    expect(d.agenda.map((r) => r.kind)).toEqual(['table', 'table', 'table', 'vote']);
    expect(checkDraft(d)).toEqual([]);
    const body = createBody(d);
    expect(body.agenda[0]).toEqual({ kind: 'table', prompt: 'Quels problèmes vivez-vous dans votre quartier ?', duration_ms: 1_500_000 });
    expect(body.table_size).toBe(6);
    expect(body.host_policy).toBe('rotate');
  });

  it('finds what the server would refuse', () => {
    const d = demoDraft();
    d.title = ' ';
    d.territories[1]!.name = d.territories[0]!.name.toUpperCase();
    d.agenda[0]!.minutes = 0;
    d.tableSize = 13;
    expect(checkDraft(d).map((p) => p.key)).toEqual([
      'home.check.title_empty',
      'home.check.territory_twice',
      'home.check.minutes',
      'home.check.table_size',
    ]);
  });

  it('lets the form hold what the server takes, and no more (session_engine LIMITS, written out)', () => {
    // The server's limits (decide_base.LIMITS), copied here by hand: a field the form cut
    // shorter than the server (the commune at 80 of 120) or let run longer must fail this.
    const server = { title: 200, territory: 80, commune: 120, prompt: 500 };
    expect({ title: LIMITS.title, territory: LIMITS.territory, commune: LIMITS.commune, prompt: LIMITS.prompt }).toEqual(server);
  });
});
