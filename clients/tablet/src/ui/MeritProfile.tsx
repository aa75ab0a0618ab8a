/** Majority-judgment merit profiles: for each proposal, the share of each grade 0..6, and its
 *  majority grade (the lower median). Words and patterns beside colours. */
import { t, useLang } from '../i18n';
import { medianGrade, rankProfiles } from '../majority';
import type { ProposalView } from '../state';

export const GRADES = [0, 1, 2, 3, 4, 5, 6];

/** One proposal's profile as a horizontal stacked bar, with a text summary. */
export function GradeBar(props: { counts: number[]; label?: string }) {
  useLang();
  const counts = GRADES.map((g) => props.counts[g] ?? 0);
  const total = counts.reduce((a, b) => a + b, 0);
  const mg = medianGrade(counts);
  const summary = GRADES.filter((g) => counts[g] > 0)
    .map((g) => `${t(`grade.${g}`)} ${pct(counts[g], total)}`)
    .join(', ');
  return (
    <div class="mk-gradebar-wrap">
      {props.label && <p class="mk-gradebar-label">{props.label}</p>}
      <div class="mk-gradebar" role="img" aria-label={total ? `${summary}. ${t('grade.majority', { grade: t(`grade.${mg}`) })}` : t('grade.none')}>
        {total > 0 && (
          <>
            {GRADES.map((g) =>
              counts[g] ? (
                <span key={g} class={`mk-grade-seg mk-grade-${g}`} style={{ width: `${(100 * counts[g]) / total}%` }} title={`${t(`grade.${g}`)} : ${counts[g]}`}>
                  {counts[g] / total >= 0.1 ? pct(counts[g], total) : ''}
                </span>
              ) : null,
            )}
            <span class="mk-median" aria-hidden="true" />
          </>
        )}
      </div>
      <p class="mk-gradebar-summary">
        {total ? (
          <>
            <strong>{t('grade.majority', { grade: t(`grade.${mg}`) })}</strong> · {t('grade.ballots', { n: total })}
          </>
        ) : (
          t('grade.none')
        )}
      </p>
    </div>
  );
}

/** Every proposal of a vote, best first as the engine ranks them (src/majority.ts), each with
 *  its rank ("1. text"; tied proposals share a rank). */
export function MeritProfile(props: {
  profiles: Record<string, number[]>;
  /** the session's proposals, for their text */
  proposals: Record<string, ProposalView>;
  /** the vote's proposals: ties keep this order */
  order?: readonly string[];
}) {
  useLang();
  return (
    <div class="mk-merit">
      <GradeLegend />
      <ol class="mk-merit-list">
        {rankProfiles(props.profiles, props.order).map((r) => (
          <li key={r.proposal} data-proposal-id={r.proposal} data-rank={r.rank}>
            <GradeBar counts={r.profile} label={t('grade.ranked', { rank: r.rank, text: props.proposals[r.proposal]?.text ?? r.proposal })} />
          </li>
        ))}
      </ol>
    </div>
  );
}

export function GradeLegend() {
  return (
    <ul class="mk-legend" aria-hidden="true">
      {GRADES.map((g) => (
        <li key={g}>
          <span class={`mk-swatch mk-grade-${g}`} /> {t(`grade.${g}`)}
        </li>
      ))}
    </ul>
  );
}

function pct(n: number, total: number): string {
  return `${Math.round((100 * n) / total)} %`;
}
