/** What a page reads from its own address: the session, the facilitator's token, the join code. */

/** The session id of /f/{id} (console) or /p/{id} (projector); in development also ?session={id}. */
export function sessionIdFromLocation(loc: { pathname: string; search: string }): string | null {
  const match = /^\/[fp]\/([^/]+)\/?$/.exec(loc.pathname);
  if (match) return decodeURIComponent(match[1]!);
  const query = new URLSearchParams(loc.search).get('session');
  return query || null;
}

/** The facilitator token in a fragment "#token=…", or null. The fragment never reaches the
 *  server's logs, which is why the token travels there. */
export function tokenFromHash(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return token ? token : null;
}

/** The join code of /j/{code} (participant), or ?code= (development); upper case as printed. */
export function codeFromLocation(loc: { pathname: string; search: string }): string | null {
  const match = /\/j\/([A-Za-z0-9]+)\/?$/.exec(loc.pathname);
  if (match) return match[1]!.toUpperCase();
  const query = new URLSearchParams(loc.search).get('code');
  return query ? query.toUpperCase() : null;
}
