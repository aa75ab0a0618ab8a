/**
 * The tablet's moments (src/participant/moments.ts) and when writing is open
 * (src/state/derived.ts `isWritingOpen`, src/participant/writing.tsx `writingAt`): each rule as a
 * table written out here — a change seen, the sentences said; a round and a clock, the answer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { setLang } from '../src/i18n';
import { momentsBetween, seenOf, type Seen } from '../src/participant/moments';
import { writingAt } from '../src/participant/writing';
import { emptySession, isWritingOpen, type RoundView, type SessionView } from '../src/state';

afterEach(() => setLang('fr'));

const N = '\u00a0';
const quiet: Seen = {
  round: 1,
  status: 'running',
  end: 1_000_000,
  left: 600_000,
  writing: 'open',
  openVote: null,
  results: null,
  published: {},
};
const session: SessionView = {
  ...emptySession(),
  statements: { s1: { id: 's1', author: 'participant', status: 'published', text: 'Des bancs.' } as SessionView['statements'][string] },
};

describe('the moments said on the tablet', () => {
  it.each<[string, Partial<Seen>, Partial<Seen>, string[]]>([
    ['nothing changed', {}, {}, []],
    ['the first round starts', { round: null, status: null }, {}, [`Tour 1${N}: En cours.`]],
    ['the round is paused', {}, { status: 'paused', end: 500_000 }, [`Tour 1${N}: En pause.`]],
    ['the round ends', {}, { status: 'ended', end: null, left: null, writing: 'shut' }, [`Tour 1${N}: Terminé.`]],
    ['+5 min while it runs', {}, { end: 1_300_000, left: 900_000 }, [`Le tour est prolongé de 5${N}minutes.`]],
    ['+1 min while paused', { status: 'paused', end: 120_000, left: null }, { status: 'paused', end: 180_000, left: null }, [`Le tour est prolongé de 1${N}minute.`]],
    ['the clock drifts a little: no extension', {}, { end: 1_000_400 }, []],
    ['the last minute begins', { left: 60_400 }, { left: 59_400 }, ['Plus qu’une minute pour ce tour.']],
    ['well inside the last minute: nothing new', { left: 59_400 }, { left: 58_400 }, []],
    ['the deadline passes on this device', { left: 400 }, { left: -600, writing: 'time_up' }, ['Le temps est écoulé. Vous ne pouvez plus écrire ni donner votre avis.']],
    ['a vote opens', {}, { openVote: 'v1' }, ['Un vote est ouvert. Donnez une mention à chaque proposition.']],
    ['the vote closes', { openVote: 'v1' }, {}, ['Le vote est fermé.']],
    ['the vote closes and its results are shown', { openVote: 'v1' }, { results: 'vote:v1' }, ['Le vote est fermé.', 'Les résultats du vote sont affichés.']],
    ['a statement’s results are shown', {}, { results: 'statement:s1' }, [`Les résultats de l’énoncé «${N}Des bancs.${N}» sont affichés.`]],
    ['the same results still shown', { results: 'statement:s1' }, { results: 'statement:s1' }, []],
    ['my statement is published', {}, { published: { s1: { text: 'Des bancs.', mine: true } } }, [`Votre énoncé est publié${N}: «${N}Des bancs.${N}»`]],
    ['someone’s statement is published', {}, { published: { s1: { text: 'Des bancs.', mine: false } } }, [`Nouvel énoncé publié${N}: «${N}Des bancs.${N}»`]],
    [
      'three are published at once',
      { published: { s1: { text: 'a', mine: false } } },
      { published: { s1: { text: 'a', mine: false }, s2: { text: 'b', mine: false }, s3: { text: 'c', mine: false }, s4: { text: 'd', mine: false } } },
      ['3 nouveaux énoncés publiés.'],
    ],
  ])('%s', (_, before, after, said) => {
    expect(momentsBetween({ ...quiet, ...before }, { ...quiet, ...after }, session)).toEqual(said);
  });

  it('speaks the reader’s language', () => {
    setLang('en');
    expect(momentsBetween(quiet, { ...quiet, end: 1_300_000 }, session)).toEqual(['The round is extended by 5 minutes.']);
    expect(momentsBetween(quiet, { ...quiet, openVote: 'v1' }, session)).toEqual(['A vote is open. Give a grade to each proposal.']);
  });

  it('reads a session: its round, its clock, its vote, its results, the published statements', () => {
    const s: SessionView = {
      ...session,
      rounds: [round({ status: 'running', deadline: 100_000 })],
      current_round: 1,
      statements: {
        s1: { id: 's1', author: 'p1', status: 'published', text: 'Mine' } as SessionView['statements'][string],
        s2: { id: 's2', author: 'participant', status: 'proposed', text: 'Not yet' } as SessionView['statements'][string],
      },
      results: { statement: 's1' } as SessionView['results'],
    };
    expect(seenOf(s, 'p1', 40_000, 'open')).toEqual({
      round: 1,
      status: 'running',
      end: 100_000,
      left: 60_000,
      writing: 'open',
      openVote: null,
      results: 'statement:s1',
      published: { s1: { text: 'Mine', mine: true } },
    });
  });
});

function round(patch: Partial<RoundView>): RoundView {
  return {
    number: 1,
    spec: { kind: 'table', prompt: 'Q', duration_ms: 60_000 } as RoundView['spec'],
    status: 'pending',
    deadline: null,
    remaining_ms: null,
    hosts: {},
    end_reason: null,
    ...patch,
  };
}

describe('when participants may write', () => {
  const at = (status: RoundView['status'], deadline: number | null, closed = false): SessionView => ({
    ...emptySession(),
    closed,
    rounds: [round({ status, deadline })],
    current_round: 1,
  });
  it.each<[string, SessionView, number | undefined, boolean, 'open' | 'time_up' | 'shut']>([
    ['running, before its deadline', at('running', 100_000), 99_999, true, 'open'],
    ['running, at its deadline (the server refuses from then)', at('running', 100_000), 100_000, false, 'time_up'],
    ['running, past its deadline, its end not heard yet', at('running', 100_000), 160_000, false, 'time_up'],
    ['running, no clock given: the round’s status alone', at('running', 100_000), undefined, true, 'open'],
    ['paused', at('paused', null), 50_000, false, 'shut'],
    ['ended', at('ended', null), 50_000, false, 'shut'],
    ['not started', at('pending', null), 50_000, false, 'shut'],
    ['the session is over', at('running', 100_000, true), 50_000, false, 'shut'],
    ['no round yet', emptySession(), 50_000, false, 'shut'],
  ])('%s', (_, s, now, open, writing) => {
    expect(isWritingOpen(s, now)).toBe(open);
    if (now !== undefined) expect(writingAt(s, now)).toBe(writing);
  });
});
