/** The vœux section: the open consent round (its objections, amending the wording, adopting the vœu
 *  or abandoning), and the vœux adopted so far. */
import { useEffect, useState } from 'preact/hooks';
import { plural, quoted, t } from '../../i18n';
import {
  idNumber,
  objectionsOf,
  openConsent,
  pendingObjections,
  voeuxInOrder,
  type ConsentView,
  type ObjectionView,
  type SessionView,
} from '../../state';
import { Pictogram } from '../../ui/Pictogram';
import { Action, Section, closedReason, type Run } from '../kit';

const MAX_WORDING = 400;
const MAX_OUTCOME = 4000;

export function Voeux({ view, run }: { view: SessionView; run: Run }) {
  const consent = openConsent(view);
  const voeux = voeuxInOrder(view);
  return (
    <Section id="voeux" title={t('console.nav.voeux')} testid="voeux-section">
      {consent ? <ConsentCard key={consent.id} view={view} consent={consent} run={run} /> : <p>{t('console.consent.none')}</p>}
      <h3>{t('console.voeux.title')}</h3>
      {voeux.length === 0 ? (
        <p>{t('console.voeux.none')}</p>
      ) : (
        <ol class="mk-list" data-testid="voeux-list">
          {voeux.map((v) => (
            <li key={v.id} class="mk-card" data-voeu-id={v.id}>
              <p class="mk-muted">{t('console.voeux.item', { n: idNumber(v.id) })}</p>
              <p class="mk-statement">{quoted(v.text)}</p>
              <p class="mk-muted">{t('voeu.outcome')}</p>
              <p class="mk-synthesis">{v.outcome}</p>
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}

function ConsentCard({ view, consent, run }: { view: SessionView; consent: ConsentView; run: Run }) {
  const [outcome, setOutcome] = useState('');
  const objections = objectionsOf(view, consent.id);
  const pending = pendingObjections(view, consent.id).length;
  const closed = closedReason(view);
  const clean = outcome.trim();
  const adoptReason =
    closed ??
    (pending ? plural('console.reason.objections_pending', pending) : null) ??
    (!clean ? t('console.reason.outcome_empty') : null) ??
    (clean.length > MAX_OUTCOME ? t('console.reason.too_long') : null);
  return (
    <div class="mk-card mk-consent" data-testid="consent-card" data-consent-id={consent.id}>
      <h3>{t('console.consent.title')}</h3>
      <p class="mk-muted">{t('console.consent.proposal', { vote: idNumber(consent.vote), grade: t(`grade.${consent.grade}`) })}</p>
      <p class="mk-muted">{t('console.consent.wording')}</p>
      <p class="mk-statement" data-testid="consent-wording">{quoted(consent.text)}</p>
      <h4>{t('console.consent.objections', { n: objections.length })}</h4>
      <p data-testid="consent-pending">{plural('console.consent.pending_count', pending)}</p>
      {objections.length === 0 ? (
        <p>{t('console.consent.no_objection')}</p>
      ) : (
        <ol class="mk-list" data-testid="objection-list">
          {objections.map((o) => (
            <ObjectionItem key={o.id} view={view} consent={consent} objection={o} run={run} />
          ))}
        </ol>
      )}
      <div class="mk-field">
        <label for={`outcome-${consent.id}`}>
          {t('console.consent.outcome')} <span class="mk-required">{t('console.required')}</span>
        </label>
        <p id={`outcome-${consent.id}-hint`} class="mk-hint">{t('console.consent.outcome_hint')}</p>
        <textarea
          id={`outcome-${consent.id}`}
          class="mk-textarea"
          rows={4}
          value={outcome}
          aria-required="true"
          aria-describedby={`outcome-${consent.id}-hint outcome-${consent.id}-count`}
          onInput={(e) => setOutcome((e.currentTarget as HTMLTextAreaElement).value)}
        />
        <p id={`outcome-${consent.id}-count`} class="mk-counter">{t('console.consent.chars', { n: clean.length, max: MAX_OUTCOME })}</p>
      </div>
      <div class="mk-actions">
        <Action
          variant="primary"
          onClick={() => run('AdoptVoeu', { consent: consent.id, outcome: clean }, 'console.done.voeu_adopted')}
          reason={adoptReason}
        >
          <Pictogram name="check" size={20} /> {t('console.consent.adopt')}
        </Action>
        <Action variant="danger" onClick={() => run('AbandonConsent', { consent: consent.id }, 'console.done.consent_abandoned')} reason={closed}>
          <Pictogram name="cross" size={20} /> {t('console.consent.abandon')}
        </Action>
      </div>
    </div>
  );
}

function ObjectionItem({ view, consent, objection, run }: { view: SessionView; consent: ConsentView; objection: ObjectionView; run: Run }) {
  const [editing, setEditing] = useState(false);
  const [wording, setWording] = useState(consent.text);
  const closed = closedReason(view);
  const status = objection.resolution ?? 'pending';
  const author = view.participants[objection.author];
  const inputId = `wording-${objection.id}`;
  const clean = wording.trim();
  const saveReason =
    closed ?? (!clean ? t('console.reason.wording_empty') : clean.length > MAX_WORDING ? t('console.reason.too_long') : null);
  useEffect(() => {
    if (editing) document.getElementById(inputId)?.focus();
  }, [editing]);
  return (
    <li class="mk-card mk-objection" data-objection-id={objection.id} data-status={status}>
      <p class="mk-statement">{quoted(objection.text)}</p>
      <p class="mk-muted">
        <span class={`mk-chip mk-objection-${status}`}>
          <Pictogram name={status === 'pending' ? 'hourglass' : 'check'} size={16} /> {t(`objection.${status}`)}
        </span>
        {author && <> · {t('console.consent.by', { name: author.pseudonym })}</>}
      </p>
      {objection.wording && <p class="mk-muted">{t('console.consent.answer', { text: objection.wording })}</p>}
      {status === 'pending' && !editing && (
        <div class="mk-actions">
          <Action
            onClick={() => {
              setWording(consent.text);
              setEditing(true);
            }}
            reason={closed}
          >
            <Pictogram name="pencil" size={20} /> {t('console.consent.amend')}
          </Action>
          <Action
            onClick={() => run('ResolveObjection', { objection: objection.id, resolution: 'withdrawn' }, 'console.done.withdrawn')}
            reason={closed}
          >
            <Pictogram name="cross" size={20} /> {t('console.consent.withdraw')}
          </Action>
        </div>
      )}
      {status === 'pending' && editing && (
        <div class="mk-amend">
          <div class="mk-field">
            <label for={inputId}>
              {t('console.consent.new_wording')} <span class="mk-required">{t('console.required')}</span>
            </label>
            <p id={`${inputId}-hint`} class="mk-hint">{t('console.consent.new_wording_hint')}</p>
            <textarea
              id={inputId}
              class="mk-textarea"
              rows={3}
              value={wording}
              aria-required="true"
              aria-describedby={`${inputId}-hint ${inputId}-count`}
              onInput={(e) => setWording((e.currentTarget as HTMLTextAreaElement).value)}
            />
            <p id={`${inputId}-count`} class="mk-counter">{t('console.consent.chars', { n: clean.length, max: MAX_WORDING })}</p>
          </div>
          <div class="mk-actions">
            <Action
              variant="primary"
              onClick={() => {
                run('ResolveObjection', { objection: objection.id, resolution: 'amended', wording: clean }, 'console.done.amended');
                setEditing(false);
              }}
              reason={saveReason}
            >
              <Pictogram name="check" size={20} /> {t('console.consent.save_wording')}
            </Action>
            <Action onClick={() => setEditing(false)}>{t('console.consent.cancel')}</Action>
          </div>
        </div>
      )}
    </li>
  );
}
