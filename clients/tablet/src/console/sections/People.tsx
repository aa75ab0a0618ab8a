/**
 * The people section: what changes for one person on the night. The facilitator chooses a person,
 * then makes them host of their table (HandOverHost), moves them to another table
 * (MoveParticipant), merges their entry into another entry of the same person (MergeParticipants),
 * or removes them from the session, keeping their positions under a neutral name or erasing what
 * they wrote at their request (RemoveParticipant, after a confirmation). Who has left is listed
 * under their neutral name. Outcomes are announced by the console's `run`.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { plural, t } from '../../i18n';
import {
  anonymousPseudonym,
  compareNatural,
  presentParticipants,
  type ParticipantView,
  type SessionView,
} from '../../state';
import { tablesInOrder } from '../lib';
import { AddWithoutPhone, type NoPhoneProps } from './NoPhone';
import { Pictogram } from '../../ui/Pictogram';
import { Action, Section, closedReason, pseudonym, territoryName, type Run } from '../kit';

/** What the person select says of someone: name, territory, and their table (as its host). */
function personLabel(view: SessionView, person: ParticipantView): string {
  const params = { name: person.pseudonym, territory: territoryName(view, person.territory), n: person.table ?? 0 };
  if (person.table == null) return t('console.people.option', params);
  const host = view.tables[String(person.table)]?.host === person.id;
  return t(host ? 'console.people.option_host' : 'console.people.option_table', params);
}

export function People({ view, run, noPhone }: { view: SessionView; run: Run; noPhone?: NoPhoneProps }) {
  const people = presentParticipants(view);
  const [chosen, setChosen] = useState('');
  const person = people.find((p) => p.id === chosen) ?? null;
  const select = useRef<HTMLSelectElement>(null);
  // Someone who has just left (removed, merged) is no longer a choice: back to the select.
  const hadPerson = useRef(false);
  useEffect(() => {
    if (hadPerson.current && !person) {
      setChosen('');
      select.current?.focus();
    }
    hadPerson.current = Boolean(person);
  }, [person]);
  return (
    <Section id="people" title={t('console.nav.people')} testid="people-section">
      {people.length === 0 ? (
        <p>{t('console.people.none')}</p>
      ) : (
        <>
          <p class="mk-hint">{t('console.people.intro')}</p>
          <div class="mk-field">
            <label for="people-person">{t('console.people.person')}</label>
            <select
              id="people-person"
              ref={select}
              class="mk-input"
              value={person ? person.id : ''}
              onChange={(e) => setChosen((e.currentTarget as HTMLSelectElement).value)}
              data-testid="people-person"
            >
              <option value="">{t('console.people.choose')}</option>
              {people.map((p) => (
                <option key={p.id} value={p.id}>{personLabel(view, p)}</option>
              ))}
            </select>
          </div>
          {/* A forum has no tables: nobody hosts one nor moves between them. */}
          {!view.forum && <HostControl view={view} person={person} run={run} />}
          {!view.forum && <MoveControl view={view} person={person} run={run} />}
          <MergeControl view={view} person={person} people={people} run={run} />
          <RemoveControl view={view} person={person} run={run} />
        </>
      )}
      {noPhone && !view.forum && <AddWithoutPhone {...noPhone} />}
      <LeftList view={view} />
    </Section>
  );
}

function HostControl({ view, person, run }: { view: SessionView; person: ParticipantView | null; run: Run }) {
  const table = person?.table != null ? view.tables[String(person.table)] : undefined;
  const reason =
    closedReason(view) ??
    (!person ? t('console.reason.choose_person') : null) ??
    (!table ? t('console.reason.not_seated') : null) ??
    (table?.host === person?.id ? t('console.reason.already_host') : null);
  return (
    <fieldset class="mk-fieldset">
      <legend><Pictogram name="star" size={20} /> {t('console.people.host_title')}</legend>
      <p class="mk-hint">{t('console.people.host_hint')}</p>
      <div class="mk-actions">
        <Action
          onClick={() => run('HandOverHost', { to: person!.id }, 'console.done.host_handed', { name: person!.pseudonym, n: table!.table })}
          reason={reason}
          testid="people-make-host"
        >
          {t('console.people.make_host')}
        </Action>
      </div>
    </fieldset>
  );
}

