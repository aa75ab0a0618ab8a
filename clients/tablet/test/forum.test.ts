/**
 * The forum's pure parts (src/participant/forum/model.ts, console/lib.ts `forumRows`, the state's
 * forum fields): which contributions the filters keep, how each kind's marker looks, what the
 * room's counts say, where the map opens, the flyer's territory, and the forum's plurals in both
 * languages. Each rule is a table written out here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { forumRows } from '../src/console/lib';
import { plural, setLang, t } from '../src/i18n';
import {
  ILE_DE_FRANCE,
  contributions,
  filtered,
  initialView,
  markerStyle,
  placeData,
  pointOf,
  roomCounts,
  roundedPoint,
  territoryFromSearch,
  type ForumFilter,
} from '../src/participant/forum/model';
import { SessionStore, type Envelope, type Tallies } from '../src/state';

afterEach(() => setLang('fr'));

let seq = 0;
function ev(type: string, data: any, actor = 'facilitator'): Envelope {
  seq += 1;
  return { seq, type, v: 1, at: 1_700_000_000_000 + seq, actor, cmd: null, data };
}

const TERRITORIES = [
  { id: 't1', name: 'Bondy Nord', commune: 'Bondy', qpv: true },
  { id: 't2', name: 'Clichy', commune: 'Clichy-sous-Bois', qpv: true },
];

/** A forum as a participant's socket sees it: the public form of each event (a proposal carries
 *  nothing but its id; its publication carries text, kind, place, theme, territory). */
function forum(): SessionStore {
  seq = 0;
  const store = new SessionStore();
  store.reset(null, 0);
  store.applyAll([
    ev('SessionCreated', { title: 'Forum', territories: TERRITORIES, agenda: [], forum: true, themes: ['Logement', 'Transports'] }),
    ev('ParticipantJoined', { participant: 'p1', pseudonym: 'Awa', territory: 't1', role: 'habitant' }),
    ev('ParticipantJoined', { participant: 'p2', pseudonym: 'Bruno', territory: 't2', role: 'habitant' }),
    ev('StatementProposed', { statement: 's1', round: 0 }, 'participant'),
    ev('StatementPublished', {
      statement: 's1',
      text: 'Ascenseur en panne',
      kind: 'problem',
      round: 0,
      table: null,
      place: { address: '12 rue de la Gare', lat: null, lon: null },
      theme: 'Logement',
      territory: 't1',
    }),
    ev('StatementProposed', { statement: 's2', round: 0 }, 'participant'),
    ev('StatementPublished', {
      statement: 's2',
      text: 'Un bus le dimanche',
      kind: 'idea',
      round: 0,
      table: null,
      place: { address: null, lat: 48.9, lon: 2.52 },
      theme: 'Transports',
      territory: 't2',
    }),
    ev('StatementProposed', { statement: 's3', round: 0 }, 'participant'),
    ev('StatementPublished', { statement: 's3', text: 'Des bancs', kind: 'idea', round: 0, table: null, place: null, theme: null, territory: 't1' }),
    ev('StatementProposed', { statement: 's4', round: 0 }, 'participant'), // waiting for moderation
  ]);
  return store;
}

describe('the state of a forum', () => {
  it('knows it is a forum, its themes, and each contribution’s place, theme and territory', () => {
    const s = forum().state;
    expect(s.forum).toBe(true);
    expect(s.themes).toEqual(['Logement', 'Transports']);
    expect(s.statements.s1).toMatchObject({ theme: 'Logement', territory: 't1', place: { address: '12 rue de la Gare', lat: null, lon: null } });
    expect(s.statements.s2!.place).toEqual({ address: null, lat: 48.9, lon: 2.52 });
    expect(s.statements.s3!.place).toBeNull();
  });

  it('fills in my own proposal’s place and theme from my command, and my territory', () => {
    const store = forum();
    store.apply(ev('StatementProposed', { statement: 's5', round: 0 }, 'participant'));
    store.claimStatement(store.seq, 'p2', 'Trop de voitures', 'problem', { place: { address: 'Place du marché' }, theme: 'Transports' });
    expect(store.state.statements.s5).toMatchObject({
      author: 'p2',
      text: 'Trop de voitures',
      theme: 'Transports',
      territory: 't2',
      place: { address: 'Place du marché', lat: null, lon: null },
    });
  });
});

