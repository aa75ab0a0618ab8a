/** What the tablet keeps in localStorage: the session behind a join code, the participant's
 *  token, drafts (so nothing typed is lost), and — only once its holder asks to be recognised
 *  from one session of the programme to the next — their personal key (`personKey`). */
import { useEffect, useRef, useState } from 'preact/hooks';

export interface SessionInfo {
  id: string;
  title: string;
  code: string;
  /** the session is over: nobody may join any more */
  closed?: boolean;
  territories: { id: string; name: string; commune: string; qpv: boolean }[];
  /** the online phase (« Forum numérique »): no tables, no rounds */
  forum?: boolean;
  rounds?: unknown;
  links?: Record<string, string>;
}

export interface Identity {
  token: string;
  you: string;
  pseudonym?: string;
}

const PREFIX = 'metrokawa:';

function get(key: string): string | null {
  try {
    return localStorage.getItem(PREFIX + key);
  } catch {
    return null;
  }
}
function put(key: string, value: string | null): void {
  try {
    if (value == null) localStorage.removeItem(PREFIX + key);
    else localStorage.setItem(PREFIX + key, value);
  } catch {
    /* storage full or disabled */
  }
}
function getJson<T>(key: string): T | null {
  const raw = get(key);
  if (!raw) return null;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return null;
  }
}

export const keys = {
  info: (code: string) => `code:${code.toUpperCase()}`,
  identity: (sessionId: string) => `participant:${sessionId}`,
  outbox: (sessionId: string, you: string) => `${PREFIX}outbox:${sessionId}:${you}`,
  guestOutbox: (sessionId: string) => `${PREFIX}guest:${sessionId}`,
  draft: (sessionId: string, name: string) => `draft:${sessionId}:${name}`,
};

export const cachedInfo = (code: string) => getJson<SessionInfo>(keys.info(code));
export const cacheInfo = (info: SessionInfo) => put(keys.info(info.code), JSON.stringify(info));
export const loadIdentity = (sessionId: string) => getJson<Identity>(keys.identity(sessionId));
export const saveIdentity = (sessionId: string, id: Identity | null) =>
  put(keys.identity(sessionId), id ? JSON.stringify(id) : null);

/** A text kept in localStorage as it is typed. `clear()` once it is safely queued or sent. */
export function useDraft(sessionId: string, name: string, initial = ''): [string, (v: string) => void, () => void] {
  const key = keys.draft(sessionId, name);
  const [value, setValue] = useState<string>(() => get(key) ?? initial);
  const keyRef = useRef(key);
  useEffect(() => {
    if (keyRef.current !== key) {
      keyRef.current = key;
      setValue(get(key) ?? initial);
    }
  }, [key]);
  const set = (v: string) => {
    setValue(v);
    put(key, v ? v : null);
  };
  const clear = () => {
    setValue('');
    put(key, null);
  };
  return [value, set, clear];
}

/** A JSON value kept in localStorage (e.g. a ballot being filled in). */
export function useStoredState<T>(sessionId: string, name: string, initial: T): [T, (v: T | ((prev: T) => T)) => void, () => void] {
  const key = keys.draft(sessionId, name);
  const [value, setValue] = useState<T>(() => getJson<T>(key) ?? initial);
  const ref = useRef(value);
  ref.current = value;
  const set = (v: T | ((prev: T) => T)) => {
    const next = typeof v === 'function' ? (v as (prev: T) => T)(ref.current) : v;
    ref.current = next; // several changes before the next render all count
    setValue(next);
    put(key, JSON.stringify(next));
  };
  const clear = () => {
    ref.current = initial;
    setValue(initial);
    put(key, null);
  };
  return [value, set, clear];
}


/** Where the personal key is kept: one key for the device, across every session. */
export const PERSON_STORAGE_KEY = 'metrokawa.person';
/** What the engine accepts (session_engine/decide.py `_PERSON_KEY`): 22 to 64 of [A-Za-z0-9_-]. */
const PERSON_SHAPE = /^[A-Za-z0-9_-]{22,64}$/;

/** Bytes as base64url without padding (16 bytes: 22 characters). */
export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

type KeyStore = Pick<Storage, 'getItem' | 'setItem'>;

function deviceStorage(): KeyStore | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** This device's personal key, made once (16 random bytes from `crypto.getRandomValues`, in
 *  base64url) and kept in localStorage under `metrokawa.person`, so that its holder is
 *  recognised from one session of the programme to the next. Asked for only when they tick the
 *  box: nothing is made nor kept before. A kept value of the wrong shape is made again. */
export function personKey(
  store: KeyStore | null = deviceStorage(),
  random: (bytes: Uint8Array) => void = (bytes) => globalThis.crypto.getRandomValues(bytes),
): string {
  let kept: string | null = null;
  try {
    kept = store?.getItem(PERSON_STORAGE_KEY) ?? null;
  } catch {
    /* storage disabled */
  }
  if (kept && PERSON_SHAPE.test(kept)) return kept;
  const bytes = new Uint8Array(16);
  random(bytes);
  const key = base64url(bytes);
  try {
    store?.setItem(PERSON_STORAGE_KEY, key);
  } catch {
    /* storage full or disabled: the key serves this join only */
  }
  return key;
}
