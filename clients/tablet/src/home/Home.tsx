/**
 * Home page (/): first, join a session with its code (most visitors are participants); second,
 * create a session — title, territories, agenda, table size, host policy — POST /api/sessions,
 * then show the join code and the facilitator link once.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { LangSwitch, errorText, t, useLang } from '../i18n';
import { CodeForm } from '../ui/CodeForm';
import { Explain } from '../ui/Explain';
import { LiveRegion, announce } from '../ui/Live';
import { Pictogram } from '../ui/Pictogram';
import { Required } from '../ui/Required';
import { LIMITS, checkDraft, createBody, demoDraft, type DraftProblem, type RoundDraft, type SessionDraft, type TerritoryDraft } from './defaults';

interface Created {
  id: string;
  code: string;
  facilitator_token: string;
  links: { join: string; projector: string; qr: string; ws: string; facilitator: string };
}

export function Home() {
  const language = useLang();
  useEffect(() => {
    document.title = t('home.doc_title');
  }, [language]);
  const [draft, setDraft] = useState<SessionDraft>(demoDraft);
  const [problems, setProblems] = useState<DraftProblem[]>([]);
  const [serverError, setServerError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);
  const problemsRef = useRef<HTMLDivElement>(null);

  const update = (patch: Partial<SessionDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const setTerritory = (i: number, patch: Partial<TerritoryDraft>) =>
    setDraft((d) => ({ ...d, territories: d.territories.map((x, j) => (j === i ? { ...x, ...patch } : x)) }));
  const setRound = (i: number, patch: Partial<RoundDraft>) =>
    setDraft((d) => ({ ...d, agenda: d.agenda.map((x, j) => (j === i ? { ...x, ...patch } : x)) }));
  const moveRound = (i: number, by: number) =>
    setDraft((d) => {
      const agenda = [...d.agenda];
      const j = i + by;
      if (j < 0 || j >= agenda.length) return d;
      [agenda[i], agenda[j]] = [agenda[j]!, agenda[i]!];
      return { ...d, agenda };
    });
  const focusLater = (id: string) => setTimeout(() => document.getElementById(id)?.focus(), 0);

  const submit = async (event: Event) => {
    event.preventDefault();
    const found = checkDraft(draft);
    setProblems(found);
    setServerError(null);
    if (found.length) {
      setTimeout(() => problemsRef.current?.focus(), 0);
      return;
    }
    setBusy(true);
    try {
      const response = await fetch('/api/sessions', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(createBody(draft)),
      });
      const body = await response.json().catch(() => null);
      if (!response.ok || !body?.links) {
        setServerError(body?.code ? serverSentence(body.code, body.message) : t('error.unknown'));
        setTimeout(() => problemsRef.current?.focus(), 0);
        return;
      }
      setCreated(body as Created);
      setTimeout(() => document.getElementById('created-title')?.focus(), 0);
    } catch {
      setServerError(t('error.network'));
      setTimeout(() => problemsRef.current?.focus(), 0);
    } finally {
      setBusy(false);
    }
  };

  const invalid = (field: string) => problems.some((p) => p.field === field);
  const hasErrors = problems.length > 0 || serverError !== null;

  return (
    <>
      <a class="mk-skip" href="#main">{t('home.skip')}</a>
      <header class="mk-header mk-home-header">
        <p class="mk-header-title">{t('home.app')}</p>
        <LangSwitch />
      </header>
      <main id="main" class="mk-main mk-home">
        {created ? (
          <CreatedView created={created} title={draft.title.trim()} />
        ) : (
          <>
            <h1>{t('home.h1')}</h1>
            <section class="mk-card mk-home-join" aria-labelledby="h-join">
              <h2 id="h-join">{t('home.join.title')}</h2>
              <p>{t('home.join.intro')}</p>
              <CodeForm />
            </section>
            <section class="mk-stack" aria-labelledby="h-create">
              <h2 id="h-create">{t('home.title')}</h2>
              <p>{t('home.intro')}</p>
              {/* Not a live region: the focus moves here, which reads it. */}
              <div ref={problemsRef} tabIndex={-1} class={hasErrors ? 'mk-card mk-home-problems' : 'mk-sr-only'}>
                {hasErrors && (
                  <>
                    <p class="mk-error"><Pictogram name="warning" size={20} /> {t('home.check.intro')}</p>
                    <ul>
                      {serverError && <li>{serverError}</li>}
                      {problems.map((p, i) => (
                        <li key={i}>
                          {p.field ? <a href={`#${p.field}`}>{t(p.key, p.params)}</a> : t(p.key, p.params)}
                        </li>
                      ))}
                    </ul>
                  </>
                )}
              </div>
              <form class="mk-stack" onSubmit={submit} noValidate>
                <section class="mk-card" aria-labelledby="h-general">
                  <h3 id="h-general">{t('home.general')}</h3>
                  <div class="mk-field">
                    <label for="title">
                      {t('home.field.title')}
                      <Required />
                    </label>
                    <input
                      id="title"
                      class="mk-input"
                      type="text"
                      aria-required="true"
                      maxLength={LIMITS.title}
                      value={draft.title}
                      aria-invalid={invalid('title') ? 'true' : undefined}
                      onInput={(e) => update({ title: (e.currentTarget as HTMLInputElement).value })}
                    />
                  </div>
                </section>

                <section class="mk-card" aria-labelledby="h-territories">
                  <h3 id="h-territories">{t('home.territories')}</h3>
                  <p class="mk-hint">{t('home.territories.hint')}</p>
                  <div class="mk-explain-row">
                    <Explain id="explain-qpv" wide question={t('explain.qpv.question')} text={t('explain.qpv.text')} />
                  </div>
                  <ol class="mk-home-rows">
                    {draft.territories.map((territory, i) => (
                      <li key={i} class="mk-home-row">
                        <fieldset class="mk-home-fieldset">
                          <legend>{t('home.territory.legend', { n: i + 1 })}</legend>
                          <div class="mk-home-grid">
                            <div class="mk-field">
                              <label for={`territory-name-${i}`}>
                                {t('home.territory.name')}
                                <Required />
                              </label>
                              <input
                                id={`territory-name-${i}`}
                                class="mk-input"
                                type="text"
                                aria-required="true"
                                maxLength={LIMITS.territory}
                                value={territory.name}
                                aria-invalid={invalid(`territory-name-${i}`) ? 'true' : undefined}
                                onInput={(e) => setTerritory(i, { name: (e.currentTarget as HTMLInputElement).value })}
                              />
                            </div>
                            <div class="mk-field">
                              <label for={`territory-commune-${i}`}>{t('home.territory.commune')}</label>
                              <input
                                id={`territory-commune-${i}`}
                                class="mk-input"
                                type="text"
                                maxLength={LIMITS.commune}
                                value={territory.commune}
                                onInput={(e) => setTerritory(i, { commune: (e.currentTarget as HTMLInputElement).value })}
                              />
                            </div>
                            {/* The whole card is the target (≥ 48 px), not the 24 px box alone. */}
                            <label class="mk-choice mk-choice-check mk-home-check" for={`territory-qpv-${i}`}>
                              <input
                                id={`territory-qpv-${i}`}
                                type="checkbox"
                                checked={territory.qpv}
                                onChange={(e) => setTerritory(i, { qpv: (e.currentTarget as HTMLInputElement).checked })}
                              />
                              <span class="mk-choice-text">{t('home.territory.qpv')}</span>
                            </label>
                            <ListButton
                              kind="remove"
                              label={t('home.territory.remove', { n: i + 1 })}
                              onClick={() => {
                                setDraft((d) => ({ ...d, territories: d.territories.filter((_, j) => j !== i) }));
                                focusLater('add-territory');
                              }}
                            />
                          </div>
                        </fieldset>
                      </li>
                    ))}
                  </ol>
                  <ListButton
                    kind="add"
                    id="add-territory"
                    label={t('home.territory.add')}
                    disabled={draft.territories.length >= LIMITS.territories}
                    onClick={() => {
                      const n = draft.territories.length;
                      update({ territories: [...draft.territories, { name: '', commune: '', qpv: false }] });
                      focusLater(`territory-name-${n}`);
                    }}
                  />
                  {draft.territories.length >= LIMITS.territories && (
                    <p class="mk-hint">{t('home.check.too_many_territories', { max: LIMITS.territories })}</p>
                  )}
                </section>

                <section class="mk-card" aria-labelledby="h-agenda">
                  <h3 id="h-agenda">{t('home.agenda')}</h3>
                  <p class="mk-hint">{t('home.agenda.hint')}</p>
                  <ol class="mk-home-rows">
                    {draft.agenda.map((round, i) => (
                      <li key={i} class="mk-home-row">
                        <fieldset class="mk-home-fieldset">
                          <legend>{t('home.round.legend', { n: i + 1 })}</legend>
                          <div class="mk-home-grid mk-home-grid-round">
                            <div class="mk-field">
                              <label for={`round-kind-${i}`}>{t('home.round.kind')}</label>
                              <select
                                id={`round-kind-${i}`}
                                class="mk-input"
                                value={round.kind}
                                onChange={(e) => setRound(i, { kind: (e.currentTarget as HTMLSelectElement).value as RoundDraft['kind'] })}
                              >
                                <option value="table">{t('home.round.kind.table')}</option>
                                <option value="plenary">{t('home.round.kind.plenary')}</option>
                                <option value="vote">{t('home.round.kind.vote')}</option>
                              </select>
                            </div>
                            <div class="mk-field mk-home-prompt">
                              <label for={`round-prompt-${i}`}>
                                {t('home.round.prompt')}
                                <Required />
                              </label>
                              <input
                                id={`round-prompt-${i}`}
                                class="mk-input"
                                type="text"
                                aria-required="true"
                                maxLength={LIMITS.prompt}
                                value={round.prompt}
                                aria-invalid={invalid(`round-prompt-${i}`) ? 'true' : undefined}
                                onInput={(e) => setRound(i, { prompt: (e.currentTarget as HTMLInputElement).value })}
                              />
                            </div>
                            <div class="mk-field">
                              <label for={`round-minutes-${i}`}>
                                {t('home.round.minutes')}
                                <Required />
                              </label>
                              <input
                                id={`round-minutes-${i}`}
                                class="mk-input"
                                type="number"
                                aria-required="true"
                                inputMode="numeric"
                                min={LIMITS.minMinutes}
                                max={LIMITS.maxMinutes}
                                step={1}
                                value={Number.isFinite(round.minutes) ? round.minutes : ''}
                                aria-invalid={invalid(`round-minutes-${i}`) ? 'true' : undefined}
                                onInput={(e) => setRound(i, { minutes: Number((e.currentTarget as HTMLInputElement).value) })}
                              />
                            </div>
                          </div>
                          <div class="mk-row">
                            <button type="button" class="mk-btn mk-btn-secondary mk-btn-small" disabled={i === 0} onClick={() => { moveRound(i, -1); focusLater(`round-up-${i - 1}`); }} id={`round-up-${i}`}>
                              {t('home.round.up', { n: i + 1 })}
                            </button>
                            <button type="button" class="mk-btn mk-btn-secondary mk-btn-small" disabled={i === draft.agenda.length - 1} onClick={() => { moveRound(i, 1); focusLater(`round-down-${i + 1}`); }} id={`round-down-${i}`}>
                              {t('home.round.down', { n: i + 1 })}
                            </button>
                            <ListButton
                              kind="remove"
                              label={t('home.round.remove', { n: i + 1 })}
                              onClick={() => {
                                setDraft((d) => ({ ...d, agenda: d.agenda.filter((_, j) => j !== i) }));
                                focusLater('add-round');
                              }}
                            />
                          </div>
                        </fieldset>
                      </li>
                    ))}
                  </ol>
                  <ListButton
                    kind="add"
                    id="add-round"
                    label={t('home.round.add')}
                    disabled={draft.agenda.length >= LIMITS.rounds}
                    onClick={() => {
                      const n = draft.agenda.length;
                      update({ agenda: [...draft.agenda, { kind: 'table', prompt: '', minutes: 20 }] });
                      focusLater(`round-prompt-${n}`);
                    }}
                  />
                </section>

                <section class="mk-card" aria-labelledby="h-tables">
                  <h3 id="h-tables">{t('home.tables')}</h3>
                  <div class="mk-field">
                    <label for="table-size">
                      {t('home.table_size')}
                      <Required />
                    </label>
                    <input
                      id="table-size"
                      class="mk-input mk-home-narrow"
                      type="number"
                      aria-required="true"
                      inputMode="numeric"
                      min={LIMITS.minTable}
                      max={LIMITS.maxTable}
                      step={1}
                      value={Number.isFinite(draft.tableSize) ? draft.tableSize : ''}
                      aria-invalid={invalid('table-size') ? 'true' : undefined}
                      aria-describedby="table-size-hint"
                      onInput={(e) => update({ tableSize: Number((e.currentTarget as HTMLInputElement).value) })}
                    />
                    <p id="table-size-hint" class="mk-hint">{t('home.table_size.hint', { min: LIMITS.minTable, max: LIMITS.maxTable })}</p>
                  </div>
                  <fieldset class="mk-home-fieldset">
                    <legend>{t('home.host_policy')}</legend>
                    <div class="mk-choices">
                      {(['rotate', 'stay'] as const).map((policy) => (
                        <label key={policy} class="mk-choice">
                          <input
                            type="radio"
                            name="host-policy"
                            value={policy}
                            checked={draft.hostPolicy === policy}
                            onChange={() => update({ hostPolicy: policy })}
                          />
                          <span class="mk-choice-text">
                            <span>{t(`home.host_policy.${policy}`)}</span>
                            <span class="mk-choice-sub">{t(`home.host_policy.${policy}.hint`)}</span>
                          </span>
                        </label>
                      ))}
                    </div>
                  </fieldset>
                </section>

                <div class="mk-row">
                  <button type="submit" class="mk-btn mk-btn-primary" disabled={busy}>
                    <Pictogram name="send" size={20} /> {busy ? t('home.creating') : t('home.create')}
                  </button>
                  <button type="button" class="mk-btn mk-btn-ghost" onClick={() => { setDraft(demoDraft()); setProblems([]); setServerError(null); }}>
                    {t('home.reset')}
                  </button>
                </div>
              </form>
            </section>
          </>
        )}
      </main>
      <LiveRegion />
    </>
  );
}

