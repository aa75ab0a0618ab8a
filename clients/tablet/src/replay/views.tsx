/** What the replay shows of the session at the current point. */
import { plural, quoted, t } from '../i18n';
import { MeritProfile } from '../ui/MeritProfile';
import { Pictogram } from '../ui/Pictogram';
import { PositionBars } from '../ui/PositionBars';
import { ProvenanceLine } from '../ui/Provenance';
import {
  currentRound,
  idNumber,
  objectionsOf,
  pendingObjections,
  presentParticipants,
  statementTally,
  voeuOf,
  voeuxInOrder,
  voteTally,
  type SessionView,
  type StatementTally,
  type StatementView,
  type Tallies,
} from '../state';
import type { Extras } from './timeline';
import { AGREE_THRESHOLD, K, SHARED_MIN, statementScopes, type Counts, type StatementScope } from './opinions';
import { number, percent } from './format';

type ByStatement = Map<string, Record<string, Counts>>;

/** A count in words, its figure written the page's way (« 1 234 personnes »). */
function count(key: string, n: number): string {
  return plural(key, n, { n: number(n) });
}

/** What the replay writes for a statement: its text, but « énoncé masqué » for one the
 *  facilitator hid (at any point of the log: the room never saw it), never its id. */
export function statementWords(st: StatementView | undefined, masked: ReadonlySet<string>): string {
  if (!st) return t('replay.statement.no_text');
  if (st.status === 'hidden' || masked.has(st.id)) return t('replay.statement.masked');
  return st.text ?? t('replay.statement.no_text');
}

function who(state: SessionView, participant: string): string {
  return state.participants[participant]?.pseudonym ?? t('replay.someone');
}

export function NowCard({ state, seq }: { state: SessionView; seq: number }) {
  const round = currentRound(state);
  const present = presentParticipants(state);
  const seated = present.filter((p) => p.table != null).length;
  const published = Object.values(state.statements).filter((s) => s.status === 'published').length;
  return (
    <section class="mk-card" aria-labelledby="now-title" data-testid="replay-now">
      <h2 id="now-title">
        <Pictogram name="hourglass" /> {round ? t('replay.now.round', { n: round.number, total: state.rounds.length, kind: t(`round.kind.${round.spec.kind}`) }) : t('replay.round.before')}
        {round && <span class={`mk-chip mk-replay-status-${round.status}`}>{t(`round.status.${round.status}`)}</span>}
        {state.closed && <span class="mk-chip">{t('replay.now.closed')}</span>}
      </h2>
      {round && <p class="mk-replay-prompt" data-testid="replay-prompt">{quoted(round.spec.prompt)}</p>}
      <ul class="mk-replay-stats">
        <li data-testid="stat-participants" data-count={present.length}>
          <strong>{number(present.length)}</strong> {plural('replay.now.participants', present.length)}
        </li>
        <li data-testid="stat-tables" data-count={Object.keys(state.tables).length}>
          <strong>{number(Object.keys(state.tables).length)}</strong>{' '}
          {plural('replay.now.tables', Object.keys(state.tables).length, { seated: count('replay.now.seated', seated) })}
        </li>
        <li data-testid="stat-statements" data-count={published}>
          <strong>{number(published)}</strong> {plural('replay.now.statements', published)}
        </li>
        <li data-testid="stat-positions" data-count={Object.keys(state.positions).length}>
          <strong>{number(Object.keys(state.positions).length)}</strong> {plural('replay.now.positions', Object.keys(state.positions).length)}
        </li>
      </ul>
      {seq === 0 && <p class="mk-muted">{t('replay.now.start')}</p>}
    </section>
  );
}

