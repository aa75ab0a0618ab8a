/** The results on show (state.results): a statement's positions per territory, or a vote's
 *  merit profiles. */
import { t } from '../i18n';
import { positionCounts } from '../state';
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
        <PositionBars counts={positionCounts(s, r.statement)} territories={s.territories} />
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
