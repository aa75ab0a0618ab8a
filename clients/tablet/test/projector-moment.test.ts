/** The projector's big space goes to the newest moment: results on show, a consent round open,
 *  a vœu just adopted (src/projector/moment.ts). Each scenario is a sequence of states as the
 *  projector receives them, and the moment it must show after each one. */
import { describe, expect, it } from 'vitest';
import { newestMoment, nextMoments, type MomentKind, type Moments } from '../src/projector/moment';
import { emptySession, type SessionView } from '../src/state';

/** A state with these moments current: results on show, the open round, the adopted vœu. */
function state(now: { results?: string; consent?: string; voeu?: string }): SessionView {
  const s = emptySession();
  if (now.results) {
    const [kind, id] = now.results.split(':') as ['statement' | 'vote', string];
    s.results = { statement: kind === 'statement' ? id : null, vote: kind === 'vote' ? id : null, profiles: {} };
  }
  const consent = (id: string, status: 'open' | 'adopted') =>
    ({ id, proposal: 'pr1', vote: 'v1', grade: 5, text: 'Des bancs.', objections: [], status, end_reason: null }) as const;
  if (now.voeu) {
    s.consents.c1 = { ...consent('c1', 'adopted'), objections: [] };
    s.voeux[now.voeu] = { id: now.voeu, consent: 'c1', proposal: 'pr1', text: 'Des bancs.', outcome: 'Oui.' };
  }
  if (now.consent) s.consents[now.consent] = { ...consent(now.consent, 'open'), objections: [] };
  return s;
}

function fold(steps: SessionView[]): (MomentKind | null)[] {
  let moments: Moments | null = null;
  return steps.map((s) => newestMoment((moments = nextMoments(moments, s))));
}

describe('the newest moment has the wall', () => {
  const scenarios: [string, SessionView[], (MomentKind | null)[]][] = [
    ['nothing on show', [state({})], [null]],
    [
      'results, then a consent round on them, then its vœu (results never hidden)',
      [state({ results: 'vote:v1' }), state({ results: 'vote:v1', consent: 'c1' }), state({ results: 'vote:v1', voeu: 'vx1' })],
      ['results', 'consent', 'voeu'],
    ],
    [
      'results put on show after the vœu, then hidden',
      [state({ voeu: 'vx1' }), state({ voeu: 'vx1', results: 'statement:s2' }), state({ voeu: 'vx1' })],
      ['voeu', 'results', 'voeu'],
    ],
    [
      'other results while a consent round is open',
      [state({ consent: 'c2', voeu: 'vx1' }), state({ consent: 'c2', voeu: 'vx1', results: 'statement:s1' })],
      ['consent', 'results'],
    ],
    [
      'the same results shown again after being hidden are new again',
      [state({ results: 'vote:v1' }), state({ results: 'vote:v1', voeu: 'vx1' }), state({ voeu: 'vx1' }), state({ voeu: 'vx1', results: 'vote:v1' })],
      ['results', 'voeu', 'voeu', 'results'],
    ],
    [
      'a first snapshot with everything: the method order (results, consent, vœu)',
      [state({ results: 'vote:v1', voeu: 'vx1' })],
      ['voeu'],
    ],
  ];
  it.each(scenarios)('%s', (_name, steps, shown) => {
    expect(fold(steps)).toEqual(shown);
  });
});