export function Tables({ state }: { state: SessionView }) {
  const tables = Object.values(state.tables).sort((a, b) => a.table - b.table);
  const round = currentRound(state);
  const waiting = presentParticipants(state).filter((p) => p.table == null);
  return (
    <section class="mk-card" aria-labelledby="tables-title" data-testid="replay-tables" data-count={tables.length}>
      <h2 id="tables-title">
        <Pictogram name="table" /> {t('replay.tables.title')}
      </h2>
      {!tables.length ? (
        <p class="mk-muted">{count('replay.tables.none', waiting.length)}</p>
      ) : (
        <>
          <p class="mk-hint">{t('replay.tables.hint')}</p>
          <ul class="mk-replay-tables">
            {tables.map((table) => {
              const host = round && round.status !== 'ended' && round.hosts[String(table.table)] ? round.hosts[String(table.table)] : table.host;
              return (
                <li key={table.table} class="mk-replay-table" data-table={table.table}>
                  <h3>{t('table.number', { n: table.table })}</h3>
                  <ul>
                    {table.members.map((m) => {
                      const p = state.participants[m];
                      const territory = p ? state.territories[p.territory] : undefined;
                      return (
                        <li key={m} data-participant={m} data-host={m === host ? 'true' : undefined}>
                          <span class="mk-replay-who">{who(state, m)}</span>
                          {m === host && (
                            <span class="mk-chip mk-chip-host">
                              <Pictogram name="star" size={14} /> {t('host.badge')}
                            </span>
                          )}
                          <span class="mk-replay-where">
                            {territory?.name ?? p?.territory ?? ''}
                            {territory?.qpv && (
                              <abbr class="mk-qpv" title={t('territory.qpv_long')}>{t('territory.qpv')}</abbr>
                            )}
                          </span>
                        </li>
                      );
                    })}
                  </ul>
                </li>
              );
            })}
          </ul>
          {waiting.length > 0 && <p class="mk-muted">{count('replay.tables.waiting', waiting.length)}</p>}
        </>
      )}
    </section>
  );
}

/** « 12 avis · 58 % d’accord » for the whole room, or that fewer than k gave one (k rule). */
function viewsSummary(tally: StatementTally | null, k: number): string {
  if (!tally || !tally.overall.voters) return tally ? t('results.too_few', { k }) : t('results.no_positions');
  const n = tally.overall.voters;
  const agree = ((tally.overall.counts?.[3] ?? 0) + (tally.overall.counts?.[4] ?? 0)) / n;
  return plural('replay.statements.views', n, { n: number(n), agree: percent(agree) });
}

function StatementMeta({ st, state, masked }: { st: StatementView; state: SessionView; masked: ReadonlySet<string> }) {
  return (
    <p class="mk-replay-meta">
      {st.kind && (
        <span class={`mk-kind mk-kind-${st.kind}`}>
          <Pictogram name={st.kind} size={16} /> {t(`kind.${st.kind}`)}
        </span>
      )}
      <span class="mk-muted">
        {' '}
        · {t('round.number', { n: st.round })}
        {st.table != null && <> · {t('table.number', { n: st.table })}</>}
      </span>{' '}
      <span class={`mk-chip mk-replay-st-${st.status}`}>
        {st.status === 'merged' && st.merged_into
          ? t('replay.statement.merged_into', { text: short(statementWords(state.statements[st.merged_into], masked)) })
          : t(`replay.statement.${st.status}`)}
      </span>
    </p>
  );
}

function short(text: string): string {
  return text.length > 48 ? `${text.slice(0, 46)}…` : text;
}

export function Statements(props: { state: SessionView; tallies: Tallies; extras: Extras; masked: ReadonlySet<string> }) {
  const { state, tallies, extras, masked } = props;
  const list = Object.values(state.statements).sort((a, b) => idNumber(b.id) - idNumber(a.id));
  const focus = extras.lastStatement ? state.statements[extras.lastStatement] : undefined;
  const by = (status: string) => list.filter((s) => s.status === status).length;
  return (
    <section class="mk-card" aria-labelledby="statements-title" data-testid="replay-statements" data-count={list.length}>
      <h2 id="statements-title">
        <Pictogram name="note" /> {t('replay.statements.title')}
      </h2>
      {!list.length ? (
        <p class="mk-muted">{t('replay.statements.none')}</p>
      ) : (
        <>
          <p class="mk-hint">
            {t('replay.statements.summary', {
              published: count('replay.statements.published', by('published')),
              hidden: count('replay.statements.hidden', by('hidden')),
              merged: count('replay.statements.merged', by('merged')),
              proposed: count('replay.statements.proposed', by('proposed')),
            })}
          </p>
          {focus && (
            <div class="mk-replay-focus" data-testid="replay-focus" data-statement-id={focus.id}>
              <h3>{t('replay.statements.focus')}</h3>
              <p class="mk-replay-text">{quoted(statementWords(focus, masked))}</p>
              <PositionBars tally={statementTally(tallies, focus.id)} k={tallies.k_anonymity} territories={state.territories} />
            </div>
          )}
          <ol class="mk-list mk-replay-statements" reversed>
            {list.map((st) => {
              const tally = statementTally(tallies, st.id);
              return (
                <li key={st.id} data-statement-id={st.id} data-status={st.status} class={`mk-replay-statement mk-replay-statement-${st.status}`}>
                  <p class="mk-replay-text" data-testid="replay-statement-text">{statementWords(st, masked)}</p>
                  <StatementMeta st={st} state={state} masked={masked} />
                  <ProvenanceLine st={st} />
                  {st.status === 'published' && (
                    <details>
                      <summary>{viewsSummary(tally, tallies.k_anonymity)}</summary>
                      <PositionBars tally={tally} k={tallies.k_anonymity} territories={state.territories} />
                    </details>
                  )}
                </li>
              );
            })}
          </ol>
        </>
      )}
    </section>
  );
}

