/**
 * The projector: read-only, seen from the back of a room. A big countdown, the QR code and the
 * join code in big letters, the current round's prompt; the results the facilitator puts on
 * screen (a statement's positions per territory, or a closed vote's merit profiles, ranked);
 * the consent round open now (its wording, objections pending and dealt with), then the vœu the
 * room has just adopted.
 */
import { useEffect } from 'preact/hooks';
import type { Connection } from '../protocol';
import { useStore } from '../hooks';
import { LangSwitch, quoted, t, useLang } from '../i18n';
import { ConnectionIndicator } from '../ui/ConnectionIndicator';
import { Countdown } from '../ui/Countdown';
import { MeritProfile } from '../ui/MeritProfile';
import { PositionBars } from '../ui/PositionBars';
import {
  currentRound,
  idNumber,
  nextRound,
  objectionsOf,
  openConsent,
  positionCounts,
  voeuxInOrder,
  type ConsentView,
  type SessionView,
  type VoeuView,
} from '../state';

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
  const consent = openConsent(view);
  const results = consent ? null : (view.results ?? null);
  const voeu = consent || results ? null : justAdopted(view);
  const wide = Boolean(consent || results || voeu);
  return (
    <div class={`mk-projector${wide ? ' mk-projector-results' : ''}`}>
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
        {consent && <Consent view={view} consent={consent} />}
        {results && <Results view={view} />}
        {voeu && <Voeu voeu={voeu} />}
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
        <p class="mk-proj-statement">{quoted(statement?.text ?? results.statement)}</p>
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

/** The vœu of the last consent round, when that round ended with one (until another round
 *  opens or results are put on screen). */
function justAdopted(view: SessionView): VoeuView | null {
  const rounds = Object.values(view.consents).sort((a, b) => idNumber(a.id) - idNumber(b.id));
  const last = rounds[rounds.length - 1];
  if (!last || last.status !== 'adopted') return null;
  return voeuxInOrder(view).find((v) => v.consent === last.id) ?? null;
}

function Consent({ view, consent }: { view: SessionView; consent: ConsentView }) {
  const objections = objectionsOf(view, consent.id);
  const pending = objections.filter((o) => o.resolution == null).length;
  return (
    <section class="mk-proj-results mk-proj-consent" aria-labelledby="proj-consent-title" data-testid="projector-consent" data-consent-id={consent.id}>
      <h2 id="proj-consent-title">{t('projector.consent.title')}</h2>
      <p class="mk-proj-label">{t('projector.consent.wording')}</p>
      <p class="mk-proj-statement" data-testid="consent-wording" aria-live="polite">{quoted(consent.text)}</p>
      <ul class="mk-proj-counts" aria-live="polite" data-testid="objection-counts">
        <li data-count={pending} data-kind="pending">{t('projector.consent.pending', { n: pending })}</li>
        <li data-count={objections.length - pending} data-kind="resolved">{t('projector.consent.resolved', { n: objections.length - pending })}</li>
      </ul>
      <p class="mk-proj-how">{t('projector.consent.how')}</p>
    </section>
  );
}

function Voeu({ voeu }: { voeu: VoeuView }) {
  return (
    <section class="mk-proj-results mk-proj-voeu" aria-labelledby="proj-voeu-title" data-testid="projector-voeu" data-voeu-id={voeu.id} aria-live="polite">
      <h2 id="proj-voeu-title">{t('projector.voeu.title')}</h2>
      <p class="mk-proj-statement">{quoted(voeu.text)}</p>
      <p class="mk-proj-label">{t('voeu.outcome')}</p>
      <p class="mk-proj-outcome">{voeu.outcome}</p>
    </section>
  );
}