/** The sentence for a server error: the catalogue's when it has one, else the server's message. */
/** Add a territory or a round (after the list), or remove one (in its fieldset). */
function ListButton(props: { kind: 'add' | 'remove'; label: string; onClick: () => void; id?: string; disabled?: boolean }) {
  const add = props.kind === 'add';
  return (
    <button
      id={props.id}
      type="button"
      class={add ? 'mk-btn mk-btn-secondary' : 'mk-btn mk-btn-danger mk-btn-small'}
      disabled={props.disabled}
      onClick={props.onClick}
    >
      <Pictogram name={add ? 'plus' : 'minus'} size={20} /> {props.label}
    </button>
  );
}

function serverSentence(code: string, message?: string): string {
  return errorText(code, message);
}

function CreatedView({ created, title }: { created: Created; title: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.links.facilitator);
      setCopied(true);
      announce(t('home.created.copied'));
    } catch {
      const input = document.getElementById('facilitator-link') as HTMLInputElement | null;
      input?.select();
      setCopied(false);
    }
  };
  return (
    <div class="mk-stack">
      <h1 id="created-title" tabIndex={-1}>{t('home.created.title')}</h1>
      <p>{t('home.created.intro', { title })}</p>
      <section class="mk-card" aria-labelledby="h-code">
        <h2 id="h-code">{t('home.created.code')}</h2>
        <p class="mk-home-code">
          {/* Seen as one word, heard letter by letter. */}
          <span data-testid="join-code" aria-hidden="true">{created.code}</span>
          <span class="mk-sr-only">{created.code.split('').join(' ')}</span>
        </p>
        <p>{t('home.created.join')} <a href={created.links.join}>{created.links.join}</a></p>
      </section>
      <section class="mk-card mk-home-secret" aria-labelledby="h-link">
        <h2 id="h-link">{t('home.created.link')}</h2>
        <p class="mk-banner" role="note">
          <Pictogram name="warning" size={22} /> <span>{t('home.created.warning')}</span>
        </p>
        <div class="mk-field">
          <label for="facilitator-link">{t('home.created.link_label')}</label>
          <input id="facilitator-link" class="mk-input" type="text" readOnly value={created.links.facilitator} onFocus={(e) => (e.currentTarget as HTMLInputElement).select()} />
        </div>
        <div class="mk-row">
          <button type="button" class="mk-btn mk-btn-secondary" onClick={copy}>
            {t('home.created.copy')}
          </button>
          <button type="button" class="mk-btn mk-btn-primary" onClick={() => location.assign(created.links.facilitator)}>
            <Pictogram name="arrow" size={20} /> {t('home.created.open')}
          </button>
        </div>
        {copied && <p class="mk-ok">{t('home.created.copied')}</p>}
      </section>
      <section class="mk-card" aria-labelledby="h-projector">
        <h2 id="h-projector">{t('home.created.projector')}</h2>
        <p>{t('home.created.projector_hint')} <a href={created.links.projector} target="_blank" rel="noopener">{created.links.projector}</a></p>
      </section>
    </div>
  );
}
