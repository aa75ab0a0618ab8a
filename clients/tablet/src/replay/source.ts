/**
 * Where the replay viewer gets its log, from its address alone (pure, tested in vitest):
 *
 * - /r/{id}#token=…: a live session's log, with the facilitator's token (GET /api/sessions/{id}/log);
 * - /r/a/{archive}: a published archive's anonymised log, public, no token
 *   (GET /archives/{archive}/journal.mkawa, server/archives.py);
 * - /r (or anything else): a `.mkawa` file chosen on this device.
 */

export type ReplaySource =
  | { kind: 'session'; id: string }
  | { kind: 'archive'; id: string }
  | null;

export function replaySource(loc: { pathname: string; search: string }): ReplaySource {
  const archive = /^\/r\/a\/([^/]+)\/?$/.exec(loc.pathname);
  if (archive) return { kind: 'archive', id: decodeURIComponent(archive[1]!) };
  const session = /^\/r\/([^/]+)\/?$/.exec(loc.pathname);
  if (session) return { kind: 'session', id: decodeURIComponent(session[1]!) };
  const dev = new URLSearchParams(loc.search).get('session'); // development: ?session=
  return dev ? { kind: 'session', id: dev } : null;
}

/** The URL of the log of `source`: the archive's is public; a session's needs the token. */
export function logUrl(source: NonNullable<ReplaySource>): string {
  const id = encodeURIComponent(source.id);
  return source.kind === 'archive' ? `/archives/${id}/journal.mkawa` : `/api/sessions/${id}/log`;
}
