/** What the tablet keeps in localStorage: the session behind a join code, the participant's
 *  token, drafts (so nothing typed is lost). */
import { useEffect, useRef, useState } from 'preact/hooks';

export interface SessionInfo {
  id: string;
  title: string;
  code: string;
  /** the session is over: nobody may join any more */
  closed?: boolean;
  territories: { id: string; name: string; commune: string; qpv: boolean }[];
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

