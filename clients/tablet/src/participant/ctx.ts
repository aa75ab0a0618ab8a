/** What every part of the participant's tablet is handed: the connection, the session as this
 *  participant sees it, who they are, their commands not yet acknowledged, whether writing is
 *  open now, and what the server refused after it waited. Its own module so that the parts
 *  (Ballot, Compose, …) and the Tablet that assembles them never import each other in a circle. */
import type { Connection, PendingCommand } from '../protocol';
import type { SessionView } from '../state';
import type { UnsentList } from './unsent';

/** Whether statements, positions and notes are accepted now, on the server's clock: `open`
 *  while a round runs before its deadline; `time_up` once the deadline has passed by this
 *  device's clock (the round still says « running » until its end reaches the device, which an
 *  offline phone never hears); `shut` otherwise (no round running, or the session is over). */
export type Writing = 'open' | 'time_up' | 'shut';

export interface Ctx {
  conn: Connection;
  s: SessionView;
  me: string;
  sessionId: string;
  pending: readonly PendingCommand[];
  writing: Writing;
  unsent: UnsentList;
}