describe('the filters', () => {
  const cases: [ForumFilter, string[]][] = [
    [{ territory: '', kind: '', theme: '' }, ['s3', 's2', 's1']], // newest first, published only
    [{ territory: 't1', kind: '', theme: '' }, ['s3', 's1']],
    [{ territory: '', kind: 'idea', theme: '' }, ['s3', 's2']],
    [{ territory: '', kind: '', theme: 'Logement' }, ['s1']],
    [{ territory: 't1', kind: 'idea', theme: '' }, ['s3']],
    [{ territory: 't2', kind: 'problem', theme: '' }, []],
    [{ territory: 't1', kind: '', theme: 'Transports' }, []],
  ];
  it.each(cases)('%j keeps %j', (filter, ids) => {
    expect(filtered(contributions(forum().state), filter).map((st) => st.id)).toEqual(ids);
  });
});

describe('a marker by kind', () => {
  const cases: [string | null, string, string][] = [
    ['problem', 'triangle', '#8e1b1b'],
    ['idea', 'circle', '#1f4fa3'],
    [null, 'triangle', '#8e1b1b'], // a statement of no kind is a problem, as everywhere
  ];
  it.each(cases)('%s: a %s in %s, drawn in that colour', (kind, shape, colour) => {
    const style = markerStyle(kind as any);
    expect(style.shape).toBe(shape);
    expect(style.colour).toBe(colour);
    expect(style.svg).toContain(`fill="${colour}"`);
    expect(style.svg).toContain(shape === 'triangle' ? '<path d="M14 2L27 25H1z"' : '<circle cx="14" cy="14" r="12"');
    expect(style.svg).toContain('aria-hidden="true"');
  });
});

describe('points and places', () => {
  it('gives a point only when the place has both coordinates', () => {
    expect(pointOf({ address: null, lat: 48.9, lon: 2.52 })).toEqual([48.9, 2.52]);
    expect(pointOf({ address: 'Bondy', lat: null, lon: null })).toBeNull();
    expect(pointOf(null)).toBeNull();
  });

  const rounding: [number, number, { lat: number; lon: number } | null][] = [
    [48.856613456, 2.352219876, { lat: 48.85661, lon: 2.35222 }],
    [-90, 180, { lat: -90, lon: 180 }],
    [90.5, 2, null],
    [48, -181, null],
    [Number.NaN, 2, null],
  ];
  it.each(rounding)('(%f, %f) is sent as %j', (lat, lon, point) => {
    expect(roundedPoint(lat, lon)).toEqual(point);
  });

  const places: [string, { lat: number; lon: number } | null, unknown][] = [
    ['', null, null],
    ['   ', null, null],
    [' 12 rue de la Gare ', null, { address: '12 rue de la Gare', lat: null, lon: null }],
    ['', { lat: 48.9, lon: 2.5 }, { address: null, lat: 48.9, lon: 2.5 }],
    ['Le parc', { lat: 48.9, lon: 2.5 }, { address: 'Le parc', lat: 48.9, lon: 2.5 }],
  ];
  it.each(places)('address %j and point %j make the place %j', (address, point, place) => {
    expect(placeData(address, point)).toEqual(place);
  });
});

describe('where the map opens', () => {
  it('on Paris and its ring when there is no marker', () => {
    expect(initialView([])).toEqual({ kind: 'centre', centre: [48.8566, 2.3522], zoom: 11 });
    expect(ILE_DE_FRANCE).toEqual({ kind: 'centre', centre: [48.8566, 2.3522], zoom: 11 });
  });
  it('on a lone marker, close', () => {
    expect(initialView([[48.9, 2.52]])).toEqual({ kind: 'centre', centre: [48.9, 2.52], zoom: 15 });
  });
  it('around every marker', () => {
    expect(
      initialView([
        [48.9, 2.52],
        [48.8, 2.3],
        [48.95, 2.4],
      ]),
    ).toEqual({ kind: 'fit', bounds: [[48.8, 2.3], [48.95, 2.52]] });
  });
});

