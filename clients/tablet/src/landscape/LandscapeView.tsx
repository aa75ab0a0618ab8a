/**
 * The residents' opinion landscape, as Pol.is shows it (`GET /api/sessions/{id}/paysage`):
 * who took part, the opinion groups (« Groupe A — 12 personnes ») each with the statements that
 * set it apart (« 91 % d’accord ; les autres : 22 % » and a bar drawing the same two figures),
 * then the consensus lists (« Large accord », « Large désaccord »), for the whole forum or one
 * territory (a labelled <select>), and the seq it reflects (« à jour au n° 1840 »).
 *
 * Fresh without flicker: a new landscape is asked for when `tallySeq` moves (ratings came in),
 * at most once every 3 s (./throttle.ts); meanwhile the last one stays on screen, the region
 * marked aria-busy. A change of territory is asked for at once. Only what a reader needs to hear
 * is said, politely, through the page's live region (./format.ts `updateMessage`); the focus
 * never moves. A refusal or a network failure shows a sentence above the last landscape.
 *
 * The page's language is followed (`useLang`), as every component of the client does.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { t, useLang } from '../i18n';
import { announce } from '../ui/Live';
import { Pictogram } from '../ui/Pictogram';
import { fetchLandscape, type GroupStatement, type Landscape, type LandscapeAuth, type LandscapeGroup, type Stance } from './api';
import { consensusLine, failureLine, groupTitle, participantsLine, percent, seqLine, stanceLine, statementText, updateMessage, votersLine } from './format';
import { Throttle } from './throttle';
import './landscape.css';

export interface LandscapeViewProps {
  sessionId: string;
  /** a token of the session (the participant's) or its join code */
  auth: LandscapeAuth;
  /** the session's territories, in the order to offer them */
  territories: readonly { id: string; name: string }[];
  /** the seq of the last `tallies` frame: when it moves, ratings came in */
  tallySeq: number;
}

type Failure = { code: string; text: string };

export function LandscapeView(props: LandscapeViewProps) {
  useLang();
  const { territories } = props;
  const { territory, choose, retry, shown, busy, failure } = useLandscape(props);
  return (
    <section class="mk-card mk-landscape" aria-labelledby="landscape-title" data-testid="landscape">
      <h2 id="landscape-title">
        <Pictogram name="users" /> {t('landscape.title')}
      </h2>
      <p class="mk-hint">{t('landscape.intro')}</p>
      <div class="mk-field">
        <label for="landscape-scope">{t('landscape.scope')}</label>
        <select id="landscape-scope" class="mk-input" value={territory} onChange={(e) => choose((e.target as HTMLSelectElement).value)}>
          <option value="">{t('landscape.scope_all')}</option>
          {territories.map((ter) => (
            <option key={ter.id} value={ter.id}>
              {ter.name}
            </option>
          ))}
        </select>
      </div>
      {failure && <Failed failure={failure} kept={shown !== null} onRetry={retry} />}
      <div class="mk-landscape-body" aria-busy={busy ? 'true' : 'false'} data-testid="landscape-body">
        {shown ? <Shown landscape={shown} scope={scopeName(territories, shown.territory)} /> : !failure && <p class="mk-muted">{t('landscape.loading')}</p>}
      </div>
    </section>
  );
}

/**
 * The landscape of the territory chosen ('' for everyone): the last one received, whether a
 * request is in flight, and why the last one failed. A load reads the props of the latest render
 * (`latest`), and drops its answer when the reader chose another territory meanwhile (that one
 * is asked for next); nothing happens once the view is gone.
 */
function useLandscape({ sessionId, auth, territories, tallySeq }: LandscapeViewProps) {
  const [territory, setTerritory] = useState('');
  const [shown, setShown] = useState<Landscape | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const latest = useRef({ territory, shown, auth, territories, failure, gone: false });
  Object.assign(latest.current, { territory, shown, auth, territories, failure });

  const throttle = useMemo(() => {
    const load = async () => {
      const asked = latest.current.territory;
      setBusy(true);
      const result = await fetchLandscape(sessionId, latest.current.auth, asked || undefined);
      if (latest.current.gone) return;
      setBusy(false);
      if (asked !== latest.current.territory) return;
      if (result.ok) received(result.landscape);
      else refused(result);
    };
    const received = (landscape: Landscape) => {
      const now = latest.current;
      const said = updateMessage(now.shown, landscape, scopeName(now.territories, landscape.territory));
      if (said) announce(said);
      setFailure(null);
      setShown(landscape);
    };
    const refused = ({ code, text, retryAfter }: Failure & { retryAfter?: number }) => {
      if (retryAfter) throttle.holdOff(retryAfter * 1000);
      // Said once: the same refusal again at the next ratings is not news.
      if (latest.current.failure?.text !== text) announce(failureLine(text, latest.current.shown !== null));
      setFailure({ code, text });
    };
    const throttle = new Throttle(load);
    return throttle;
  }, [sessionId]);
  useEffect(
    () => () => {
      latest.current.gone = true;
      throttle.dispose();
    },
    [throttle],
  );
  useEffect(() => throttle.request(), [throttle, tallySeq]);

  function choose(next: string) {
    setTerritory(next);
    latest.current.territory = next; // read by a load that starts before the next render
    throttle.urgent();
  }
  return { territory, choose, retry: () => throttle.urgent(), shown, busy, failure };
}

