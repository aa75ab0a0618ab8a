/** The rounds section: the agenda, the current round with its countdown, and start / pause / resume /
 *  extend / end. */
import type { Connection } from '../../protocol';
import { t } from '../../i18n';
import { Countdown, formatDuration } from '../../ui/Countdown';
import { currentRound, nextRound, type RoundView, type SessionView } from '../../state';
import { isRoundLive } from '../lib';
import { Pictogram } from '../../ui/Pictogram';
import { Action, Section, closedReason, type Run } from '../kit';

function roundStatusText(round: RoundView): string {
  return t(`round.status.${round.status}`);
}

export function Rounds({ view, run, conn }: { view: SessionView; run: Run; conn: Connection }) {
  const current = currentRound(view);
  const upcoming = nextRound(view);
  const live = isRoundLive(current);
  const closed = closedReason(view);
  const startReason =
    closed ??
    (live ? t('console.reason.round_live') : null) ??
    (!upcoming ? t('console.reason.agenda_done') : null) ??
    (Object.keys(view.tables).length === 0 ? t('console.reason.not_seated') : null);
  const notLive = live ? null : t('console.reason.no_round');
  const pauseReason = closed ?? (current?.status === 'running' ? null : current?.status === 'paused' ? t('console.reason.paused') : notLive);
  const resumeReason = closed ?? (current?.status === 'paused' ? null : t('console.reason.not_paused'));
  const liveReason = closed ?? notLive;
  return (
    <Section id="rounds" title={t('console.nav.rounds')}>
      <ol class="mk-agenda">
        {view.rounds.map((round) => (
          <li key={round.number} class={`mk-round mk-round-${round.status}`} aria-current={round === current && live ? 'step' : undefined}>
            <span class="mk-round-status">{roundStatusText(round)}</span>{' '}
            <strong>{t('console.round.label', { n: round.number, kind: t(`round.kind.${round.spec.kind}`) })}</strong>
            {' — '}{round.spec.prompt}{' '}
            <span class="mk-muted">({t('console.round.minutes', { n: Math.round(round.spec.duration_ms / 60000) })})</span>
          </li>
        ))}
      </ol>
      {current && (
        <div class="mk-current">
          <h3>{t('console.round.current', { n: current.number })} — {roundStatusText(current)}</h3>
          <p class="mk-prompt" data-testid="round-prompt">{current.spec.prompt}</p>
          {live && <Countdown round={current} conn={conn} large />}
          {current.status === 'paused' && current.remaining_ms !== null && (
            <p>{t('console.round.paused_left', { time: formatDuration(current.remaining_ms) })}</p>
          )}
        </div>
      )}
      {!current && <p>{t('console.round.none_yet')}</p>}
      {upcoming && !live && (
        <p>{t('console.round.next', { n: upcoming.number, prompt: upcoming.spec.prompt })}</p>
      )}
      <div class="mk-actions">
        <Action variant="primary" onClick={() => run('StartRound', undefined, 'console.done.started')} reason={startReason}>
          <Pictogram name="play" size={20} /> {t('console.round.start')}
        </Action>
        <Action onClick={() => run('PauseRound', undefined, 'console.done.paused')} reason={pauseReason}>
          <Pictogram name="pause" size={20} /> {t('console.round.pause')}
        </Action>
        <Action onClick={() => run('ResumeRound', undefined, 'console.done.resumed')} reason={resumeReason}>
          <Pictogram name="play" size={20} /> {t('console.round.resume')}
        </Action>
        <Action onClick={() => run('ExtendRound', { minutes: 1 }, 'console.done.extended', { n: 1 })} reason={liveReason} sharedReasonId="rounds-live-reason">
          {t('console.round.extend', { n: 1 })}
        </Action>
        <Action onClick={() => run('ExtendRound', { minutes: 5 }, 'console.done.extended', { n: 5 })} reason={liveReason} sharedReasonId="rounds-live-reason">
          {t('console.round.extend', { n: 5 })}
        </Action>
        <Action variant="danger" onClick={() => run('EndRound', undefined, 'console.done.ended')} reason={liveReason} sharedReasonId="rounds-live-reason">
          <Pictogram name="stop" size={20} /> {t('console.round.end')}
        </Action>
      </div>
      {liveReason && <p id="rounds-live-reason" class="mk-reason">{t('console.reason.extend_end', { reason: liveReason })}</p>}
    </Section>
  );
}
