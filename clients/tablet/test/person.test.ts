/**
 * The personal key that lets a participant be recognised from one session of the programme to
 * the next (src/participant/storage.ts `personKey`, src/participant/join.ts `joinData`): made
 * once from 16 random bytes, kept under `metrokawa.person`, of the shape the engine accepts
 * (22 to 64 of [A-Za-z0-9_-]), and sent in JoinSession only when the box is ticked.
 */
import { describe, expect, it } from 'vitest';
import { joinData, type JoinFields } from '../src/participant/join';
import { PERSON_STORAGE_KEY, base64url, personKey } from '../src/participant/storage';
import { t, setLang } from '../src/i18n';

const ENGINE_SHAPE = /^[A-Za-z0-9_-]{22,64}$/; // session_engine/decide.py _PERSON_KEY

class MemoryStore {
  items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

/** A `random` that fills the bytes with `value` and counts its calls. */
function filling(value: number) {
  const calls = { n: 0 };
  const random = (bytes: Uint8Array) => {
    calls.n += 1;
    bytes.fill(value);
  };
  return { calls, random };
}

describe('base64url', () => {
  // bytes → text: no padding, '-' and '_' for '+' and '/'
  const cases: [number[], string][] = [
    [[], ''],
    [[0xfb], '-w'],
    [[0xff], '_w'],
    [[0xfb, 0xff, 0xbf], '-_-_'],
    [Array(16).fill(0), 'AAAAAAAAAAAAAAAAAAAAAA'],
    [Array(16).fill(0xff), '_____________________w'],
  ];
  it.each(cases)('%j is %j', (bytes, text) => {
    expect(base64url(new Uint8Array(bytes))).toBe(text);
  });
});

describe('personKey', () => {
  it('is made once from 16 random bytes and kept under metrokawa.person', () => {
    const store = new MemoryStore();
    const { calls, random } = filling(0xff);
    const key = personKey(store, random);
    expect(key).toBe('_____________________w');
    expect(key).toMatch(ENGINE_SHAPE);
    expect(store.items.get(PERSON_STORAGE_KEY)).toBe(key);
    expect(PERSON_STORAGE_KEY).toBe('metrokawa.person');
    expect(personKey(store, random)).toBe(key); // the same key for the next session
    expect(calls.n).toBe(1);
  });

  it('is made again when what is kept is not of the engine’s shape', () => {
    // kept value → whether it is kept as it is
    const cases: [string, boolean][] = [
      ['Zk3_q-9XwB2mYtR0aLpC7g', true],
      ['A'.repeat(64), true],
      ['A'.repeat(21), false],
      ['A'.repeat(65), false],
      ['Zk3+q/9XwB2mYtR0aLpC7g', false],
      ['', false],
    ];
    for (const [kept, stays] of cases) {
      const store = new MemoryStore();
      store.setItem(PERSON_STORAGE_KEY, kept);
      const key = personKey(store, filling(0).random);
      expect([kept, key]).toEqual([kept, stays ? kept : 'AAAAAAAAAAAAAAAAAAAAAA']);
      expect(store.items.get(PERSON_STORAGE_KEY)).toBe(key);
    }
  });

  it('still gives a key when the device keeps nothing', () => {
    const broken = {
      getItem(): string | null {
        throw new Error('disabled');
      },
      setItem(): void {
        throw new Error('disabled');
      },
    };
    expect(personKey(broken, filling(1).random)).toMatch(ENGINE_SHAPE);
    expect(personKey(null, filling(1).random)).toMatch(ENGINE_SHAPE);
  });

  it('draws its bytes from crypto.getRandomValues by default', () => {
    const a = personKey(new MemoryStore());
    const b = personKey(new MemoryStore());
    expect(a).toMatch(ENGINE_SHAPE);
    expect(a).toHaveLength(22);
    expect(a).not.toBe(b);
  });
});

describe('the JoinSession the form sends', () => {
  const fields: JoinFields = {
    pseudonym: '  Awa  ',
    territory: 't1',
    role: 'habitant',
    stays_seated: false,
    consent: true,
    remember: false,
  };

  it('carries no person when the box is not ticked, and makes no key', () => {
    let asked = 0;
    const data = joinData(fields, () => {
      asked += 1;
      return 'Zk3_q-9XwB2mYtR0aLpC7g';
    });
    expect(data).toEqual({ pseudonym: 'Awa', territory: 't1', role: 'habitant', stays_seated: false, consent: true });
    expect('person' in data).toBe(false);
    expect(asked).toBe(0);
  });

  it('carries the device’s key when the box is ticked', () => {
    const store = new MemoryStore();
    const data = joinData({ ...fields, remember: true }, () => personKey(store, filling(0xfb).random));
    expect(data.person).toBe(store.items.get(PERSON_STORAGE_KEY));
    expect(data.person).toMatch(ENGINE_SHAPE);
    expect(data).toEqual({
      pseudonym: 'Awa',
      territory: 't1',
      role: 'habitant',
      stays_seated: false,
      consent: true,
      person: data.person,
    });
  });
});

describe('the box’s label', () => {
  it('says what it is for, in French and in English', () => {
    setLang('fr');
    expect(`${t('p.join.remember')} ${t('p.join.remember_hint')}`).toBe(
      'Me reconnaître d’une séance à l’autre du programme (pour mesurer l’évolution des avis, sans jamais montrer mon nom)',
    );
    setLang('en');
    expect(t('p.join.remember')).toBe('Recognise me from one session of the programme to the next');
    setLang('fr');
  });
});
