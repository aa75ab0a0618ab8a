/** Majority-judgment merit profiles: for each proposal, the share of each grade 0..6, and its
 *  majority grade (the lower median). Words and patterns beside colours. */
import { t, useLang } from '../i18n';
import { majorityGrade } from '../state';

export const GRADES = [0, 1, 2, 3, 4, 5, 6];

/** One proposal's profile as a horizontal stacked bar, with a text summary. */
export function GradeBar(props: { counts: number[]; label?: string }) {
  useLang();
  const counts = GRADES.map((g) => props.counts[g] ?? 0);
  const total = counts.reduce((a, b) => a + b, 0);
  const mg = majorityGrade(counts);
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

/** Every proposal of a vote, best first (majority grade, then share above it). */
export function MeritProfile(props: { profiles: Record<string, number[]>; labels?: Record<string, string>; ranked?: boolean }) {
  useLang();
  let ids = Object.keys(props.profiles);
  if (props.ranked !== false) ids = ids.sort((a, b) => compareProfiles(props.profiles[b], props.profiles[a]));
  return (
    <div class="mk-merit">
      <GradeLegend />
      <ol class="mk-merit-list">
        {ids.map((id) => (
          <li key={id} data-proposal-id={id}>
            <GradeBar counts={props.profiles[id]} label={props.labels?.[id] ?? id} />
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

/** Order of two profiles by majority judgment (typical tie-break: the larger group around the median). */
export function compareProfiles(a: number[], b: number[]): number {
  const ga = majorityGrade(a) ?? -1;
  const gb = majorityGrade(b) ?? -1;
  if (ga !== gb) return ga - gb;
  const ta = a.reduce((x, y) => x + y, 0) || 1;
  const tb = b.reduce((x, y) => x + y, 0) || 1;
  const above = (p: number[], g: number, tot: number) => p.slice(g + 1).reduce((x, y) => x + y, 0) / tot;
  const below = (p: number[], g: number, tot: number) => p.slice(0, g).reduce((x, y) => x + y, 0) / tot;
  const sa = Math.max(above(a, ga, ta), below(a, ga, ta)) * (above(a, ga, ta) > below(a, ga, ta) ? 1 : -1);
  const sb = Math.max(above(b, gb, tb), below(b, gb, tb)) * (above(b, gb, tb) > below(b, gb, tb) ? 1 : -1);
  return sa - sb;
}

function pct(n: number, total: number): string {
  return `${Math.round((100 * n) / total)} %`;
}
