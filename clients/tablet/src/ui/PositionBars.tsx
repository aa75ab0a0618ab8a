/** The distribution of positions on a statement, per territory and for everyone. */
import { t, useLang } from '../i18n';
import { POSITION_KEYS, type TerritoryView } from '../state';

export function PositionBars(props: {
  /** territory id -> position key ("-2".."2", "pass") -> count (see state.positionCounts) */
  counts: Record<string, Record<string, number>>;
  territories: Record<string, TerritoryView>;
  showTotal?: boolean;
}) {
  useLang();
  const ids = Object.keys(props.territories).filter((id) => props.counts[id]);
  for (const id of Object.keys(props.counts)) if (!ids.includes(id)) ids.push(id);
  const total: Record<string, number> = {};
  for (const c of Object.values(props.counts)) for (const [k, n] of Object.entries(c)) total[k] = (total[k] ?? 0) + n;
  const rows = ids.map((id) => ({ id, name: props.territories[id]?.name ?? id, qpv: !!props.territories[id]?.qpv, counts: props.counts[id] }));
  if (props.showTotal !== false && rows.length !== 1) rows.push({ id: '*', name: t('results.total'), qpv: false, counts: total });
  if (!Object.keys(total).length) return <p class="mk-muted">{t('results.no_positions')}</p>;
  return (
    <div class="mk-posbars">
      <ul class="mk-legend" aria-hidden="true">
        {POSITION_KEYS.map((k) => (
          <li key={k}>
            <span class={`mk-swatch mk-posc-${k === 'pass' ? 'pass' : Number(k) + 2}`} /> {t(`position.${k}`)}
          </li>
        ))}
      </ul>
      <table class="mk-posbars-table">
        <caption class="mk-sr-only">{t('results.title')}</caption>
        <thead class="mk-sr-only">
          <tr>
            <th scope="col">{t('results.territory')}</th>
            {POSITION_KEYS.map((k) => (
              <th scope="col" key={k}>{t(`position.${k}`)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const sum = POSITION_KEYS.reduce((a, k) => a + (row.counts[k] ?? 0), 0);
            return (
              <tr key={row.id} class={row.id === '*' ? 'mk-posbars-total' : ''} data-territory={row.id}>
                <th scope="row">
                  {row.name}
                  {row.qpv && <abbr class="mk-qpv" title={t('territory.qpv_long')}>{t('territory.qpv')}</abbr>}
                  <span class="mk-muted"> · {t('results.count', { n: sum })}</span>
                  <div class="mk-posbar" aria-hidden="true">
                    {POSITION_KEYS.map((k) =>
                      row.counts[k] ? (
                        <span key={k} class={`mk-posseg mk-posc-${k === 'pass' ? 'pass' : Number(k) + 2}`} style={{ width: `${(100 * row.counts[k]) / sum}%` }}>
                          {row.counts[k] / sum >= 0.12 ? `${Math.round((100 * row.counts[k]) / sum)}%` : ''}
                        </span>
                      ) : null,
                    )}
                  </div>
                </th>
                {POSITION_KEYS.map((k) => (
                  <td key={k} class="mk-sr-only">{row.counts[k] ?? 0}</td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