export function Syntheses({ state }: { state: SessionView }) {
  const all = Object.values(state.syntheses).sort((a, b) => b.round - a.round || a.table - b.table);
  const rounds = [...new Set(all.map((s) => s.round))];
  const current = currentRound(state)?.number;
  return (
    <section class="mk-card" aria-labelledby="syntheses-title" data-testid="replay-syntheses" data-count={all.length}>
      <h2 id="syntheses-title">
        <Pictogram name="pencil" /> {t('replay.syntheses.title')}
      </h2>
      {!all.length && <p class="mk-muted">{t('replay.syntheses.none')}</p>}
      {rounds.map((r) => {
        const here = all.filter((s) => s.round === r);
        return (
          <details key={r} open={r === current}>
            <summary>{t('replay.syntheses.round', { n: r, count: count('replay.syntheses.count', here.length) })}</summary>
            <ul class="mk-list">
              {here.map((s) => (
                <li key={`${s.round}|${s.table}`}>
                  <p class="mk-replay-meta">
                    <strong>{t('table.number', { n: s.table })}</strong>
                    <span class="mk-muted"> · {t('replay.syntheses.by', { host: who(state, s.host) })}</span>
                  </p>
                  <p class="mk-replay-synthesis">{s.text}</p>
                </li>
              ))}
            </ul>
          </details>
        );
      })}
    </section>
  );
}

/** The proposals, the votes and the consent rounds. A closed vote's merit profiles are shown
 *  here until the end of the log; there (`ranked`), the final opinions show them, so here it
 *  only points to them. */
export function Votes({ state, ranked = false }: { state: SessionView; ranked?: boolean }) {
  const votes = Object.values(state.votes).sort((a, b) => idNumber(a.id) - idNumber(b.id));
  const proposals = Object.values(state.proposals).sort((a, b) => idNumber(a.id) - idNumber(b.id));
  if (!votes.length && !proposals.length) return null;
  return (
    <section class="mk-card" aria-labelledby="votes-title" data-testid="replay-votes">
      <h2 id="votes-title">
        <Pictogram name="ballot" /> {t('replay.votes.title')}
      </h2>
      {!votes.length && (
        <>
          <p>{count('replay.votes.proposals', proposals.length)}</p>
          <ul>
            {proposals.map((p) => (
              <li key={p.id}>{p.text}</li>
            ))}
          </ul>
        </>
      )}
      {votes.map((v) => (
        <div key={v.id} class="mk-replay-vote" data-vote-id={v.id} data-open={String(v.open)}>
          <h3>
            {t('replay.votes.vote', { n: idNumber(v.id) })} · {v.open ? t('replay.votes.open') : t('replay.votes.closed')}
          </h3>
          <p class="mk-muted">{t('replay.votes.ballots', {
              ballots: count('replay.votes.ballot_count', Object.keys(v.ballots).length),
              proposals: count('replay.votes.proposal_count', v.proposals.length),
            })}</p>
          {v.open ? (
            <ul>
              {v.proposals.map((p) => (
                <li key={p}>{state.proposals[p]?.text ?? p}</li>
              ))}
            </ul>
          ) : ranked ? (
            <p class="mk-hint" data-testid="replay-vote-ranked">
              <a href="#final-title">{t('replay.votes.see_final')}</a>
            </p>
          ) : (
            <MeritProfile profiles={voteTally(state, v)} proposals={state.proposals} order={v.proposals} />
          )}
        </div>
      ))}
      <Consents state={state} />
    </section>
  );
}

