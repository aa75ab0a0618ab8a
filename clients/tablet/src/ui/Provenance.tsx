/** The small line that says where an imported statement comes from (« Issu de : le Forum
 *  numérique (Clichy-sous-Bois, Sevran) »), on its card in the participant's view, the console
 *  and the replay; nothing for a statement written in the session. */
import { plural, t } from '../i18n';
import type { StatementView } from '../state';

export function provenanceText(st: Pick<StatementView, 'provenance'>): string | null {
  const p = st.provenance;
  if (!p) return null;
  const territories = p.territories.join(', ');
  const origin = territories
    ? t('statement.provenance', { source: p.source, territories })
    : t('statement.provenance_bare', { source: p.source });
  const rated = ratingsText(p.ratings ?? []);
  return rated ? `${origin} — ${rated}` : origin;
}

/** « en ligne : 12 avis, 9 d’accord, 2 pas d’accord » from the six counts an import carries. */
export function ratingsText(ratings: number[]): string | null {
  if (ratings.length !== 6) return null;
  const [a = 0, b = 0, c = 0, d = 0, e = 0, passes = 0] = ratings;
  const total = a + b + c + d + e + passes;
  if (total === 0) return null;
  return plural('statement.online_ratings', total, { agree: d + e, disagree: a + b });
}

export function ProvenanceLine({ st }: { st: Pick<StatementView, 'provenance'> }) {
  const text = provenanceText(st);
  return text ? (
    <p class="mk-provenance" data-testid="statement-provenance">
      {text}
    </p>
  ) : null;
}
