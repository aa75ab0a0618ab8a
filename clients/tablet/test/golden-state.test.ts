// @ts-expect-error: node's types are not installed (the client is typed for the browser)
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLog } from '../src/replay/log';
import { SessionStore, emptySession, type SessionView } from '../src/state';

/**
 * The client's fold (src/state) of replays/golden-v1-voeux.mkawa against the engine's replay()
 * (session_engine/replay.py), exported by replays/export_state.py as
 * replays/golden-v1-voeux.state.json, so that the two folds cannot drift apart.
 *
 * The engine's state is in the shape the client holds (visibility.visible_state(full=True): the
 * facilitator's snapshot, what the replay viewer builds from a whole log). Compared: every field of
 * SessionView, after every one of the log's 255 events (the fixture holds each event's changes),
 * so a reducer whose work a later event overwrites (RoundPaused, RoundExtended, ResultsShown) is
 * checked too. Out of scope: `proposed_seq` and `raised_seq`, the client's own bookkeeping linking
 * a command's ack to its statement or objection (the engine has no such field); and the public
 * audience's fold (a participant folds redacted envelopes onto a snapshot: another shape, tested in
 * state.test.ts and tests/session_engine/test_visibility.py).
 *
 * When the engine's state changes on purpose, regenerate the fixture:
 *   METROKAWA_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/session_engine/test_golden_state.py
 */

type Json = any;
type Key = string | number;
/** [path] deletes, [path, value] sets (replays/export_state.py `changes`). */
type Change = [Key[]] | [Key[], Json];
interface Step { seq: number; type: string; changes: Change[] }
interface Fixture { initial: Json; steps: Step[]; final: Json }

const REPLAYS = new URL('../../../replays/', import.meta.url);
const log = parseLog(new Uint8Array(readFileSync(new URL('golden-v1-voeux.mkawa', REPLAYS))));
const fixture: Fixture = JSON.parse(readFileSync(new URL('golden-v1-voeux.state.json', REPLAYS), 'utf8'));

/** The client's state as JSON data, without the client's own bookkeeping fields. */
function engineShape(state: SessionView): Json {
  const plain = JSON.parse(JSON.stringify(state));
  for (const statement of Object.values<Json>(plain.statements)) delete statement.proposed_seq;
  for (const objection of Object.values<Json>(plain.objections)) delete objection.raised_seq;
  delete plain.tallies; // the client's own: not in the engine's state (test/tallies.test.ts)
  return plain;
}

/** Apply one step of the fixture to the engine's state (a copy of it comes back). */
function applyChanges(state: Json, changes: Change[]): Json {
  const next = structuredClone(state);
  for (const change of changes) {
    const path = change[0];
    let parent = next;
    for (const key of path.slice(0, -1)) parent = parent[key];
    const last = path[path.length - 1]!;
    if (change.length === 1) delete parent[last];
    else parent[last] = structuredClone(change[1]);
  }
  return next;
}

describe('the client folds the golden log to the engine replay', () => {
  it('reads a fixture made from this very log', () => {
    expect(fixture.steps.map((s) => [s.seq, s.type])).toEqual(log.events.map((e) => [e.seq, e.type]));
    // The fixture's steps, applied in order, end on its final state (the two parts agree).
    expect(fixture.steps.reduce((state, step) => applyChanges(state, step.changes), fixture.initial)).toEqual(fixture.final);
  });

  it('starts from the same empty session', () => {
    expect(engineShape(emptySession())).toEqual(fixture.initial);
  });

  it('has the engine state after every event', () => {
    const store = new SessionStore();
    store.reset(emptySession(), 0);
    let engine = fixture.initial;
    for (const [i, event] of log.events.entries()) {
      store.apply(event);
      engine = applyChanges(engine, fixture.steps[i]!.changes);
      expect(engineShape(store.state), `after seq ${event.seq} (${event.type})`).toEqual(engine);
    }
  });

  it('ends on the engine final state', () => {
    const store = new SessionStore();
    store.reset(emptySession(), 0);
    store.applyAll(log.events);
    expect(engineShape(store.state)).toEqual(fixture.final);
    // The log reaches what matters at its end: the vœu, the abandoned consent, the close.
    expect(store.state.closed).toBe(true);
    expect(Object.keys(store.state.voeux)).toEqual(['vx1']);
  });
});
