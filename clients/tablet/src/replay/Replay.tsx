/**
 * The replay viewer: a timeline scrubber over the log's seq, play / pause at ×1 to ×60 on the
 * events' own clock (long pauses shortened), and the session as it was at that point: the round,
 * the tables, the statements and their positions, the syntheses, the votes; at the end, the
 * final opinions.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { has, t, useLang } from '../i18n';
import { Pictogram } from '../ui/Pictogram';
import { announce } from '../ui/Live';
import { currentRound, idNumber, type Envelope } from '../state';
import type { ParsedLog } from './log';
import { MAX_GAP_MS, indexAtTime, playTimes, type Timeline } from './timeline';
import { clock, day, elapsed, number, roundLabel } from './format';
import { FinalOpinions, NowCard, Statements, Syntheses, Tables, Votes } from './views';
import { Notes } from './notes';
import { computeTallies, positionCountsByStatement } from '../state';

export const SPEEDS = [1, 5, 15, 30, 60] as const;

const MOMENTS = new Set(['TablesSeated', 'TablesRotated', 'RoundStarted', 'RoundEnded', 'VoteOpened', 'VoteClosed', 'VoeuAdopted', 'SessionClosed']);

const frame: (cb: (now: number) => void) => number =
  typeof requestAnimationFrame === 'function' ? requestAnimationFrame : (cb) => setTimeout(() => cb(performance.now()), 16) as unknown as number;
const cancelFrame: (id: number) => void = typeof cancelAnimationFrame === 'function' ? cancelAnimationFrame : (id) => clearTimeout(id);

export function Replay(props: { log: ParsedLog; timeline: Timeline; source: string; onOther?: () => void }) {
  useLang();
  const { log, timeline } = props;
  const cursor = useMemo(() => timeline.cursor(), [timeline]);
  const times = useMemo(() => playTimes(timeline.events), [timeline]);
  const [seq, setSeq] = useState(() => {
    cursor.seek(1);
    return 1;
  });
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<number>(15);
  const last = timeline.last;
  const start = timeline.events[0]!.at;

  const go = (target: number) => {
    cursor.seek(target);
    setSeq(cursor.seq);
  };

  const describe = (at: number) => {
    const e = timeline.event(at);
    return t('replay.position', {
      seq: number(at),
      last: number(last),
      time: e ? clock(e.at) : '—',
      round: roundLabel(cursor.state),
    });
  };

  // Play: a virtual clock on the events' times (long pauses shortened), re-rendering at most
  // ten times a second; the cursor itself follows every frame.
  const playRef = useRef({ speed });
  playRef.current.speed = speed;
  useEffect(() => {
    if (!playing) return;
    let virtual = times[Math.max(cursor.seq - 1, 0)] ?? 0;
    let previous = performance.now();
    let rendered = 0;
    let id = 0;
    const tick = (now: number) => {
      virtual += (now - previous) * playRef.current.speed;
      previous = now;
      const target = indexAtTime(times, virtual) + 1;
      if (target > cursor.seq) cursor.seek(target);
      const done = cursor.seq >= last;
      if (done || now - rendered >= 100) {
        rendered = now;
        setSeq(cursor.seq);
      }
      if (done) {
        setPlaying(false);
        announce(t('replay.announce.end', { position: describe(cursor.seq) }));
        return;
      }
      id = frame(tick);
    };
    id = frame(tick);
    return () => cancelFrame(id);
  }, [playing, timeline]);

  const toggle = () => {
    if (playing) {
      setPlaying(false);
      setSeq(cursor.seq);
      announce(t('replay.announce.pause', { position: describe(cursor.seq) }));
    } else {
      if (cursor.seq >= last) go(1);
      setPlaying(true);
      announce(t('replay.announce.play', { speed, position: describe(cursor.seq) }));
    }
  };

  const state = cursor.state;
  const event = timeline.event(seq);
  const counts = useMemo(() => positionCountsByStatement(state), [seq, timeline]);
  // What the replay shows per territory follows the room's k rule (state/tallies.ts).
  const tallies = useMemo(() => computeTallies(state), [seq, timeline]);
  const moments = useMemo(() => timeline.events.filter((e) => MOMENTS.has(e.type)), [timeline]);
  const masked = useMemo(() => hiddenStatements(timeline.events), [timeline]);
  const atEnd = seq >= last;
  const round = currentRound(state);

  return (
    <>
      <section class="mk-card mk-replay-controls" aria-labelledby="replay-controls-title" data-testid="replay-controls">
        <h2 id="replay-controls-title" class="mk-sr-only">{t('replay.controls')}</h2>
        <label for="replay-seek" class="mk-replay-seek-label">
          {t('replay.seek')}
        </label>
        <input
          id="replay-seek"
          class="mk-replay-seek"
          type="range"
          min={0}
          max={last}
          step={1}
          value={seq}
          aria-valuetext={describe(seq)}
          aria-describedby="replay-position"
          data-testid="replay-seek"
          onInput={(e) => {
            if (playing) setPlaying(false);
            go(Number((e.currentTarget as HTMLInputElement).value));
          }}
        />
        <p id="replay-position" class="mk-replay-position" data-testid="replay-position" data-seq={seq}>
          <span class="mk-replay-seq">{t('replay.event', { seq: number(seq), last: number(last) })}</span>
          {event && (
            <span>
              <Pictogram name="clock" size={18} /> {clock(event.at)} <span class="mk-muted">({t('replay.elapsed', { time: elapsed(event.at - start) })})</span>
            </span>
          )}
          <span data-testid="replay-round" data-round={round?.number ?? 0}>{roundLabel(state)}</span>
          {event && <span class="mk-muted" data-testid="replay-event-type">{has(`replay.type.${event.type}`) ? t(`replay.type.${event.type}`) : event.type}</span>}
        </p>
        <div class="mk-replay-buttons">
          <button type="button" class="mk-btn mk-btn-small" onClick={() => go(seq - 1)} disabled={seq <= 0} data-testid="replay-back">
            −1<span class="mk-sr-only"> ({t('replay.back')})</span>
          </button>
          <button type="button" class="mk-btn mk-btn-primary" onClick={toggle} aria-pressed={playing} data-testid="replay-play">
            <Pictogram name={playing ? 'pause' : 'play'} size={20} />
            {playing ? t('replay.pause') : t('replay.play')}
          </button>
          <button type="button" class="mk-btn mk-btn-small" onClick={() => go(seq + 1)} disabled={atEnd} data-testid="replay-forward">
            +1<span class="mk-sr-only"> ({t('replay.forward')})</span>
          </button>
          <label class="mk-replay-speed">
            {t('replay.speed')}
            <select class="mk-input" value={String(speed)} onChange={(e) => setSpeed(Number((e.currentTarget as HTMLSelectElement).value))} data-testid="replay-speed">
              {SPEEDS.map((s) => (
                <option key={s} value={String(s)}>×{s}</option>
              ))}
            </select>
          </label>
          <button type="button" class="mk-btn mk-btn-small mk-btn-ghost" onClick={() => go(last)} disabled={atEnd} data-testid="replay-end">
            {t('replay.to_end')}
          </button>
        </div>
        <p class="mk-hint">{t('replay.gaps', { s: MAX_GAP_MS / 1000 })}</p>
        <details class="mk-replay-moments">
          <summary>{t('replay.moments')}</summary>
          <ol>
            {moments.map((m) => (
              <li key={m.seq}>
                <button type="button" class="mk-btn mk-btn-small mk-btn-ghost" onClick={() => go(m.seq)} aria-current={m.seq === seq ? 'step' : undefined}>
                  {momentLabel(m)} · {clock(m.at)}
                </button>
              </li>
            ))}
          </ol>
        </details>
      </section>

      <NowCard state={state} seq={seq} />
      <Tables state={state} />
      <Statements state={state} tallies={tallies} extras={cursor.extras} masked={masked} />
      <Syntheses state={state} />
      <Notes state={state} masked={masked} />
      <Votes state={state} ranked={atEnd} />
      {atEnd ? (
        <FinalOpinions state={state} counts={counts} tallies={tallies} masked={masked} />
      ) : (
        <section class="mk-card" aria-labelledby="final-title" data-testid="final-pending">
          <h2 id="final-title">{t('replay.final.title')}</h2>
          <p class="mk-muted">{t('replay.final.at_end')}</p>
          <button type="button" class="mk-btn mk-btn-small" onClick={() => go(last)}>{t('replay.to_end')}</button>
        </section>
      )}
      <section class="mk-card mk-replay-source" aria-labelledby="source-title">
        <h2 id="source-title">{t('replay.source.title')}</h2>
        <dl class="mk-replay-dl">
          <dt>{t('replay.source.from')}</dt>
          <dd data-testid="replay-source">{props.source}</dd>
          <dt>{t('replay.source.session')}</dt>
          <dd><code>{log.header.session}</code></dd>
          <dt>{t('replay.source.date')}</dt>
          <dd>{day(log.header.created_at || start)}</dd>
          <dt>{t('replay.source.events')}</dt>
          <dd data-testid="replay-events">{number(last)}</dd>
          <dt>{t('replay.source.duration')}</dt>
          <dd>{elapsed(timeline.events[last - 1]!.at - start)}</dd>
          <dt>{t('replay.source.format')}</dt>
          <dd>{log.header.format} v{log.header.format_version}</dd>
        </dl>
        {props.onOther && (
          <button type="button" class="mk-btn mk-btn-small" onClick={props.onOther}>
            {t('replay.open_other')}
          </button>
        )}
      </section>
    </>
  );
}

function momentLabel(e: Envelope): string {
  const d = e.data ?? {};
  switch (e.type) {
    case 'RoundStarted':
      return t('replay.moment.round_started', { n: d.round });
    case 'RoundEnded':
      return t('replay.moment.round_ended', { n: d.round });
    case 'VoteOpened':
    case 'VoteClosed':
      return t(`replay.type.${e.type}`) + ` ${idNumber(d.vote) > 1 ? idNumber(d.vote) : ''}`.trimEnd();
    default:
      return has(`replay.type.${e.type}`) ? t(`replay.type.${e.type}`) : e.type;
  }
}

/** The statements the facilitator hid somewhere in the log: their text is never shown, even at a
 *  point before they were hidden (the room never saw them). */
export function hiddenStatements(events: readonly Envelope[]): ReadonlySet<string> {
  return new Set(events.filter((e) => e.type === 'StatementHidden').map((e) => String(e.data?.statement)));
}
