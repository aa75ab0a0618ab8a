/** Majority-judgment ballot: one grade (of 7) per proposal, sent once (CastBallot). Once sent
 *  the button stays where it was, unavailable (aria-disabled): the focus stays on it, and the
 *  page's live region says the vote is in. */
import { useState } from 'preact/hooks';
import { errorText, plural, t } from '../i18n';
import type { VoteView } from '../state';
import { Button } from '../ui/Button';
import { announce } from '../ui/Live';
import { GRADES } from '../ui/MeritProfile';
import { gradeClass } from '../ui/chartStyle';
import { Pictogram } from '../ui/Pictogram';
import type { Ctx } from './ctx';
import { useStoredState } from './storage';

export function Ballot({ ctx, vote }: { ctx: Ctx; vote: VoteView }) {
  const { conn, s, me, pending, sessionId } = ctx;
  const [grades, setGrades, clearGrades] = useStoredState<Record<string, number>>(sessionId, `ballot:${vote.id}`, {});
  const [error, setError] = useState<string | null>(null);
  const cast = vote.ballots[me];
  const queued = pending.find((c) => c.type === 'CastBallot' && c.data.vote === vote.id);
  const shown: Record<string, number> = cast ?? (queued?.data.grades as Record<string, number>) ?? grades;
  const locked = !!cast || !!queued;

  function submit(e: Event) {
    e.preventDefault();
    const missing = vote.proposals.filter((p) => shown[p] === undefined);
    if (locked) return;
    if (missing.length) {
      const message = plural('p.ballot.missing', missing.length);
      setError(message);
      announce(message);
      document.getElementById(`grade-${vote.id}-${missing[0]}-0`)?.focus();
      return;
    }
    setError(null);
    if (conn.status !== 'online') announce(t('p.ballot.queued'));
    const chosen = Object.fromEntries(vote.proposals.map((p) => [p, shown[p]]));
    conn
      .send('CastBallot', { vote: vote.id, grades: chosen })
      .then(() => {
        clearGrades();
        announce(t('p.ballot.done'));
      })
      .catch((r) => {
        setGrades(chosen);
        setError(errorText(r.code, r.message));
      });
  }

  return (
    <section class="mk-card mk-ballot" aria-labelledby={`ballot-title-${vote.id}`} data-testid={`ballot-${vote.id}`}>
      <h2 id={`ballot-title-${vote.id}`}>
        <Pictogram name="ballot" /> {t('p.ballot.title')}
      </h2>
      <p>{locked ? (cast ? t('p.ballot.done') : t('p.ballot.queued')) : t('p.ballot.intro')}</p>
      <form onSubmit={submit} noValidate>
        {vote.proposals.map((pid, i) => {
          const proposal = s.proposals[pid];
          return (
            <ProposalGrades
              key={pid}
              proposal={pid}
              n={i + 1}
              text={proposal?.text ?? pid}
              idPrefix={`grade-${vote.id}`}
              grade={shown[pid]}
              disabled={locked}
              onChoose={(g) => setGrades((prev) => ({ ...prev, [pid]: g }))}
            />
          );
        })}
        {error && (
          <p class="mk-error">
            <Pictogram name="warning" size={20} /> {error}
          </p>
        )}
        <div class="mk-row">
          <Button type="submit" variant="primary" icon="send" unavailable={locked}>
            {t('p.ballot.submit')}
          </Button>
          {locked && (
            <p class={cast ? 'mk-ok' : 'mk-pending-note'} data-testid="vote-status">
              <Pictogram name={cast ? 'check' : 'hourglass'} size={20} /> {cast ? t('p.ballot.done') : t('position.pending')}
            </p>
          )}
        </div>
      </form>
    </section>
  );
}

/** One proposal of a ballot: its 7 grades as radio buttons, each with its colour, pattern
 *  letter and word (the results' look). Ids are `${idPrefix}-${proposal}-${grade}`. Used by the
 *  participant's ballot and by the table tablet's. */
export function ProposalGrades(props: {
  proposal: string;
  n: number;
  text: string;
  idPrefix: string;
  grade: number | undefined;
  disabled?: boolean;
  onChoose: (grade: number) => void;
}) {
  const { proposal, n, text, idPrefix, grade, disabled, onChoose } = props;
  return (
    <fieldset class="mk-proposal" data-proposal-id={proposal}>
      <legend>
        <span class="mk-muted">{t('p.ballot.proposal_n', { n })}</span> {text}
      </legend>
      <div class="mk-grades">
        {GRADES.map((g) => (
          <label key={g} class={`mk-grade-choice mk-grade-choice-${g}`}>
            <input
              type="radio"
              id={`${idPrefix}-${proposal}-${g}`}
              name={`${idPrefix}-${proposal}`}
              value={g}
              checked={grade === g}
              disabled={disabled}
              onChange={() => onChoose(g)}
            />
            <span class={`mk-swatch ${gradeClass(g)}`} aria-hidden="true">
              <b>{t(`grade.letter.${g}`)}</b>
            </span>
            <span>{t(`grade.${g}`)}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
