/**
 * `GET /api/sessions/{id}/paysage[?territoire=t2]`: the live opinion landscape as Pol.is shows it
 * (docs/protocol.md, *The opinion landscape*; server/landscape.py). The server computes it; this
 * module only asks for it and says, in a sentence of the catalogue, why it could not.
 *
 * `fetchLandscape` never throws: a refusal (401 `bad_code` / `bad_token` / `revoked`, 429
 * `too_fast`, 503 `unavailable`, 400 `unknown_territory`), a network failure or an answer that is
 * not a landscape all come back as `{ ok: false, code, text }`, so that the view shows the
 * sentence and keeps the last landscape it had.
 */
import { errorText, has, t } from '../i18n';

/** Who asks: a token of the session (the participant's, the facilitator's…) or its join code. */
export type LandscapeAuth = { token: string } | { code: string };

export type Stance = 'agree' | 'disagree';

/** A statement that represents a group: the group's figures on it (shares are 0..1). */
export interface GroupStatement {
  statement: string;
  /** the group agrees (disagrees) with it more than the rest of the room */
  stance: Stance;
  /** the group's voters in that stance */
  share: number;
  /** the same among the other groups' members */
  rest_share: number;
  agree: number;
  disagree: number;
  /** the group's voters on it, passes included (never under k) */
  voters: number;
}

export interface LandscapeGroup {
  /** "A", "B"… by decreasing size */
  id: string;
  /** members; null under k (the clustering never forms such a group: shown « moins de k ») */
  size: number | null;
  representative: GroupStatement[];
}

export interface ConsensusStatement {
  statement: string;
  /** voters who agree (disagree, in the disagree list), passes included */
  share: number;
  voters: number;
}

export interface Landscape {
  /** the last event it reflects */
  seq: number;
  /** null: everyone */
  territory: string | null;
  k: number;
  /** who took a position (a pass included) on a published statement counted here */
  participants: number;
  /** empty while there is too little to cluster */
  groups: LandscapeGroup[];
  consensus: { agree: ConsensusStatement[]; disagree: ConsensusStatement[] };
  /** every published statement: id -> text */
  statements: Record<string, string>;
}

export type LandscapeResult =
  | { ok: true; landscape: Landscape }
  | {
      ok: false;
      /** the server's error code, or `network` (no answer) / `unknown` (an answer we cannot read) */
      code: string;
      /** the sentence to show */
      text: string;
      /** seconds the server asks us to wait (429's Retry-After) */
      retryAfter?: number;
    };

/** The URL and the headers of the request (a token goes in a header, never in the URL). */
export function landscapeRequest(sessionId: string, auth: LandscapeAuth, territory?: string): { url: string; headers: Record<string, string> } {
  const query = new URLSearchParams();
  if (territory) query.set('territoire', territory);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if ('token' in auth) headers.Authorization = `Bearer ${auth.token}`;
  else query.set('code', auth.code);
  const qs = query.toString();
  return { url: `/api/sessions/${encodeURIComponent(sessionId)}/paysage${qs ? `?${qs}` : ''}`, headers };
}

/** The landscape of everyone (no `territory`) or of one territory's people; never throws. */
export async function fetchLandscape(sessionId: string, auth: LandscapeAuth, territory?: string): Promise<LandscapeResult> {
  const { url, headers } = landscapeRequest(sessionId, auth, territory);
  let response: Response;
  try {
    response = await fetch(url, { headers, cache: 'no-store' });
  } catch {
    return refusal('network');
  }
  const body: unknown = await response.json().catch(() => null);
  if (response.ok) return isLandscape(body) ? { ok: true, landscape: body } : refusal('unknown');
  const { code, message } = errorBody(body);
  const result = refusal(code ?? codeOfStatus(response.status, 'token' in auth), message);
  const retryAfter = Number(response.headers.get('Retry-After'));
  return retryAfter > 0 ? { ...result, retryAfter } : result;
}

function refusal(code: string, serverMessage?: string): LandscapeResult & { ok: false } {
  return { ok: false, code, text: sentenceFor(code, serverMessage) };
}

/** The sentence for a code: the landscape's own where the shared one would say something false
 *  here (« n’a pas pu enregistrer » for a read), else the shared one (`errorText`). */
export function sentenceFor(code: string, serverMessage?: string): string {
  const own = `landscape.error.${code}`;
  return has(own) ? t(own) : errorText(code, serverMessage);
}

/** A status with no readable body (a proxy's page): the code it most likely stands for. */
function codeOfStatus(status: number, byToken: boolean): string {
  if (status === 401) return byToken ? 'bad_token' : 'bad_code';
  if (status === 404) return 'not_found';
  if (status === 429) return 'too_fast';
  if (status === 502 || status === 503 || status === 504) return 'unavailable';
  return 'unknown';
}

function errorBody(body: unknown): { code?: string; message?: string } {
  if (typeof body !== 'object' || body === null) return {};
  const { code, message } = body as Record<string, unknown>;
  return {
    code: typeof code === 'string' && /^[a-z_0-9]+$/.test(code) ? code : undefined,
    message: typeof message === 'string' ? message : undefined,
  };
}

/** Enough of the shape to draw it without a crash (the server is ours; a proxy's page is not). */
export function isLandscape(body: unknown): body is Landscape {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  const consensus = b.consensus as Record<string, unknown> | null | undefined;
  return (
    typeof b.seq === 'number' &&
    typeof b.participants === 'number' &&
    typeof b.k === 'number' &&
    Array.isArray(b.groups) &&
    typeof consensus === 'object' &&
    consensus !== null &&
    Array.isArray(consensus.agree) &&
    Array.isArray(consensus.disagree) &&
    typeof b.statements === 'object' &&
    b.statements !== null
  );
}