describe('the room’s counts of a contribution', () => {
  const tallies: Tallies = {
    k_anonymity: 5,
    joined: { total: 9, territories: {}, roles: {} },
    votes: [],
    statements: [
      {
        statement: 's1',
        overall: { group: 'all', hidden: false, voters: 8, counts: [1, 1, 2, 3, 0], passes: 1 },
        territories: [],
        roles: [],
      },
      { statement: 's2', overall: { group: 'all', hidden: true, voters: null, counts: null, passes: null }, territories: [], roles: [] },
    ],
  };
  it('adds −2 and −1 as against, +1 and +2 as for', () => {
    expect(roomCounts(tallies, 's1')).toEqual({ hidden: false, voters: 8, against: 2, neutral: 2, for: 3, passes: 1 });
  });
  it('says hidden, with no figure, under k', () => {
    expect(roomCounts(tallies, 's2')).toEqual({ hidden: true });
  });
  it('says nothing before the tallies name it', () => {
    expect(roomCounts(tallies, 's3')).toBeNull();
    expect(roomCounts(null, 's1')).toBeNull();
  });
});

describe('a flyer’s link', () => {
  const cases: [string, string | null][] = [
    ['?territoire=t2', 't2'],
    ['?territoire=t9', null], // not a territory of this session
    ['?territory=t2', null],
    ['', null],
  ];
  it.each(cases)('%j preselects %j', (search, territory) => {
    expect(territoryFromSearch(search, TERRITORIES)).toBe(territory);
  });
});

describe('the console’s forum by territory', () => {
  it('counts people present and contributions published or waiting, by their author’s territory', () => {
    const store = forum();
    // The facilitators' form of a proposal is the whole event: author, text, place, territory.
    store.apply(
      ev('StatementProposed', {
        statement: 's5',
        author: 'p2',
        text: 'Trop de voitures',
        kind: 'problem',
        round: 0,
        table: null,
        place: { address: 'Place du marché' },
        territory: 't2',
      }),
    );
    const s = store.state;
    expect(s.statements.s5).toMatchObject({ territory: 't2', place: { address: 'Place du marché', lat: null, lon: null } });
    expect(forumRows(s).map((r) => [r.territory?.id ?? null, r.participants, r.published, r.waiting])).toEqual([
      ['t1', 1, 2, 0],
      ['t2', 1, 1, 1],
      [null, 0, 0, 1], // s4, whose territory the public form did not carry
    ]);
  });
});

describe('the forum’s plurals', () => {
  const french: [string, number, string][] = [
    ['forum.filter.shown', 0, '0 contribution affichée sur 3.'],
    ['forum.filter.shown', 1, '1 contribution affichée sur 3.'],
    ['forum.filter.shown', 2, '2 contributions affichées sur 3.'],
    ['forum.comments.count', 0, '0 commentaire'],
    ['forum.comments.count', 1, '1 commentaire'],
    ['forum.comments.count', 4, '4 commentaires'],
    ['forum.counts.passes', 1, '1 passe'],
    ['forum.counts.passes', 3, '3 passent'],
    ['forum.counts.voters', 0, '0 avis donné'],
    ['forum.counts.voters', 12, '12 avis donnés'],
  ];
  it.each(french)('%s of %i in French: %j', (key, n, text) => {
    setLang('fr');
    expect(plural(key, n, { total: 3 })).toBe(text);
  });

  const english: [string, number, string][] = [
    ['forum.filter.shown', 0, '0 contributions shown of 3.'],
    ['forum.filter.shown', 1, '1 contribution shown of 3.'],
    ['forum.comments.count', 1, '1 comment'],
    ['forum.comments.count', 2, '2 comments'],
    ['forum.counts.for', 1, '1 agrees'],
    ['forum.counts.for', 2, '2 agree'],
  ];
  it.each(english)('%s of %i in English: %j', (key, n, text) => {
    setLang('en');
    expect(plural(key, n, { total: 3 })).toBe(text);
  });

  it('names the kinds in both languages', () => {
    expect([t('forum.kinds.problem'), t('forum.kinds.idea')]).toEqual(['Problèmes', 'Idées']);
    setLang('en');
    expect([t('forum.kinds.problem'), t('forum.kinds.idea')]).toEqual(['Problems', 'Ideas']);
  });
});