function MoveControl({ view, person, run }: { view: SessionView; person: ParticipantView | null; run: Run }) {
  const [target, setTarget] = useState('');
  const others = tablesInOrder(view).filter((table) => table.table !== person?.table);
  const chosen = others.find((table) => String(table.table) === target) ?? null;
  const reason =
    closedReason(view) ??
    (!person ? t('console.reason.choose_person') : null) ??
    (Object.keys(view.tables).length === 0 ? t('console.reason.not_seated') : null) ??
    (others.length === 0 ? t('console.reason.no_other_table') : null) ??
    (!chosen ? t('console.reason.choose_table') : null);
  return (
    <fieldset class="mk-fieldset">
      <legend><Pictogram name="table" size={20} /> {t('console.people.move_title')}</legend>
      <div class="mk-merge">
        <label for="people-table">{t('console.people.move_to')}</label>
        <select id="people-table" value={chosen ? target : ''} onChange={(e) => setTarget((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">—</option>
          {others.map((table) => (
            <option key={table.table} value={String(table.table)}>
              {plural('console.people.table_option', table.members.length, { table: table.table })}
            </option>
          ))}
        </select>
        <Action
          onClick={() => {
            run('MoveParticipant', { participant: person!.id, table: chosen!.table }, 'console.done.moved', { name: person!.pseudonym, n: chosen!.table });
            setTarget('');
          }}
          reason={reason}
          testid="people-move"
        >
          <Pictogram name="arrow" size={20} /> {t('console.people.move')}
        </Action>
      </div>
    </fieldset>
  );
}

function MergeControl(props: { view: SessionView; person: ParticipantView | null; people: ParticipantView[]; run: Run }) {
  const { view, person, people, run } = props;
  const [twin, setTwin] = useState('');
  const others = people.filter((p) => p.id !== person?.id);
  const into = others.find((p) => p.id === twin) ?? null;
  const reason =
    closedReason(view) ??
    (!person ? t('console.reason.choose_person') : null) ??
    (!into ? t('console.reason.choose_twin') : null);
  return (
    <fieldset class="mk-fieldset">
      <legend><Pictogram name="merge" size={20} /> {t('console.people.merge_title')}</legend>
      <p id="people-merge-hint" class="mk-hint">{t('console.people.merge_hint')}</p>
      <div class="mk-merge">
        <label for="people-twin">{t('console.people.merge_into')}</label>
        <select
          id="people-twin"
          aria-describedby="people-merge-hint"
          value={into ? twin : ''}
          onChange={(e) => setTwin((e.currentTarget as HTMLSelectElement).value)}
        >
          <option value="">—</option>
          {others.map((p) => (
            <option key={p.id} value={p.id}>{personLabel(view, p)}</option>
          ))}
        </select>
        <Action
          onClick={() => {
            run('MergeParticipants', { participant: person!.id, into: into!.id }, 'console.done.participants_merged', { into: into!.pseudonym });
            setTwin('');
          }}
          reason={reason}
          testid="people-merge"
        >
          {t('console.people.merge')}
        </Action>
      </div>
    </fieldset>
  );
}

function RemoveControl({ view, person, run }: { view: SessionView; person: ParticipantView | null; run: Run }) {
  const [erase, setErase] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const asked = useRef(false);
  // Focus goes to « Oui, retirer » when the question opens, and back to « Retirer… » when it is
  // cancelled (confirmed, the person is gone and the person select takes the focus).
  useEffect(() => {
    if (confirming) document.getElementById('people-confirm-remove')?.focus();
    else if (asked.current && person) document.getElementById('people-remove')?.focus();
    asked.current = confirming;
  }, [confirming]); // eslint-disable-line
  useEffect(() => setConfirming(false), [person?.id]);
  const reason = closedReason(view) ?? (!person ? t('console.reason.choose_person') : null);
  const name = person?.pseudonym ?? '';
  return (
    <fieldset class="mk-fieldset">
      <legend><Pictogram name="logout" size={20} /> {t('console.people.remove_title')}</legend>
      <div class="mk-check">
        <input type="radio" id="people-keep" name="people-erase" checked={!erase} onChange={() => setErase(false)} />
        <label for="people-keep">{t('console.people.keep')}</label>
      </div>
      <div class="mk-check">
        <input type="radio" id="people-erase" name="people-erase" checked={erase} onChange={() => setErase(true)} />
        <label for="people-erase">{t('console.people.erase')}</label>
      </div>
      {!confirming || !person ? (
        <div class="mk-actions">
          <Action id="people-remove" variant="danger" onClick={() => setConfirming(true)} reason={reason} testid="people-remove">
            {t('console.people.remove')}
          </Action>
        </div>
      ) : (
        <div class="mk-confirm" role="group" aria-labelledby="people-confirm-text">
          <p id="people-confirm-text">
            <Pictogram name="warning" size={20} />{' '}
            {erase
              ? t('console.people.confirm_erase', { name })
              : t('console.people.confirm_keep', { name, neutral: anonymousPseudonym(person.id) })}
          </p>
          <div class="mk-actions">
            <button
              id="people-confirm-remove"
              type="button"
              class="mk-btn mk-btn-danger"
              data-testid="people-confirm-remove"
              onClick={() => {
                setConfirming(false);
                run('RemoveParticipant', { participant: person.id, erase }, erase ? 'console.done.erased' : 'console.done.removed', { name });
              }}
            >
              {t('console.people.confirm')}
            </button>
            <button type="button" class="mk-btn mk-btn-secondary" onClick={() => setConfirming(false)}>
              {t('console.people.cancel')}
            </button>
          </div>
        </div>
      )}
    </fieldset>
  );
}

function LeftList({ view }: { view: SessionView }) {
  const left = Object.values(view.participants)
    .filter((p) => p.status !== 'present')
    .sort((a, b) => compareNatural(a.id, b.id));
  if (left.length === 0) return null;
  return (
    <>
      <h3>{t('console.people.left_title')}</h3>
      <ul class="mk-list" data-testid="people-left">
        {left.map((p) => (
          <li key={p.id}>
            {t(`console.people.left.${p.status}`, { name: p.pseudonym, into: pseudonym(view, p.merged_into) })}
          </li>
        ))}
      </ul>
    </>
  );
}
