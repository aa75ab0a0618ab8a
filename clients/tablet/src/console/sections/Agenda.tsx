/**
 * The agenda section: the rounds that have not started, each editable or removable (EditRound,
 * RemoveRound), a form to add a round anywhere after the current one (AddRound); and, until the
 * tables are seated, the territories (AddTerritory, RenameTerritory) and the table size
 * (ChangeTableSize). Outcomes are announced by the console's `run`.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { plural, t } from '../../i18n';
import { idNumber, type RoundKind, type RoundView, type SessionView } from '../../state';
import { Pictogram } from '../../ui/Pictogram';
import { Action, Section, closedReason, type Run } from '../kit';

const KINDS: RoundKind[] = ['table', 'plenary', 'vote'];
const MAX_PROMPT = 500;
const MAX_ROUNDS = 20;
const MAX_TERRITORIES = 12;
const MINUTE = 60_000;

interface RoundDraft { kind: RoundKind; prompt: string; minutes: string }

/** Why a draft cannot be sent, or null. */
function draftReason(draft: RoundDraft): string | null {
  const minutes = Number(draft.minutes);
  if (!draft.prompt.trim()) return t('console.reason.prompt_empty');
  if (draft.prompt.trim().length > MAX_PROMPT) return t('console.reason.too_long');
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 240) return t('console.reason.minutes');
  return null;
}

function specOf(draft: RoundDraft): { kind: RoundKind; prompt: string; duration_ms: number } {
  return { kind: draft.kind, prompt: draft.prompt.trim(), duration_ms: Number(draft.minutes) * MINUTE };
}

export function Agenda({ view, run }: { view: SessionView; run: Run }) {
  const pending = view.rounds.filter((round) => round.number > view.current_round);
  return (
    <Section id="agenda" title={t('console.nav.agenda')} testid="agenda-section">
      <h3>{t('console.agenda.coming')}</h3>
      <p class="mk-hint">{t('console.agenda.started_hint')}</p>
      {pending.length === 0 ? (
        <p>{t('console.agenda.none_coming')}</p>
      ) : (
        <ol class="mk-list" data-testid="agenda-coming">
          {pending.map((round) => (
            <PendingRound key={round.number} view={view} round={round} run={run} />
          ))}
        </ol>
      )}
      <AddRoundForm view={view} pending={pending} run={run} />
      <Territories view={view} run={run} />
    </Section>
  );
}

function RoundFields(props: { id: string; draft: RoundDraft; onChange: (draft: RoundDraft) => void; first?: { current: HTMLTextAreaElement | null } }) {
  const { id, draft, onChange } = props;
  return (
    <>
      <div class="mk-field">
        <label for={`${id}-kind`}>{t('console.agenda.kind')}</label>
        <select id={`${id}-kind`} class="mk-input" value={draft.kind} onChange={(e) => onChange({ ...draft, kind: (e.currentTarget as HTMLSelectElement).value as RoundKind })}>
          {KINDS.map((kind) => <option key={kind} value={kind}>{t(`round.kind.${kind}`)}</option>)}
        </select>
      </div>
      <div class="mk-field">
        <label for={`${id}-prompt`}>
          {t('console.agenda.prompt')} <span class="mk-required">{t('console.required')}</span>
        </label>
        <textarea
          id={`${id}-prompt`}
          ref={props.first}
          class="mk-textarea"
          rows={2}
          maxLength={MAX_PROMPT + 20}
          aria-required="true"
          value={draft.prompt}
          onInput={(e) => onChange({ ...draft, prompt: (e.currentTarget as HTMLTextAreaElement).value })}
        />
      </div>
      <div class="mk-field">
        <label for={`${id}-minutes`}>{t('console.agenda.minutes')}</label>
        <input
          id={`${id}-minutes`}
          class="mk-input"
          type="number"
          inputMode="numeric"
          min={1}
          max={240}
          value={draft.minutes}
          onInput={(e) => onChange({ ...draft, minutes: (e.currentTarget as HTMLInputElement).value })}
        />
      </div>
    </>
  );
}

