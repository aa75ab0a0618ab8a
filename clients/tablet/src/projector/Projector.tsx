/**
 * The projector: read-only, seen from the back of a room. A big countdown, the QR code and the
 * join code in big letters, the current round's prompt; the results the facilitator puts on
 * screen (a statement's positions per territory, or a closed vote's merit profiles, ranked);
 * the consent round open now (its wording, objections pending and dealt with), then the vœu the
 * room has just adopted. Of these three, the newest takes the big space (./moment.ts). What changes
 * on the wall is also said in the page's one polite live region.
 *
 * Beside them, what needs no facilitator (issue 14 §4): while the room waits (before the first
 * round, between rounds) how many have joined, overall and per territory; while a vote is open how
 * many ballots it has received (a count, never whose); and the wall of published statements, newest
 * first (./counts.ts). The wall is not a fourth moment: a statement is published many times a round
 * by moderation, not put on show, and as a moment each publication would push results or a consent
 * round off the big space mid-discussion. It fills the space under the round whenever no moment
 * holds the big space, and gives way to the moments. Counts are announced in the live region once
 * they settle (./settle.ts), not at every join or ballot.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Connection } from '../protocol';
import { useStore } from '../hooks';
import { LangSwitch, plural, quoted, t, useLang } from '../i18n';
import { ConnectionIndicator } from '../ui/ConnectionIndicator';
import { Countdown } from '../ui/Countdown';
import { LiveRegion, announce } from '../ui/Live';
import { MeritProfile } from '../ui/MeritProfile';
import { Pictogram } from '../ui/Pictogram';
import { PositionBars } from '../ui/PositionBars';
import {
  currentRound,
  nextRound,
  objectionsOf,
  openConsent,
  openVote,
  DEFAULT_K,
  statementTally,
  type ConsentView,
  type RoundView,
  type SessionView,
  type StatementView,
  type VoeuView,
  type VoteView,
} from '../state';
import { ballotsReceived, joinedByTerritory, wallStatements } from './counts';
import { CountSayer } from './settle';
import { justAdopted, newestMoment, nextMoments, type MomentKind, type Moments } from './moment';

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
  const moment = useNewestMoment(conn);
  const consent = moment === 'consent' ? openConsent(view) : null;
  const results = moment === 'results' ? view.results : null;
  const voeu = moment === 'voeu' ? justAdopted(view) : null;
  const wide = Boolean(consent || results || voeu);
  const vote = view.closed ? null : openVote(view);
  const waiting = !view.closed && !vote && (!started || started.status === 'ended');
  const wall = wide ? [] : wallStatements(view);
  useAnnouncements(view, shownRound, started, moment);
  useCountAnnouncement(waiting ? plural('projector.joined.said', joinedByTerritory(view).total) : null);
  const received = vote ? ballotsReceived(view, vote.id) : null;
  useCountAnnouncement(received !== null ? plural('projector.ballots.said', received) : null);
  return (
    <div class={`mk-projector${wide ? ' mk-projector-results' : ''}`}>
      <a class="mk-skip" href="#main">{t('projector.skip')}</a>
      <header class="mk-proj-header">
        <h1>{title}</h1>
        <div class="mk-proj-tools">
          <ConnectionIndicator conn={conn} showPending={false} compact />
          <LangSwitch />
        </div>
      </header>
      <main id="main" class="mk-proj-main" tabIndex={-1}>
        <div class="mk-proj-now">
          <section class="mk-proj-round" aria-labelledby="proj-round-title">
            <h2 id="proj-round-title" class="mk-proj-round-title">
              {roundTitle(view, shownRound, started)}
            </h2>
            {shownRound && !view.closed && (
              <p class="mk-proj-prompt" data-testid="round-prompt">{shownRound.spec.prompt}</p>
            )}
            <Countdown round={view.closed ? null : shownRound} conn={conn} testId="projector-countdown" large class="mk-proj-countdown" />
          </section>
          {waiting && <JoinedCount view={view} compact={wide} />}
          {vote && <BallotCount view={view} vote={vote} compact={wide} />}
          {wall.length > 0 && <Wall statements={wall} roundOpen={!!started && started.status !== 'ended'} />}
        </div>
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
      <LiveRegion />
    </div>
  );
}

/** The moment on the big space, folded from every state the store reaches (not once per frame,
 *  so that two moments a frame apart keep their order). */
