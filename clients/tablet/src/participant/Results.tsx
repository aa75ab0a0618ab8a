/** The results on show (state.results): a statement's positions per territory, from the tallies
 *  (k-anonymity: a small group shows « moins de 5 »), or a vote's merit profiles. */
import { t } from '../i18n';
import { DEFAULT_K, statementTally } from '../state';
import { MeritProfile } from '../ui/MeritProfile';
import { Pictogram } from '../ui/Pictogram';
import { PositionBars } from '../ui/PositionBars';
import type { Ctx } from './ctx';

export function Results({ ctx }: { ctx: Ctx }) {
  const { s } = ctx;
  const r = s.results;
  if (!r) return null;
  let body;
  if (r.statement) {
    const st = s.statements[r.statement];
    body = (
      <>
        <p class="mk-statement-text">{st?.text ?? ''}</p>
        <PositionBars tally={statementTally(s.tallies, r.statement)} k={s.tallies?.k_anonymity ?? DEFAULT_K} territories={s.territories} />
      </>
    );
  } else if (r.vote) {
    body = <MeritProfile profiles={r.profiles} proposals={s.proposals} order={s.votes[r.vote]?.proposals} />;
  }
  return (
    <section class="mk-card mk-results" aria-labelledby="results-title" data-testid="results">
      <h2 id="results-title">
        <Pictogram name="chart" /> {r.vote ? t('p.results.vote') : t('p.results.statement')}
      </h2>
      {body}
    </section>
  );
}
