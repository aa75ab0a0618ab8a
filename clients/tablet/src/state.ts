/**
 * The session as one audience sees it: the snapshot of `welcome.state`
 * (session_engine/visibility.py `visible_state`) with every later event applied in seq order,
 * exactly as session_engine/evolve.py does on the server.
 *
 * The public form of some events carries less than the log (visibility.py `public_envelope`):
 * a proposed statement arrives without author nor text, a ballot without voter nor grades.
 * The connection fills in what is the user's own from the acks of their commands
 * (`claimStatement`, `claimBallot`); an objection arrives without its author (`claimObjection`).
 *
 * This module is the public surface only; the code lives in ./state/: `types` (the view's shape),
 * `store` (SessionStore), `evolve` (applyEvent), `ids` (natural order, pair keys), `derived` (rounds,
 * tables, positions, statements, the open vote), `consent` (adoption, consent rounds, vœux),
 * `live` (the changes made on the night: handovers, moves, departures, the agenda), `tablet`
 * (people without a phone: table tablets, paper ballots) and `tallies` (what everyone sees of
 * positions, ballots and joins: the `tallies` frame, and its port for the replay viewer).
 */
export * from './state/types';
export * from './state/ids';
export * from './state/evolve';
export * from './state/store';
export * from './state/derived';
export * from './state/consent';
export * from './state/live';
export * from './state/tallies';
export * from './state/tablet';