/** The consent rounds (state.ts's), in the order opened: the wording, its status, the objections. */
function Consents({ state }: { state: SessionView }) {
  const rounds = Object.values(state.consents).sort((a, b) => idNumber(a.id) - idNumber(b.id));
  if (!rounds.length) return null;
  return (
    <div data-testid="replay-consents" data-count={rounds.length}>
      <h3>{t('replay.consents.title')}</h3>
      <ul class="mk-list">
        {rounds.map((c) => {
          const objections = objectionsOf(state, c.id);
          const pending = pendingObjections(state, c.id).length;
          const voeu = c.status === 'adopted' ? voeuOf(state, c.proposal) : null;
          return (
            <li key={c.id} data-consent-id={c.id} data-status={c.status}>
              <p class="mk-replay-text">{quoted(c.text)}</p>
              <p class="mk-replay-meta">
                <span class={`mk-chip mk-replay-consent-${c.status}`}>{t(`replay.consents.${c.status}`)}</span>{' '}
                <span class="mk-muted">
                  {t('replay.consents.objections', { objections: count('replay.consents.objection_count', objections.length), pending: count('replay.consents.pending', pending) })}
                  {voeu && <> · {voeu.outcome}</>}
                </span>
              </p>
              {objections.length > 0 && (
                <ul>
                  {objections.map((o) => (
                    <li key={o.id} data-objection-id={o.id} data-resolution={o.resolution ?? 'pending'}>
                      {o.text} <span class="mk-muted">({t(`replay.objection.${o.resolution ?? 'pending'}`)})</span>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

export function FinalOpinions(props: { state: SessionView; counts: ByStatement; tallies: Tallies; masked: ReadonlySet<string> }) {
  const { state, counts, tallies, masked } = props;
  const scopes = statementScopes(state, counts);
  const closed = Object.values(state.votes).filter((v) => !v.open).sort((a, b) => idNumber(a.id) - idNumber(b.id));
  const voeux = voeuxInOrder(state);
  const shared = scopes.filter((s) => s.scope === 'shared');
  const local = scopes.filter((s) => s.scope === 'local');
  const notAgreed = scopes.length - shared.length - local.length;
  return (
    <section class="mk-card mk-replay-final" aria-labelledby="final-title" data-testid="final-opinions">
      <h2 id="final-title">
        <Pictogram name="chart" /> {t('replay.final.title')}
      </h2>

      <h3>{t('replay.final.ranking')}</h3>
      {closed.length ? (
        closed.map((v) => (
          <div key={v.id} data-testid="final-ranking" data-vote-id={v.id}>
            {closed.length > 1 && <p class="mk-muted">{t('replay.votes.vote', { n: idNumber(v.id) })}</p>}
            <MeritProfile profiles={voteTally(state, v)} proposals={state.proposals} order={v.proposals} />
          </div>
        ))
      ) : (
        <p class="mk-muted">{t('replay.final.no_vote')}</p>
      )}

      {voeux.length > 0 && (
        <>
          <h3>{t('replay.final.voeux')}</h3>
          <ol class="mk-list" data-testid="final-voeux">
            {voeux.map((v) => (
              <li key={v.id}>
                <p class="mk-replay-text">{v.text}</p>
                <p class="mk-muted">{v.outcome}</p>
              </li>
            ))}
          </ol>
        </>
      )}

      <h3>{t('replay.final.scopes')}</h3>
      <p class="mk-hint">{t('replay.final.rule', { pct: Math.round(AGREE_THRESHOLD * 100), min: SHARED_MIN, k: K })}</p>
      <div class="mk-replay-scopes">
        <ScopeList title={t('replay.final.shared', { n: shared.length })} list={shared} state={state} masked={masked} testId="final-shared" />
        <ScopeList title={t('replay.final.local', { n: local.length })} list={local} state={state} masked={masked} testId="final-local" />
      </div>
      {notAgreed > 0 && <p class="mk-muted">{count('replay.final.not_agreed', notAgreed)}</p>}

      <h3>{t('replay.final.statements')}</h3>
      <ol class="mk-list">
        {scopes.map((s) => {
          const st = state.statements[s.statement]!;
          return (
            <li key={s.statement} data-statement-id={s.statement} data-scope={s.scope}>
              <p class="mk-replay-text">{statementWords(st, masked)}</p>
              <p class="mk-replay-meta">
                <span class={`mk-chip mk-replay-scope-${s.scope}`}>{t(`replay.scope.${s.scope}`)}</span>{' '}
                <span class="mk-muted">{viewsSummary(statementTally(tallies, s.statement), tallies.k_anonymity)}</span>
              </p>
              <details>
                <summary>{t('replay.final.by_territory')}</summary>
                <PositionBars tally={statementTally(tallies, s.statement)} k={tallies.k_anonymity} territories={state.territories} />
              </details>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function ScopeList(props: { title: string; list: StatementScope[]; state: SessionView; masked: ReadonlySet<string>; testId: string }) {
  const { title, list, state, masked, testId } = props;
  return (
    <div data-testid={testId} data-count={list.length}>
      <h4>{title}</h4>
      {list.length ? (
        <ul class="mk-replay-scope-list">
          {list.map((s) => (
            <li key={s.statement}>
              {statementWords(state.statements[s.statement], masked)}{' '}
              <span class="mk-muted">
                ({s.agreedIn.map((id) => state.territories[id]?.name ?? id).join(', ')})
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p class="mk-muted">{t('replay.final.none')}</p>
      )}
    </div>
  );
}
