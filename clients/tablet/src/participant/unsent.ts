/**
 * What was written but not recorded: a command that waited in the outbox and that the server
 * then refused — typically a statement, a position or a note queued on a phone that was offline,
 * sent when the network came back after the round's deadline. Without this list the text would
 * vanish with the command; here it is kept (in localStorage, so a reload keeps it too) and shown
 * where it was written, marked « non envoyé » with the reason, until the person dismisses it
 * (or, for a position, takes another one that is recorded).
 */
import { useEffect } from 'preact/hooks';
import { errorText, t } from '../i18n';
import type { Ack, Connection, PendingCommand, Refusal } from '../protocol';
import { useStoredState } from './storage';

/** The commands whose content is the person's own words or view. */
const KEPT = new Set(['ProposeStatement', 'TakePosition', 'Annotate']);
/** At most this many are kept (the oldest go first). */
const MAX = 50;

export interface Unsent {
  id: string;
  type: string;
  data: Record<string, unknown>;
  /** the server's error code */
  code: string;
}

export interface UnsentList {
  list: readonly Unsent[];
  dismiss: (id: string) => void;
}

/** Why a command was not recorded, in a sentence: a late one says so plainly. */
export function unsentReason(code: string, message?: string): string {
  return code === 'round_closed' ? t('p.unsent.late') : errorText(code, message);
}

/** The same target: a later position on a statement replaces the earlier one. */
function sameTarget(a: { type: string; data: Record<string, unknown> }, b: { type: string; data: Record<string, unknown> }): boolean {
  return a.type === 'TakePosition' && b.type === 'TakePosition' && a.data.statement === b.data.statement;
}

/** The refused commands of this participant in this session, kept as they come. */
export function useUnsent(conn: Connection, sessionId: string, me: string): UnsentList {
  const [list, setList] = useStoredState<Unsent[]>(sessionId, `unsent:${me}`, []);
  useEffect(
    () =>
      conn.onResult((cmd: PendingCommand, result: Ack | Refusal) => {
        if (!KEPT.has(cmd.type)) return;
        if ('code' in result) {
          const entry: Unsent = { id: cmd.id, type: cmd.type, data: cmd.data, code: result.code };
          setList((prev) => [...prev.filter((u) => !sameTarget(u, cmd)), entry].slice(-MAX));
        } else if (cmd.type === 'TakePosition') {
          setList((prev) => (prev.some((u) => sameTarget(u, cmd)) ? prev.filter((u) => !sameTarget(u, cmd)) : prev));
        }
      }),
    [conn],
  );
  return { list, dismiss: (id) => setList((prev) => prev.filter((u) => u.id !== id)) };
}