function useNewestMoment(conn: Connection): MomentKind | null {
  const moments = useRef<Moments | null>(null);
  const [moment, setMoment] = useState<MomentKind | null>(null);
  useEffect(() => {
    const fold = () => {
      moments.current = nextMoments(moments.current, conn.store.state);
      setMoment(newestMoment(moments.current));
    };
    fold();
    return conn.store.subscribe(fold);
  }, [conn]);
  return moment;
}

function roundTitle(view: SessionView, shown: RoundView | null, started: RoundView | null): string {
  if (view.closed) return t('projector.closed');
  if (!shown) return t('projector.waiting');
  return t(shown === started ? 'projector.round' : 'projector.next_round', { n: shown.number, kind: t(`round.kind.${shown.spec.kind}`) });
}

/** What the wall says, sentence by sentence; the ones that change are announced (not the first
 *  render: a screen reader reads the page when it opens). */
function useAnnouncements(view: SessionView, shown: RoundView | null, started: RoundView | null, moment: MomentKind | null): void {
  const said = useRef<string[] | null>(null);
  const facts = [roundTitle(view, shown, started), ...momentFacts(view, moment)];
  useEffect(() => {
    const before = said.current;
    said.current = facts;
    if (!before) return;
    const fresh = facts.filter((fact) => !before.includes(fact));
    if (fresh.length) announce(fresh.join(' '));
  }, [facts.join('\n')]);
}

function momentFacts(view: SessionView, moment: MomentKind | null): string[] {
  if (moment === 'results' && view.results) {
    const statement = view.results.statement ? view.statements[view.results.statement] : null;
    return view.results.statement
      ? [`${t('projector.results.statement')}${t('projector.said')}${quoted(statement?.text ?? '')}`]
      : [t('projector.results.vote')];
  }
  const consent = moment === 'consent' ? openConsent(view) : null;
  if (consent) {
    const objections = objectionsOf(view, consent.id);
    const pending = objections.filter((o) => o.resolution == null).length;
    return [
      t('projector.consent.title'),
      `${t('projector.consent.wording')}${t('projector.said')}${quoted(consent.text)}`,
      `${plural('projector.consent.pending', pending)}, ${plural('projector.consent.resolved', objections.length - pending)}.`,
    ];
  }
  const voeu = moment === 'voeu' ? justAdopted(view) : null;
  return voeu ? [`${t('projector.voeu.title')}${t('projector.said')}${quoted(voeu.text)}`] : [];
}

/** Say the count of a panel in the live region when it changes and settles (./settle.ts). */
function useCountAnnouncement(message: string | null): void {
  const sayer = useMemo(() => new CountSayer(announce), []);
  useEffect(() => sayer.update(message), [message]);
  useEffect(() => () => sayer.cancel(), [sayer]);
}

/** While the room waits: how many have joined, overall and per territory of the session (only
 *  the total when a moment holds the big space and this sits in the side column). */