function scopeName(territories: readonly { id: string; name: string }[], id: string | null): string {
  if (id === null) return t('landscape.scope_all');
  return territories.find((ter) => ter.id === id)?.name ?? id;
}

function Failed({ failure, kept, onRetry }: { failure: Failure; kept: boolean; onRetry: () => void }) {
  return (
    <div class="mk-banner mk-landscape-failed" data-testid="landscape-error" data-code={failure.code}>
      <p>
        <Pictogram name="warning" /> {failureLine(failure.text, kept)}
      </p>
      <button type="button" class="mk-btn mk-btn-small" onClick={onRetry}>
        {t('landscape.retry')}
      </button>
    </div>
  );
}

function Shown({ landscape, scope }: { landscape: Landscape; scope: string }) {
  return (
    <>
      <p class="mk-landscape-summary">
        <strong>{scope}</strong> · {participantsLine(landscape.participants)}{' '}
        <span class="mk-muted" data-testid="landscape-seq">
          ({seqLine(landscape.seq)})
        </span>
      </p>
      {landscape.groups.length === 0 ? (
        <p class="mk-muted" data-testid="landscape-no-groups">
          <Pictogram name="info" size={20} /> {t('landscape.no_groups')}
        </p>
      ) : (
        <>
          <p class="mk-hint">{t('landscape.k_hint', { k: landscape.k })}</p>
          <div class="mk-landscape-groups">
            {landscape.groups.map((group) => (
              <Group key={group.id} group={group} landscape={landscape} />
            ))}
          </div>
        </>
      )}
      <div class="mk-landscape-consensus">
        <Consensus landscape={landscape} direction="agree" />
        <Consensus landscape={landscape} direction="disagree" />
      </div>
    </>
  );
}

function Group({ group, landscape }: { group: LandscapeGroup; landscape: Landscape }) {
  const titleId = `landscape-group-${group.id}`;
  return (
    <section class="mk-landscape-group" aria-labelledby={titleId} data-group={group.id}>
      <h3 id={titleId}>{groupTitle(group, landscape.k)}</h3>
      {group.representative.length === 0 ? (
        <p class="mk-muted">{t('landscape.group_nothing')}</p>
      ) : (
        <>
          <p class="mk-hint">{t('landscape.group_sets_apart')}</p>
          <ul class="mk-landscape-list">
            {group.representative.map((entry) => (
              <Representative key={entry.statement} entry={entry} text={statementText(landscape, entry.statement)} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** One statement that sets a group apart: its text, the figures in words, and the same two
 *  figures drawn (hidden from assistive technologies: the words already say them). */
function Representative({ entry, text }: { entry: GroupStatement; text: string }) {
  return (
    <li class="mk-landscape-entry" data-statement={entry.statement} data-stance={entry.stance}>
      <p class="mk-landscape-text">{text}</p>
      <p class="mk-landscape-figures">
        <Pictogram name={entry.stance === 'agree' ? 'check' : 'cross'} size={18} />
        <span>
          <strong>{stanceLine(entry)}</strong> <span class="mk-muted">({t('landscape.group_voters', { voters: votersLine(entry.voters) })})</span>
        </span>
      </p>
      <div class="mk-landscape-bars" aria-hidden="true">
        <ShareBar label={t('landscape.bar.group')} share={entry.share} stance={entry.stance} />
        <ShareBar label={t('landscape.bar.rest')} share={entry.rest_share} stance={entry.stance} rest />
      </div>
    </li>
  );
}

function ShareBar({ label, share, stance, rest }: { label: string; share: number; stance: Stance; rest?: boolean }) {
  return (
    <div class={`mk-landscape-bar${rest ? ' mk-landscape-bar-rest' : ''}`} data-stance={stance}>
      <span class="mk-landscape-bar-label">{label}</span>
      <span class="mk-landscape-bar-track">
        <span class="mk-landscape-bar-fill" style={{ width: percentWidth(share) }} />
      </span>
      <span class="mk-landscape-bar-pct">{percent(share)}</span>
    </div>
  );
}

function percentWidth(share: number): string {
  return `${Math.round(100 * Math.min(1, Math.max(0, share)))}%`;
}

function Consensus({ landscape, direction }: { landscape: Landscape; direction: Stance }) {
  const entries = landscape.consensus[direction];
  const titleId = `landscape-consensus-${direction}`;
  return (
    <section class="mk-landscape-consensus-list" aria-labelledby={titleId} data-consensus={direction}>
      <h3 id={titleId}>
        <Pictogram name={direction === 'agree' ? 'check' : 'cross'} /> {t(`landscape.consensus.${direction}`)}
      </h3>
      {entries.length === 0 ? (
        <p class="mk-muted">{t('landscape.consensus_none')}</p>
      ) : (
        <ul class="mk-landscape-list">
          {entries.map((entry) => (
            <li key={entry.statement} class="mk-landscape-entry" data-statement={entry.statement}>
              <p class="mk-landscape-text">{statementText(landscape, entry.statement)}</p>
              <p class="mk-landscape-figures">{consensusLine(entry, direction)}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
