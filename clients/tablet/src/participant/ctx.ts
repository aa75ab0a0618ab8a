/** What every part of the participant's tablet is handed: the connection, the session as this
 *  participant sees it, who they are, and their commands not yet acknowledged. Its own module so
 *  that the parts (Ballot, Compose, …) and the Tablet that assembles them never import each
 *  other in a circle. */
import type { Connection, PendingCommand } from '../protocol';
import type { SessionView } from '../state';

export interface Ctx {
  conn: Connection;
  s: SessionView;
  me: string;
  sessionId: string;
  pending: readonly PendingCommand[];
}