function JoinedCount({ view, compact }: { view: SessionView; compact: boolean }) {
  const joined = joinedByTerritory(view);
  return (
    <section class="mk-proj-panel mk-proj-joined" aria-labelledby="proj-joined-title" data-testid="projector-joined" data-count={joined.total}>
      <h2 id="proj-joined-title" class={compact ? 'mk-sr-only' : 'mk-proj-panel-title'}>{t('projector.joined.title')}</h2>
      <p class="mk-proj-bigcount">
        <Pictogram name="users" class="mk-proj-bigicon" />
        <span>{plural('projector.joined.total', joined.total)}</span>
      </p>
      {!compact && joined.territories.length > 0 && (
        <ul class="mk-proj-territories" aria-label={t('projector.joined.territories')}>
          {joined.territories.map((territory) => (
            <li key={territory.territory} data-territory={territory.territory} data-count={territory.count}>
              <Pictogram name="pin" class="mk-proj-territory-icon" />
              <span class="mk-proj-territory-name">{territory.name}</span>
              <span class="mk-proj-territory-count">{plural('projector.joined.in', territory.count)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** While a vote is open: how many ballots it has received, never whose (no count until the
 *  tallies say it). */
function BallotCount({ view, vote, compact }: { view: SessionView; vote: VoteView; compact: boolean }) {
  const count = ballotsReceived(view, vote.id);
  return (
    <section class="mk-proj-panel mk-proj-ballots" aria-labelledby="proj-ballots-title" data-testid="projector-ballots" data-count={count ?? ''}>
      <h2 id="proj-ballots-title" class="mk-proj-panel-title">{t('projector.ballots.title')}</h2>
      {count !== null && (
        <p class="mk-proj-bigcount">
          <Pictogram name="ballot" class="mk-proj-bigicon" />
          <span>{plural('projector.ballots.count', count)}</span>
        </p>
      )}
      {!compact && <p class="mk-proj-how">{t('projector.ballots.how')}</p>}
    </section>
  );
}

/** The wall of published statements, newest first, without their authors. */
function Wall({ statements, roundOpen }: { statements: StatementView[]; roundOpen: boolean }) {
  return (
    <section class="mk-proj-wall" aria-labelledby="proj-wall-title" data-testid="projector-wall">
      <h2 id="proj-wall-title" class="mk-proj-panel-title">{t(roundOpen ? 'projector.wall.round' : 'projector.wall.title')}</h2>
      <ul class="mk-proj-cards">
        {statements.map((statement) => (
          <li key={statement.id} class="mk-proj-card" data-statement-id={statement.id} data-kind={statement.kind ?? undefined}>
            <p class="mk-proj-card-kind">
              {statement.kind && <Pictogram name={statement.kind} class="mk-proj-card-icon" />}
              <span>
                {statement.kind ? t(`kind.${statement.kind}`) : ''}
                {statement.table != null && `${statement.kind ? ' · ' : ''}${t('projector.wall.table', { n: statement.table })}`}
              </span>
            </p>
            <p class="mk-proj-card-text">{statement.text}</p>
          </li>
        ))}
      </ul>
    </section>
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
        <p class="mk-proj-statement">{quoted(statement?.text ?? '')}</p>
        <PositionBars tally={statementTally(view.tallies, results.statement)} k={view.tallies?.k_anonymity ?? DEFAULT_K} territories={view.territories} />
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

function Consent({ view, consent }: { view: SessionView; consent: ConsentView }) {
  const objections = objectionsOf(view, consent.id);
  const pending = objections.filter((o) => o.resolution == null).length;
  return (
    <section class="mk-proj-results mk-proj-consent" aria-labelledby="proj-consent-title" data-testid="projector-consent" data-consent-id={consent.id}>
      <h2 id="proj-consent-title">{t('projector.consent.title')}</h2>
      <p class="mk-proj-label">{t('projector.consent.wording')}</p>
      <p class="mk-proj-statement" data-testid="consent-wording">{quoted(consent.text)}</p>
      <ul class="mk-proj-counts" data-testid="objection-counts">
        <li data-count={pending} data-kind="pending">{plural('projector.consent.pending', pending)}</li>
        <li data-count={objections.length - pending} data-kind="resolved">{plural('projector.consent.resolved', objections.length - pending)}</li>
      </ul>
      <p class="mk-proj-how">{t('projector.consent.how')}</p>
    </section>
  );
}

function Voeu({ voeu }: { voeu: VoeuView }) {
  return (
    <section class="mk-proj-results mk-proj-voeu" aria-labelledby="proj-voeu-title" data-testid="projector-voeu" data-voeu-id={voeu.id}>
      <h2 id="proj-voeu-title">{t('projector.voeu.title')}</h2>
      <p class="mk-proj-statement">{quoted(voeu.text)}</p>
      <p class="mk-proj-label">{t('voeu.outcome')}</p>
      <p class="mk-proj-outcome">{voeu.outcome}</p>
    </section>
  );
}
