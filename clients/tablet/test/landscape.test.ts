/** The residents' opinion landscape (src/landscape/): its figures in words in both languages,
 *  when it is asked for again as ratings come in (at most once every 3 s, one request at a time),
 *  and the sentence a refusal or a network failure shows instead of an exception. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLang, type Lang } from '../src/i18n';
import { fetchLandscape, landscapeRequest, type Landscape, type LandscapeGroup } from '../src/landscape/api';
import { consensusLine, failureLine, groupTitle, participantsLine, percent, seqLine, stanceLine, updateMessage } from '../src/landscape/format';
import { Throttle } from '../src/landscape/throttle';

const NBSP = '\u00a0';
const NNBSP = '\u202f';

afterEach(() => setLang('fr'));

function landscape(patch: Partial<Landscape> = {}): Landscape {
  return {
    seq: 1840,
    territory: null,
    k: 5,
    participants: 212,
    groups: [],
    consensus: { agree: [], disagree: [] },
    statements: { s1: 'Il faut prolonger le tram jusqu’à la gare.' },
    ...patch,
  };
}

function group(id: string, size: number | null): LandscapeGroup {
  return { id, size, representative: [] };
}

describe('the figures in words', () => {
  const percents: [Lang, number, string][] = [
    ['fr', 0.91, `91${NNBSP}%`],
    ['fr', 0.225, `23${NNBSP}%`], // rounded half up
    ['fr', 0, `0${NNBSP}%`],
    ['fr', 1, `100${NNBSP}%`],
    ['en', 0.91, '91%'],
    ['en', 0.004, '0%'],
  ];
  it.each(percents)('in %s, the share %f reads %j', (lang, share, text) => {
    setLang(lang);
    expect(percent(share)).toBe(text);
  });

  const participants: [Lang, number, string][] = [
    ['fr', 0, 'Personne n’a encore donné son avis'],
    ['fr', 1, '1 personne a donné son avis'],
    ['fr', 2, '2 personnes ont donné leur avis'],
    ['fr', 212, '212 personnes ont donné leur avis'],
    ['en', 0, 'Nobody has rated yet'],
    ['en', 1, '1 person has rated'],
    ['en', 212, '212 people have rated'],
  ];
  it.each(participants)('in %s, %i participants read %j', (lang, n, text) => {
    setLang(lang);
    expect(participantsLine(n)).toBe(text);
  });

  const groups: [Lang, LandscapeGroup, string][] = [
    ['fr', group('A', 12), 'Groupe A — 12 personnes'],
    ['fr', group('B', 1), 'Groupe B — 1 personne'],
    ['fr', group('C', null), 'Groupe C — moins de 5 personnes'],
    ['en', group('A', 12), 'Group A — 12 people'],
    ['en', group('B', 1), 'Group B — 1 person'],
    ['en', group('C', null), 'Group C — fewer than 5 people'],
  ];
  it.each(groups)('in %s, the group %o is titled %j', (lang, g, text) => {
    setLang(lang);
    expect(groupTitle(g, 5)).toBe(text);
  });

  const stances: [Lang, 'agree' | 'disagree', string][] = [
    ['fr', 'agree', `91${NNBSP}% d’accord${NNBSP}; les autres${NBSP}: 22${NNBSP}%`],
    ['fr', 'disagree', `91${NNBSP}% pas d’accord${NNBSP}; les autres${NBSP}: 22${NNBSP}%`],
    ['en', 'agree', '91% agree; the others: 22%'],
    ['en', 'disagree', '91% disagree; the others: 22%'],
  ];
  it.each(stances)('in %s, a representative statement the group reads as %s says %j', (lang, stance, text) => {
    setLang(lang);
    expect(stanceLine({ stance, share: 0.91, rest_share: 0.22 })).toBe(text);
  });

  const consensus: [Lang, 'agree' | 'disagree', number, string][] = [
    ['fr', 'agree', 205, `88${NNBSP}% d’accord · 205 avis`],
    ['fr', 'disagree', 1, `88${NNBSP}% pas d’accord · 1 avis`],
    ['en', 'agree', 205, '88% agree · 205 ratings'],
    ['en', 'disagree', 1, '88% disagree · 1 rating'],
  ];
  it.each(consensus)('in %s, a consensus entry (%s, %i voters) says %j', (lang, direction, voters, text) => {
    setLang(lang);
    expect(consensusLine({ statement: 's2', share: 0.88, voters }, direction)).toBe(text);
  });

  it('says why there is no new landscape, and whether the one shown is the last received', () => {
    expect(failureLine('Le serveur ne répond pas. Vérifiez le réseau.', true)).toBe(
      `Mise à jour impossible${NBSP}: Le serveur ne répond pas. Vérifiez le réseau. Le paysage affiché est le dernier reçu.`,
    );
    expect(failureLine('Ce code de session n’est pas le bon.', false)).toBe(`Paysage des avis indisponible${NBSP}: Ce code de session n’est pas le bon.`);
    setLang('en');
    expect(failureLine('The server does not answer.', true)).toBe('Could not update: The server does not answer. The landscape shown is the last one received.');
  });

  it('says which seq it reflects', () => {
    expect(seqLine(1840)).toBe(`à jour au n°${NBSP}1840`);
    setLang('en');
    expect(seqLine(1840)).toBe(`up to date as of no.${NBSP}1840`);
  });
});

describe('what a new landscape says to screen readers', () => {
  it('the first one says nothing: it appears where the reader is', () => {
    expect(updateMessage(null, landscape(), 'Tout le forum')).toBeNull();
  });

  it('new figures with the same groups say nothing (they change with every rating)', () => {
    const before = landscape({ participants: 212, groups: [group('A', 120), group('B', 92)] });
    const after = landscape({ seq: 1900, participants: 230, groups: [group('A', 130), group('B', 100)] });
    expect(updateMessage(before, after, 'Tout le forum')).toBeNull();
  });

  it('groups forming, or one more, are said', () => {
    const before = landscape({ groups: [] });
    expect(updateMessage(before, landscape({ groups: [group('A', 9), group('B', 6)] }), 'Tout le forum')).toBe(
      'Les avis forment maintenant 2 groupes.',
    );
  });

  it('groups dissolving are said', () => {
    const before = landscape({ groups: [group('A', 9), group('B', 6)] });
    expect(updateMessage(before, landscape({ groups: [] }), 'Tout le forum')).toBe('Pas encore assez d’avis pour former des groupes.');
  });

  it('another territory, asked for by the reader, is summed up', () => {
    const before = landscape();
    const after = landscape({ territory: 't2', participants: 40, groups: [group('A', 25), group('B', 15)] });
    expect(updateMessage(before, after, 'Belleville')).toBe(`Belleville${NBSP}: 40 personnes ont donné leur avis, 2 groupes.`);
    setLang('en');
    expect(updateMessage(before, after, 'Belleville')).toBe('Belleville: 40 people have rated, 2 groups.');
  });
});

describe('asking again as ratings come in', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
  });
  afterEach(() => vi.useRealTimers());

  /** A request that answers when the test says so, and the times (ms) at which each started. */
  function requests() {
    const started: number[] = [];
    const answers: (() => void)[] = [];
    const run = () => {
      started.push(Date.now());
      return new Promise<void>((resolve) => answers.push(resolve));
    };
    const answer = async () => {
      answers.shift()?.();
      await vi.advanceTimersByTimeAsync(0); // let the throttle see the answer
    };
    return { started, answer, run };
  }

  it('asks at once, then at most once every 3 s however many changes come meanwhile', async () => {
    const { started, answer, run } = requests();
    const throttle = new Throttle(run, 3000);
    throttle.request();
    await answer();
    for (const at of [250, 500, 1000, 2000, 2750]) {
      await vi.advanceTimersByTimeAsync(at - Date.now());
      throttle.request();
    }
    await vi.advanceTimersByTimeAsync(3000 - Date.now());
    await answer();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(started).toEqual([0, 3000]);
  });

  it('a change during a slow request leads to one more request once it has answered and the gap is past', async () => {
    const { started, answer, run } = requests();
    const throttle = new Throttle(run, 3000);
    throttle.request();
    await vi.advanceTimersByTimeAsync(1000);
    throttle.request();
    throttle.request();
    await vi.advanceTimersByTimeAsync(4000); // the first still has not answered: no second meanwhile
    expect(started).toEqual([0]);
    await answer(); // at 5 s, 3 s after the first started: at once
    expect(started).toEqual([0, 5000]);
    await answer();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(started).toEqual([0, 5000]);
  });

  it('no change, no request', async () => {
    const { started, answer, run } = requests();
    const throttle = new Throttle(run, 3000);
    throttle.request();
    await answer();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(started).toEqual([0]);
  });

  it('another territory is asked for at once, gap or not', async () => {
    const { started, answer, run } = requests();
    const throttle = new Throttle(run, 3000);
    throttle.request();
    await answer();
    await vi.advanceTimersByTimeAsync(500);
    throttle.request(); // ratings: waits for 3 s
    throttle.urgent(); // the reader's choice: now
    await answer();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(started).toEqual([0, 500]);
  });

  it('the server’s Retry-After holds every request back', async () => {
    const { started, answer, run } = requests();
    const throttle = new Throttle(run, 3000);
    throttle.request();
    await answer();
    throttle.holdOff(30_000);
    throttle.request();
    await vi.advanceTimersByTimeAsync(29_999);
    expect(started).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toEqual([0, 30_000]);
  });

  it('a request that throws (a bug) does not stop the next ones', async () => {
    const started: number[] = [];
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const throttle = new Throttle(async () => {
      started.push(Date.now());
      throw new Error('bug');
    }, 3000);
    throttle.request();
    await vi.advanceTimersByTimeAsync(0);
    throttle.request();
    await vi.advanceTimersByTimeAsync(3000);
    expect(started).toEqual([0, 3000]);
    expect(error).toHaveBeenCalledTimes(2);
    error.mockRestore();
  });

  it('once the view is gone, nothing more is asked', async () => {
    const { started, answer, run } = requests();
    const throttle = new Throttle(run, 3000);
    throttle.request();
    await answer();
    throttle.request();
    throttle.dispose();
    await vi.advanceTimersByTimeAsync(10_000);
    throttle.request();
    expect(started).toEqual([0]);
  });
});

