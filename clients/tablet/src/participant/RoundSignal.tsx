/** The tablet's end-of-round signal (a vibration and a sound, with its switch) and the screen kept
 *  awake during a round: the page's side of ./signals, which holds the rules. */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { t } from '../i18n';
import type { RoundView } from '../state';
import { Pictogram } from '../ui/Pictogram';
import { WakeLockKeeper, endedNow, ring, setSignalOn, signalOn, type Device, type WakeLockLike, type Watch } from './signals';

function storage(): Storage | null {
  try {
    return localStorage;
  } catch {
    return null;
  }
}

let sound: AudioContext | null = null;
/** One audio context for the page, made on first use (none where the browser has no Web Audio). */
function audio(): AudioContext | null {
  if (sound) return sound;
  const Context = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Context) return null;
  try {
    sound = new Context();
  } catch {
    return null;
  }
  return sound;
}

const device: Device = {
  vibrate: typeof navigator.vibrate === 'function' ? (pattern) => navigator.vibrate(pattern) : undefined,
  audio,
};

/**
 * Rings once when the round ends on this device (its `RoundEnded`, or the deadline on this
 * device's clock: `timeUp`), unless the signal is off; keeps the screen awake while the round runs
 * or is paused. Browsers play sound only after a gesture: the first touch or key of the page
 * readies the sound, so that it can play at the end.
 */
export function useRoundSignals(round: RoundView | null, timeUp: boolean, loaded: boolean): void {
  const before = useRef<Watch | null>(null);
  const watch: Watch | null = round ? { round: round.number, over: round.status === 'ended' || timeUp } : null;
  useEffect(() => {
    if (!loaded) return;
    const ended = endedNow(before.current, watch);
    before.current = watch;
    if (ended !== null && signalOn(storage())) ring(device);
  }, [loaded, watch?.round, watch?.over]); // eslint-disable-line

  useEffect(() => {
    const ready = () => {
      if (!signalOn(storage())) return;
      const context = audio();
      if (context?.state === 'suspended') void context.resume().catch(() => undefined);
    };
    document.addEventListener('pointerdown', ready, { once: true });
    document.addEventListener('keydown', ready, { once: true });
    return () => {
      document.removeEventListener('pointerdown', ready);
      document.removeEventListener('keydown', ready);
    };
  }, []);

  const keeper = useMemo(() => new WakeLockKeeper((navigator as { wakeLock?: WakeLockLike }).wakeLock ?? null, document), []);
  const awake = loaded && round !== null && (round.status === 'running' || round.status === 'paused') && !timeUp;
  useEffect(() => keeper.hold(awake), [keeper, awake]);
  useEffect(() => () => keeper.hold(false), [keeper]);
}

/** The switch of the end-of-round signal, kept on this device. Turned on, it rings once: the
 *  person hears and feels what it will do (and the sound is readied by that very touch). */
export function SignalSwitch() {
  const [on, setOn] = useState(() => signalOn(storage()));
  const change = (e: Event) => {
    const checked = (e.currentTarget as HTMLInputElement).checked;
    setSignalOn(storage(), checked);
    setOn(checked);
    if (checked) ring(device);
  };
  return (
    <div class="mk-signal">
      <input id="round-signal" type="checkbox" checked={on} onChange={change} aria-describedby="round-signal-hint" data-testid="round-signal" />
      <label for="round-signal">
        <Pictogram name="hourglass" size={22} /> {t('p.signal.label')}
      </label>
      <p id="round-signal-hint" class="mk-hint">{t('p.signal.hint')}</p>
    </div>
  );
}
