/**
 * The projector: read-only, seen from the back of a room. A big countdown, the QR code and the
 * join code in big letters, the current round's prompt; the results the facilitator puts on
 * screen (a statement's positions per territory, or a closed vote's merit profiles, ranked).
 */
import { useEffect } from 'preact/hooks';
import type { Connection } from '../protocol';
import { useStore } from '../hooks';
import { LangSwitch, t, useLang } from '../i18n';
import { ConnectionIndicator } from '../ui/ConnectionIndicator';
import { Countdown } from '../ui/Countdown';
import { MeritProfile } from '../ui/MeritProfile';
import { PositionBars } from '../ui/PositionBars';
import { currentRound, nextRound, positionCounts, type SessionView } from '../state';

export interface SessionInfo {
  id: string;
  title: string;
  code: string;
  links: { join: string; qr: string; projector?: string };
}

export function Projector({ conn, info }: { conn: Connection; info: SessionInfo }) {
  const view = useStore(conn);
  const language = useLang();
  const title = view.title || info.title;
  useEffect(() => {
    document.title = t('projector.doc_title', { title });
  }, [title, language]);
  const started = currentRound(view);
  // Before the first round, and between rounds, show what comes next; once all is done, the last.
  const upcoming = nextRound(view);
  const shownRound = started && started.status !== 'ended' ? started : (upcoming ?? started);
  const results = view.results ?? null;
  return (
    <div class={`mk-projector${results ? ' mk-projector-results' : ''}`}>
      <header class="mk-proj-header">
        <h1>{title}</h1>
        <div class="mk-proj-tools">
          <ConnectionIndicator conn={conn} showPending={false} compact />
          <LangSwitch />
        </div>
      </header>
      <main class="mk-proj-main">
        <section class="mk-proj-round" aria-labelledby="proj-round-title">
          <h2 id="proj-round-title" class="mk-proj-round-title">
            {view.closed
              ? t('projector.closed')
              : shownRound
                ? t(shownRound === started ? 'projector.round' : 'projector.next_round', {
                    n: shownRound.number,
                    kind: t(`round.kind.${shownRound.spec.kind}`),
                  })
                : t('projector.waiting')}
          </h2>
          {shownRound && !view.closed && (
            <p class="mk-proj-prompt" data-testid="round-prompt">{shownRound.spec.prompt}</p>
          )}
          <Countdown round={view.closed ? null : shownRound} conn={conn} testId="projector-countdown" large class="mk-proj-countdown" />
        </section>
        {results && <Results view={view} />}
        <aside class="mk-proj-join" aria-labelledby="proj-join-title" data-testid="projector-qr">
          <h2 id="proj-join-title">{t('projector.join')}</h2>
          <img
            class="mk-proj-qr-img"
            src={`/api/sessions/${encodeURIComponent(info.id)}/qr.svg`}
            alt={t('projector.qr_alt', { code: info.code })}
          />
          <p class="mk-proj-code-label">{t('projector.code')}</p>
          <p class="mk-proj-code" data-testid="join-code" aria-label={spelled(info.code)}>{info.code}</p>
          <p class="mk-proj-url">{info.links.join.replace(/^https?:\/\//, '')}</p>
        </aside>
      </main>
    </div>
  );
}

/** "A9AYH4" read letter by letter by a screen reader. */
function spelled(code: string): string {
  return code.split('').join(' ');
}

function Results({ view }: { view: SessionView }) {
  const results = view.results!;
  if (results.statement) {
    const statement = view.statements[results.statement];
    return (
      <section class="mk-proj-results" aria-labelledby="proj-results-title" data-testid="results" data-statement-id={results.statement}>
        <h2 id="proj-results-title">{t('projector.results.statement')}</h2>
        <p class="mk-proj-statement">« {statement?.text ?? results.statement} »</p>
        <PositionBars counts={positionCounts(view, results.statement)} territories={view.territories} />
      </section>
    );
  }
  if (results.vote) {
    return (
      <section class="mk-proj-results" aria-labelledby="proj-results-title" data-testid="results" data-vote-id={results.vote}>
        <h2 id="proj-results-title">{t('projector.results.vote')}</h2>
        <MeritProfile profiles={results.profiles} proposals={view.proposals} order={view.votes[results.vote]?.proposals} />
      </section>
    );
  }
  return null;
}
