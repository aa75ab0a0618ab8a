import { describe, expect, it } from 'vitest';
import { logUrl, replaySource } from '../src/replay/source';

describe('where the replay viewer gets its log', () => {
  // address → source, written out
  const table: [string, string, ReturnType<typeof replaySource>][] = [
    ['/r', '', null],
    ['/r/', '', null],
    ['/r/abc123', '', { kind: 'session', id: 'abc123' }],
    ['/r/abc123/', '', { kind: 'session', id: 'abc123' }],
    ['/r/a/aXy-_9Qz', '', { kind: 'archive', id: 'aXy-_9Qz' }],
    ['/r/a/aXy-_9Qz/', '', { kind: 'archive', id: 'aXy-_9Qz' }],
    ['/r/a', '', { kind: 'session', id: 'a' }], // a session may be called "a"; no archive id
    ['/r/a/b/c', '', null],
    ['/r', '?session=dev1', { kind: 'session', id: 'dev1' }],
  ];
  for (const [pathname, search, expected] of table) {
    it(`${pathname}${search}`, () => {
      expect(replaySource({ pathname, search })).toEqual(expected);
    });
  }
  it('asks the public archive without a token, a session with its own address', () => {
    expect(logUrl({ kind: 'archive', id: 'aXy' })).toBe('/archives/aXy/journal.mkawa');
    expect(logUrl({ kind: 'session', id: 's/1' })).toBe('/api/sessions/s%2F1/log');
  });
});
