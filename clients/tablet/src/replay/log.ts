/**
 * Reading a `.mkawa` file in the browser (replays/README.md, format version 1): a header map,
 * then one map per envelope, msgpack objects written one after the other. Every problem is a
 * `LogError` with a code; the page says it in French (src/i18n/replay.ts, `replay.error.<code>`).
 */
import { decodeMulti } from '@msgpack/msgpack';
import type { Envelope } from '../state';

export const FORMAT = 'metrokawa-log';
export const FORMAT_VERSION = 1;

export interface LogHeader {
  format: string;
  format_version: number;
  session: string;
  title: string;
  created_at: number;
  schemas: Record<string, number>;
}

export interface ParsedLog {
  header: LogHeader;
  events: Envelope[];
}

export type LogErrorCode = 'empty' | 'not_mkawa' | 'newer_version' | 'corrupt' | 'bad_event' | 'no_session_created' | 'no_events';

export class LogError extends Error {
  constructor(
    readonly code: LogErrorCode,
    readonly params: Record<string, string | number> = {},
  ) {
    super(`${code} ${JSON.stringify(params)}`);
    this.name = 'LogError';
  }
}

const isMap = (x: unknown): x is Record<string, any> => typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Uint8Array);

/** Parse a whole file. Throws LogError. */
export function parseLog(bytes: Uint8Array): ParsedLog {
  if (!bytes.length) throw new LogError('empty');
  let header: LogHeader | null = null;
  const events: Envelope[] = [];
  try {
    for (const record of decodeMulti(bytes)) {
      if (header === null) {
        header = checkHeader(record);
        continue;
      }
      events.push(checkEvent(record, events.length + 1));
    }
  } catch (e) {
    if (e instanceof LogError) throw e;
    if (header === null) throw new LogError('not_mkawa');
    throw new LogError('corrupt', { n: events.length });
  }
  if (header === null) throw new LogError('not_mkawa');
  if (!events.length) throw new LogError('no_events');
  return { header, events };
}

function checkHeader(record: unknown): LogHeader {
  if (!isMap(record) || record.format !== FORMAT || !Number.isInteger(record.format_version)) throw new LogError('not_mkawa');
  const version = record.format_version as number;
  if (version > FORMAT_VERSION) throw new LogError('newer_version', { version, supported: FORMAT_VERSION });
  if (version < 1) throw new LogError('not_mkawa');
  return {
    format: record.format,
    format_version: version,
    session: String(record.session ?? ''),
    title: String(record.title ?? ''),
    created_at: Number(record.created_at ?? 0),
    schemas: isMap(record.schemas) ? (record.schemas as Record<string, number>) : {},
  };
}

function checkEvent(record: unknown, expected: number): Envelope {
  if (!isMap(record) || record.seq !== expected || typeof record.type !== 'string' || typeof record.at !== 'number') {
    throw new LogError('bad_event', { seq: expected });
  }
  if (expected === 1 && record.type !== 'SessionCreated') throw new LogError('no_session_created');
  return {
    seq: record.seq,
    type: record.type,
    v: Number(record.v ?? 1),
    at: record.at,
    actor: String(record.actor ?? ''),
    cmd: (record.cmd as string | null) ?? null,
    data: isMap(record.data) ? record.data : {},
  };
}