function PendingRound({ view, round, run }: { view: SessionView; round: RoundView; run: Run }) {
  const [editing, setEditing] = useState(false);
  const initial: RoundDraft = { kind: round.spec.kind, prompt: round.spec.prompt, minutes: String(Math.round(round.spec.duration_ms / MINUTE)) };
  const [draft, setDraft] = useState(initial);
  const prompt = useRef<HTMLTextAreaElement>(null);
  const asked = useRef(false);
  const id = `round-${round.number}`;
  // The form takes the focus when it opens; « Modifier » gets it back when it closes.
  useEffect(() => {
    if (editing) prompt.current?.focus();
    else if (asked.current) document.getElementById(`${id}-edit`)?.focus();
    asked.current = editing;
  }, [editing]); // eslint-disable-line
  const closed = closedReason(view);
  const unchanged = JSON.stringify(specOf(draft)) === JSON.stringify(specOf(initial));
  const saveReason = closed ?? draftReason(draft) ?? (unchanged ? t('console.reason.nothing_changed') : null);
  const removeReason = closed ?? (view.rounds.length <= 1 ? t('console.reason.agenda_one') : null);
  const label = t('console.agenda.round', {
    n: round.number,
    kind: t(`round.kind.${round.spec.kind}`),
    prompt: round.spec.prompt,
    minutes: Math.round(round.spec.duration_ms / MINUTE),
  });
  return (
    <li class="mk-card" data-round={round.number}>
      <p class="mk-statement">{label}</p>
      {editing ? (
        <form
          class="mk-amend"
          aria-labelledby={`${id}-title`}
          onSubmit={(e) => {
            e.preventDefault();
            if (saveReason) return;
            run('EditRound', { round: round.number, ...specOf(draft) }, 'console.done.round_edited', { n: round.number });
            setEditing(false);
          }}
        >
          <h4 id={`${id}-title`}>{t('console.agenda.edit_title', { n: round.number })}</h4>
          <RoundFields id={id} draft={draft} onChange={setDraft} first={prompt} />
          <div class="mk-actions">
            <Action variant="primary" onClick={() => {
              run('EditRound', { round: round.number, ...specOf(draft) }, 'console.done.round_edited', { n: round.number });
              setEditing(false);
            }} reason={saveReason} testid={`${id}-save`}>
              <Pictogram name="check" size={20} /> {t('console.agenda.save')}
            </Action>
            <button type="button" class="mk-btn mk-btn-secondary" onClick={() => { setDraft(initial); setEditing(false); }}>
              {t('console.agenda.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <div class="mk-actions">
          <Action id={`${id}-edit`} onClick={() => { setDraft(initial); setEditing(true); }} reason={closed} testid={`${id}-edit`}>
            <Pictogram name="pencil" size={20} /> {t('console.agenda.edit')}
          </Action>
          <Action variant="danger" onClick={() => run('RemoveRound', { round: round.number }, 'console.done.round_removed', { n: round.number })} reason={removeReason} testid={`${id}-remove`}>
            <Pictogram name="minus" size={20} /> {t('console.agenda.remove')}
          </Action>
        </div>
      )}
    </li>
  );
}

function AddRoundForm({ view, pending, run }: { view: SessionView; pending: RoundView[]; run: Run }) {
  const empty: RoundDraft = { kind: 'table', prompt: '', minutes: '20' };
  const [draft, setDraft] = useState(empty);
  const [where, setWhere] = useState('');
  const before = pending.find((round) => String(round.number) === where) ?? null;
  const reason =
    closedReason(view) ??
    (view.rounds.length >= MAX_ROUNDS ? t('console.reason.agenda_full') : null) ??
    draftReason(draft);
  const add = () => {
    run('AddRound', { ...specOf(draft), ...(before ? { round: before.number } : {}) }, 'console.done.round_added');
    setDraft(empty);
    setWhere('');
  };
  return (
    <form class="mk-fieldset" aria-labelledby="agenda-add-title" onSubmit={(e) => { e.preventDefault(); if (!reason) add(); }}>
      <h3 id="agenda-add-title">{t('console.agenda.add_title')}</h3>
      <RoundFields id="agenda-add" draft={draft} onChange={setDraft} />
      <div class="mk-field">
        <label for="agenda-add-where">{t('console.agenda.where')}</label>
        <select id="agenda-add-where" class="mk-input" value={before ? where : ''} onChange={(e) => setWhere((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">{t('console.agenda.at_end')}</option>
          {pending.map((round) => (
            <option key={round.number} value={String(round.number)}>{t('console.agenda.before', { n: round.number })}</option>
          ))}
        </select>
      </div>
      <div class="mk-actions">
        <Action variant="primary" onClick={add} reason={reason} testid="agenda-add">
          <Pictogram name="plus" size={20} /> {t('console.agenda.add')}
        </Action>
      </div>
    </form>
  );
}

// --- before seating: territories and the table size ----------------------------------------------

function Territories({ view, run }: { view: SessionView; run: Run }) {
  const seated = Object.keys(view.tables).length > 0;
  return (
    <>
      <h3>{t('console.territories.title')}</h3>
      {seated ? (
        <p data-testid="territories-seated">{t('console.territories.seated')}</p>
      ) : (
        <>
          <RenameTerritory view={view} run={run} />
          <AddTerritory view={view} run={run} />
          <TableSize view={view} run={run} />
        </>
      )}
    </>
  );
}

function nameTaken(view: SessionView, name: string, but?: string): boolean {
  const wanted = name.trim().toLocaleLowerCase('fr');
  return Object.values(view.territories).some((territory) => territory.id !== but && territory.name.toLocaleLowerCase('fr') === wanted);
}

function RenameTerritory({ view, run }: { view: SessionView; run: Run }) {
  const territories = Object.values(view.territories).sort((a, b) => idNumber(a.id) - idNumber(b.id));
  const [which, setWhich] = useState('');
  const [name, setName] = useState('');
  const [commune, setCommune] = useState('');
  const territory = view.territories[which] ?? null;
  const choose = (id: string) => {
    setWhich(id);
    setName(view.territories[id]?.name ?? '');
    setCommune(view.territories[id]?.commune ?? '');
  };
  const reason =
    closedReason(view) ??
    (!territory ? t('console.reason.choose_territory') : null) ??
    (!name.trim() ? t('console.reason.name_empty') : null) ??
    (nameTaken(view, name, territory?.id) ? t('console.reason.name_taken') : null) ??
    (territory && name.trim() === territory.name && commune.trim() === territory.commune ? t('console.reason.nothing_changed') : null);
  return (
    <fieldset class="mk-fieldset">
      <legend>{t('console.territories.rename_title')}</legend>
      <div class="mk-field">
        <label for="territory-which">{t('console.territories.which')}</label>
        <select id="territory-which" class="mk-input" value={territory ? which : ''} onChange={(e) => choose((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">—</option>
          {territories.map((t_) => <option key={t_.id} value={t_.id}>{t_.name}</option>)}
        </select>
      </div>
      <div class="mk-field">
        <label for="territory-name">{t('console.territories.name')}</label>
        <input id="territory-name" class="mk-input" type="text" maxLength={100} value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
      </div>
      <div class="mk-field">
        <label for="territory-commune">{t('console.territories.commune')}</label>
        <input id="territory-commune" class="mk-input" type="text" maxLength={140} value={commune} onInput={(e) => setCommune((e.currentTarget as HTMLInputElement).value)} />
      </div>
      <div class="mk-actions">
        <Action
          onClick={() => run('RenameTerritory', { territory: territory!.id, name: name.trim(), commune: commune.trim() }, 'console.done.territory_renamed', { name: name.trim() })}
          reason={reason}
          testid="territory-rename"
        >
          <Pictogram name="pencil" size={20} /> {t('console.territories.rename')}
        </Action>
      </div>
    </fieldset>
  );
}

function AddTerritory({ view, run }: { view: SessionView; run: Run }) {
  const [name, setName] = useState('');
  const [commune, setCommune] = useState('');
  const [qpv, setQpv] = useState(false);
  const reason =
    closedReason(view) ??
    (Object.keys(view.territories).length >= MAX_TERRITORIES ? t('console.reason.territories_full') : null) ??
    (!name.trim() ? t('console.reason.name_empty') : null) ??
    (nameTaken(view, name) ? t('console.reason.name_taken') : null);
  return (
    <fieldset class="mk-fieldset">
      <legend>{t('console.territories.add_title')}</legend>
      <div class="mk-field">
        <label for="territory-new-name">
          {t('console.territories.name')} <span class="mk-required">{t('console.required')}</span>
        </label>
        <input id="territory-new-name" class="mk-input" type="text" aria-required="true" maxLength={100} value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
      </div>
      <div class="mk-field">
        <label for="territory-new-commune">{t('console.territories.commune')}</label>
        <input id="territory-new-commune" class="mk-input" type="text" maxLength={140} value={commune} onInput={(e) => setCommune((e.currentTarget as HTMLInputElement).value)} />
      </div>
      <div class="mk-check">
        <input id="territory-new-qpv" type="checkbox" checked={qpv} onChange={(e) => setQpv((e.currentTarget as HTMLInputElement).checked)} />
        <label for="territory-new-qpv">{t('console.territories.qpv')}</label>
      </div>
      <div class="mk-actions">
        <Action
          onClick={() => {
            run('AddTerritory', { name: name.trim(), commune: commune.trim(), qpv }, 'console.done.territory_added', { name: name.trim() });
            setName('');
            setCommune('');
            setQpv(false);
          }}
          reason={reason}
          testid="territory-add"
        >
          <Pictogram name="plus" size={20} /> {t('console.territories.add')}
        </Action>
      </div>
    </fieldset>
  );
}

function TableSize({ view, run }: { view: SessionView; run: Run }) {
  const [size, setSize] = useState(String(view.table_size));
  const n = Number(size);
  const reason =
    closedReason(view) ??
    (!Number.isInteger(n) || n < 2 || n > 12 ? t('console.reason.table_size') : null) ??
    (n === view.table_size ? t('console.reason.nothing_changed') : null);
  return (
    <fieldset class="mk-fieldset">
      <legend>{t('console.tables.title')}</legend>
      <p>{plural('console.tables.now', view.table_size)}</p>
      <div class="mk-merge">
        <label for="table-size">{t('console.tables.size')}</label>
        <input id="table-size" class="mk-input" style={{ maxWidth: '8em' }} type="number" inputMode="numeric" min={2} max={12} value={size} onInput={(e) => setSize((e.currentTarget as HTMLInputElement).value)} />
        <Action onClick={() => run('ChangeTableSize', { table_size: n }, 'console.done.table_size', { n })} reason={reason} testid="table-size-change">
          {t('console.tables.change')}
        </Action>
      </div>
    </fieldset>
  );
}