describe('the request', () => {
  it('carries a token in a header, never in the URL', () => {
    expect(landscapeRequest('ab12', { token: 'tok' }, 't2')).toEqual({
      url: '/api/sessions/ab12/paysage?territoire=t2',
      headers: { Accept: 'application/json', Authorization: 'Bearer tok' },
    });
  });

  it('carries a join code in the query', () => {
    expect(landscapeRequest('ab12', { code: 'K7M2QX' })).toEqual({
      url: '/api/sessions/ab12/paysage?code=K7M2QX',
      headers: { Accept: 'application/json' },
    });
  });
});

describe('a refusal or a failure says a sentence, never throws', () => {
  afterEach(() => vi.unstubAllGlobals());

  function answering(status: number, body: unknown, headers: Record<string, string> = {}) {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    vi.stubGlobal('fetch', vi.fn(async () => new Response(text, { status, headers })));
  }

  const refusals: [string, number, unknown, Record<string, string>, string, string, number | undefined][] = [
    [
      'the session could not publish',
      503,
      { code: 'unavailable', message: 'unavailable' },
      {},
      'unavailable',
      'Le serveur n’a pas pu calculer le paysage pour l’instant. Nouvel essai à la prochaine mise à jour.',
      undefined,
    ],
    ['a wrong join code', 401, { code: 'bad_code' }, {}, 'bad_code', 'Ce code de session n’est pas le bon.', undefined],
    ['a token no longer valid', 401, { code: 'bad_token' }, {}, 'bad_token', 'Ce lien de connexion n’est plus valable.', undefined],
    [
      'too many wrong codes from this network',
      429,
      { code: 'too_fast' },
      { 'Retry-After': '30' },
      'too_fast',
      'Trop de codes faux ont été essayés depuis ce réseau. Attendez une minute, puis réessayez.',
      30,
    ],
    ['an unknown territory', 400, { code: 'unknown_territory' }, {}, 'unknown_territory', 'Ce territoire n’existe pas.', undefined],
    ['a proxy’s page instead of the server', 502, '<html>Bad Gateway</html>', {}, 'unavailable', 'Le serveur n’a pas pu calculer le paysage pour l’instant. Nouvel essai à la prochaine mise à jour.', undefined],
    ['a server error with no body', 500, '', {}, 'unknown', 'Une erreur est survenue.', undefined],
    ['an answer that is no landscape', 200, { seq: 3 }, {}, 'unknown', 'Une erreur est survenue.', undefined],
  ];
  it.each(refusals)('%s', async (_, status, body, headers, code, text, retryAfter) => {
    answering(status, body, headers);
    const result = await fetchLandscape('ab12', { code: 'K7M2QX' });
    expect(result).toEqual(retryAfter === undefined ? { ok: false, code, text } : { ok: false, code, text, retryAfter });
  });

  it('no network: the network sentence', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    expect(await fetchLandscape('ab12', { token: 'tok' })).toEqual({
      ok: false,
      code: 'network',
      text: 'Le serveur ne répond pas. Vérifiez le réseau.',
    });
  });

  it('in English, the English sentence', async () => {
    setLang('en');
    answering(503, { code: 'unavailable' });
    const result = await fetchLandscape('ab12', { token: 'tok' });
    expect(result).toMatchObject({ ok: false, text: 'The server could not compute the landscape just now. It will try again at the next update.' });
  });

  it('a landscape comes back as the server wrote it', async () => {
    const body = landscape({ groups: [{ id: 'A', size: 120, representative: [] }, group('B', 92)] });
    answering(200, body);
    const fetchMock = vi.mocked(fetch);
    expect(await fetchLandscape('ab12', { token: 'tok' }, 't2')).toEqual({ ok: true, landscape: body });
    expect(fetchMock).toHaveBeenCalledWith('/api/sessions/ab12/paysage?territoire=t2', expect.objectContaining({ headers: expect.objectContaining({ Authorization: 'Bearer tok' }) }));
  });
});
