/** The votes section: open a vote on chosen proposals, each vote's ballots and merit profile, close it,
 *  show its results, and open a consent round on what it adopted. */
import { useState } from 'preact/hooks';
import { plural, t } from '../../i18n';
import {
  adoptionOf,
  idNumber,
  lastVoteOf,
  openConsent,
  openVote,
  paperCount,
  voeuOf,
  voteTally,
  voteTallyOf,
  type SessionView,
  type VoteView,
} from '../../state';
import { MeritProfile } from '../../ui/MeritProfile';
import { Pictogram } from '../../ui/Pictogram';
import { Action, Section, closedReason, type Run } from '../kit';
import { PaperBallots, type NoPhoneProps } from './NoPhone';

export function Votes({ view, run, noPhone }: { view: SessionView; run: Run; noPhone?: NoPhoneProps }) {
  const proposals = Object.values(view.proposals).sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
  const [chosen, setChosen] = useState<string[]>([]);
  const open = openVote(view);
  const votes = Object.values(view.votes).sort((a, b) => b.id.localeCompare(a.id, undefined, { numeric: true }));
  const toggle = (id: string, on: boolean) => setChosen((list) => (on ? [...list.filter((x) => x !== id), id] : list.filter((x) => x !== id)));
  const valid = chosen.filter((id) => id in view.proposals);
  const openReason =
    closedReason(view) ??
    (open ? t('console.reason.vote_open') : null) ??
    (proposals.length === 0 ? t('console.reason.no_proposals') : null) ??
    (valid.length === 0 ? t('console.reason.choose_proposals') : null);
  return (
    <Section id="votes" title={t('console.nav.votes')}>
      {proposals.length === 0 ? (
        <p>{t('console.votes.no_proposals')}</p>
      ) : (
        <fieldset class="mk-fieldset">
          <legend>{t('console.votes.choose')}</legend>
          {proposals.map((p) => (
            <div key={p.id} class="mk-check">
              <input
                type="checkbox"
                id={`choose-${p.id}`}
                checked={chosen.includes(p.id)}
                onChange={(e) => toggle(p.id, (e.currentTarget as HTMLInputElement).checked)}
              />
              <label for={`choose-${p.id}`}>{p.text}</label>
            </div>
          ))}
        </fieldset>
      )}
      <div class="mk-actions">
        <Action
          variant="primary"
          onClick={() => {
            run('OpenVote', { proposals: valid }, 'console.done.vote_opened');
            setChosen([]);
          }}
          reason={openReason}
        >
          <Pictogram name="ballot" size={20} /> {t('console.votes.open')}
        </Action>
      </div>
      <ul class="mk-list">
        {votes.map((vote) => (
          <VoteItem key={vote.id} view={view} vote={vote} run={run} noPhone={noPhone} />
        ))}
      </ul>
    </Section>
  );
}

function VoteItem({ view, vote, run, noPhone }: { view: SessionView; vote: VoteView; run: Run; noPhone?: NoPhoneProps }) {
  const tally = voteTallyOf(view.tallies, vote.id);
  const ballots = tally?.ballots ?? 0; // paper ones included
  const paper = paperCount(vote);
  const shown = view.results?.vote === vote.id;
  const closed = closedReason(view);
  const profiles = voteTally(view, vote);
  return (
    <li class="mk-card" data-vote-id={vote.id}>
      <h3>
        {t('console.votes.vote', { n: idNumber(vote.id) })} —{' '}
        {vote.open ? <span><Pictogram name="play" size={20} /> {t('console.votes.is_open')}</span> : <span><Pictogram name="stop" size={20} /> {t('console.votes.is_closed')}</span>}
      </h3>
      <p data-testid={`ballots-${vote.id}`}>
        {plural('console.votes.ballots', ballots)}
        {paper > 0 && <span data-testid={`paper-${vote.id}-count`}> ({plural('console.paper.count', paper)})</span>}
      </p>
      {vote.open && tally && <p data-testid={`waiting-${vote.id}`}>{plural('console.votes.waiting', tally.waiting)}</p>}
      {vote.open && (
        <ul>
          {vote.proposals.map((id) => <li key={id}>{proposalText(view, id)}</li>)}
        </ul>
      )}
      {vote.open && noPhone && !closedReason(view) && <PaperBallots {...noPhone} vote={vote} />}
      {!vote.open && <MeritProfile profiles={profiles} proposals={view.proposals} order={vote.proposals} />}
      {!vote.open && <AdoptedProposals view={view} vote={vote} run={run} />}
      <div class="mk-actions">
        <Action variant="danger" onClick={() => run('CloseVote', { vote: vote.id }, 'console.done.vote_closed')} reason={closed ?? (vote.open ? null : t('console.reason.vote_closed'))}>
          <Pictogram name="stop" size={20} /> {t('console.votes.close')}
        </Action>
        <Action onClick={() => run('ShowResults', { vote: vote.id }, 'console.done.shown')} reason={closed ?? (vote.open ? t('console.reason.vote_still_open') : shown ? t('console.reason.on_screen') : null)}>
          <Pictogram name="chart" size={20} /> {t('console.votes.show')}
        </Action>
        <Action onClick={() => run('HideResults', {}, 'console.done.hidden_results')} reason={closed ?? (shown ? null : t('console.reason.not_on_screen'))}>
          {t('console.screen.hide')}
        </Action>
      </div>
    </li>
  );
}

/** The proposals this closed vote adopted (it is their last vote, majority grade ≥ Assez bien),
 *  each with « Ouvrir un tour de consentement » (decide_votes.py `open_consent`). */
function AdoptedProposals({ view, vote, run }: { view: SessionView; vote: VoteView; run: Run }) {
  const adopted = vote.proposals.filter((id) => lastVoteOf(view, id)?.id === vote.id && adoptionOf(view, id));
  if (adopted.length === 0) return null;
  const open = openConsent(view);
  return (
    <ul class="mk-list mk-adopted" data-testid={`adopted-${vote.id}`}>
      {adopted.map((id) => {
        const grade = adoptionOf(view, id)!.grade;
        const reason =
          closedReason(view) ??
          (voeuOf(view, id) ? t('console.reason.already_voeu') : null) ??
          (open ? t('console.reason.consent_open') : null);
        return (
          <li key={id} class="mk-adopted-item" data-proposal-id={id}>
            <p>
              <Pictogram name="check" size={20} /> <strong>{proposalText(view, id)}</strong>{' '}
              <span class="mk-muted">{t('console.consent.adopted', { grade: t(`grade.${grade}`) })}</span>
            </p>
            <Action variant="primary" onClick={() => run('OpenConsent', { proposal: id }, 'console.done.consent_opened')} reason={reason}>
              <Pictogram name="users" size={20} /> {t('console.consent.open')}
            </Action>
          </li>
        );
      })}
    </ul>
  );
}

function proposalText(view: SessionView, id: string): string {
  return view.proposals[id]?.text ?? t('proposal.number', { n: idNumber(id) });
}
