/** The small line that says where an imported statement comes from (« Issu de : le Forum
 *  numérique (Clichy-sous-Bois, Sevran) »), on its card in the participant's view, the console
 *  and the replay; nothing for a statement written in the session. */
import { t } from '../i18n';
import type { StatementView } from '../state';

export function provenanceText(st: Pick<StatementView, 'provenance'>): string | null {
  const p = st.provenance;
  if (!p) return null;
  const territories = p.territories.join(', ');
  return territories
    ? t('statement.provenance', { source: p.source, territories })
    : t('statement.provenance_bare', { source: p.source });
}

export function ProvenanceLine({ st }: { st: Pick<StatementView, 'provenance'> }) {
  const text = provenanceText(st);
  return text ? (
    <p class="mk-provenance" data-testid="statement-provenance">
      {text}
    </p>
  ) : null;
}
