/** Majority-judgment merit profiles: for each proposal, the share of each grade 0..6 and its
 *  majority grade (the lower median). Each grade is told by its colour, its pattern and its letter
 *  (ui/chartStyle.ts), with a legend in words and « Voir en tableau » for the figures. */
import { lang, t, useLang } from '../i18n';
import { medianGrade, rankProfiles } from '../majority';
import { idNumber, type ProposalView } from '../state';
import { ChartTable } from './ChartTable';
import { gradeClass, share } from './chartStyle';

export const GRADES = [0, 1, 2, 3, 4, 5, 6];

/** One proposal's profile as a horizontal stacked bar, with a text summary. */
export function GradeBar(props: { counts: number[]; label?: string }) {
  useLang();
  const french = lang() === 'fr';
  const counts = GRADES.map((g) => props.counts[g] ?? 0);
  const total = counts.reduce((a, b) => a + b, 0);
  const mg = medianGrade(counts);
  const summary = GRADES.filter((g) => counts[g]! > 0)
    .map((g) => `${t(`grade.${g}`)} ${share(counts[g]!, total, french)}`)
    .join(', ');
  return (
    <div class="mk-gradebar-wrap">
      {props.label && <p class="mk-gradebar-label">{props.label}</p>}
      <div class="mk-gradebar mk-bar" role="img" aria-label={total ? `${summary}. ${t('grade.majority', { grade: t(`grade.${mg}`) })}` : t('grade.none')}>
        {total > 0 && (
          <>
            {GRADES.map((g) =>
              counts[g] ? (
                <span key={g} class={`mk-grade-seg mk-seg ${gradeClass(g)}`} data-grade={g} style={{ width: `${(100 * counts[g]!) / total}%` }}>
                  <span class="mk-seg-label">
                    <b class="mk-seg-letter">{t(`grade.letter.${g}`)}</b>
                    <span class="mk-seg-pct">{share(counts[g]!, total, french)}</span>
                  </span>
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
  const ranked = rankProfiles(props.profiles, props.order);
  const text = (id: string) => props.proposals[id]?.text ?? t('proposal.number', { n: idNumber(id) });
  return (
    <div class="mk-merit mk-chart">
      <GradeLegend />
      <ol class="mk-merit-list">
        {ranked.map((r) => (
          <li key={r.proposal} data-proposal-id={r.proposal} data-rank={r.rank}>
            <GradeBar counts={r.profile} label={t('grade.ranked', { rank: r.rank, text: text(r.proposal) })} />
          </li>
        ))}
      </ol>
      <ChartTable caption={t('grade.table_caption')}>
        {() => <GradeTable rows={ranked.map((r) => ({ rank: r.rank, text: text(r.proposal), profile: r.profile, id: r.proposal }))} />}
      </ChartTable>
    </div>
  );
}

export function GradeLegend() {
  return (
    <ul class="mk-legend" aria-hidden="true">
      {GRADES.map((g) => (
        <li key={g} data-grade={g}>
          <span class={`mk-swatch ${gradeClass(g)}`}>
            <b>{t(`grade.letter.${g}`)}</b>
          </span>{' '}
          {t(`grade.${g}`)}
        </li>
      ))}
    </ul>
  );
}

function GradeTable({ rows }: { rows: { id: string; rank: number; text: string; profile: number[] }[] }) {
  const french = lang() === 'fr';
  return (
    <table class="mk-chart-data">
      <caption>{t('grade.table_caption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('grade.rank')}</th>
          <th scope="col">{t('grade.proposal')}</th>
          {[...GRADES].reverse().map((g) => (
            <th scope="col" key={g}>{t(`grade.${g}`)}</th>
          ))}
          <th scope="col">{t('grade.majority_col')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const total = row.profile.reduce((a, b) => a + b, 0);
          return (
            <tr key={row.id} data-proposal-id={row.id}>
              <td>{row.rank}</td>
              <th scope="row">{row.text}</th>
              {[...GRADES].reverse().map((g) => (
                <td key={g} data-grade={g}>
                  {row.profile[g] ?? 0} <span class="mk-muted">({share(row.profile[g] ?? 0, total, french)})</span>
                </td>
              ))}
              <td>{total ? t(`grade.${medianGrade(row.profile)}`) : '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
