/** The distribution of positions on a statement, per territory and for everyone: one stacked bar
 *  per row, each segment told by its colour, its pattern and its pictogram (ui/chartStyle.ts), a
 *  legend in words, and « Voir en tableau » for the figures. */
import { lang, t, useLang } from '../i18n';
import { POSITION_KEYS, type PositionKey, type TerritoryView } from '../state';
import { ChartTable } from './ChartTable';
import { Pictogram } from './Pictogram';
import { positionClass, positionPictogram, share } from './chartStyle';

type Row = { id: string; name: string; qpv: boolean; counts: Record<string, number>; sum: number };

export function PositionBars(props: {
  /** territory id -> position key ("-2".."2", "pass") -> count (see state.positionCounts) */
  counts: Record<string, Record<string, number>>;
  territories: Record<string, TerritoryView>;
  showTotal?: boolean;
}) {
  useLang();
  const rows = rowsOf(props.counts, props.territories, props.showTotal !== false);
  if (!rows.length) return <p class="mk-muted">{t('results.no_positions')}</p>;
  return (
    <div class="mk-posbars mk-chart">
      <PositionLegend />
      <ul class="mk-posbars-rows">
        {rows.map((row) => (
          <li key={row.id} class={row.id === '*' ? 'mk-posbars-total' : ''} data-territory={row.id}>
            <p class="mk-posbars-name">
              {row.name}
              {row.qpv && <abbr class="mk-qpv" title={t('territory.qpv_long')}>{t('territory.qpv')}</abbr>}
              <span class="mk-muted"> · {t('results.count', { n: row.sum })}</span>
            </p>
            <PositionBar row={row} />
          </li>
        ))}
      </ul>
      <ChartTable caption={t('results.table_caption')}>{() => <PositionTable rows={rows} />}</ChartTable>
    </div>
  );
}

function rowsOf(counts: Record<string, Record<string, number>>, territories: Record<string, TerritoryView>, withTotal: boolean): Row[] {
  const ids = Object.keys(territories).filter((id) => counts[id]);
  for (const id of Object.keys(counts)) if (!ids.includes(id)) ids.push(id);
  const total: Record<string, number> = {};
  for (const c of Object.values(counts)) for (const [k, n] of Object.entries(c)) total[k] = (total[k] ?? 0) + n;
  if (!Object.keys(total).length) return [];
  const sum = (c: Record<string, number>) => POSITION_KEYS.reduce((a, k) => a + (c[k] ?? 0), 0);
  const rows: Row[] = ids.map((id) => ({
    id,
    name: territories[id]?.name ?? id,
    qpv: !!territories[id]?.qpv,
    counts: counts[id]!,
    sum: sum(counts[id]!),
  }));
  if (withTotal && rows.length !== 1) rows.push({ id: '*', name: t('results.total'), qpv: false, counts: total, sum: sum(total) });
  return rows;
}

/** One row's bar: an image for assistive technologies, whose name says every figure. */
function PositionBar({ row }: { row: Row }) {
  const french = lang() === 'fr';
  const parts = POSITION_KEYS.filter((k) => row.counts[k]).map(
    (k) => `${t(`position.${k}`)} ${row.counts[k]} (${share(row.counts[k]!, row.sum, french)})`,
  );
  return (
    <div class="mk-posbar mk-bar" role="img" aria-label={t('results.row', { name: row.name, parts: parts.join(', ') })}>
      {POSITION_KEYS.map((k) =>
        row.counts[k] ? (
          <span key={k} class={`mk-posseg mk-seg ${positionClass(k)}`} data-value={k} style={{ width: `${(100 * row.counts[k]) / row.sum}%` }}>
            <span class="mk-seg-label">
              <Pictogram name={positionPictogram(k)} size={14} />
              <span class="mk-seg-pct">{share(row.counts[k]!, row.sum, french)}</span>
            </span>
          </span>
        ) : null,
      )}
    </div>
  );
}

export function PositionLegend() {
  return (
    <ul class="mk-legend" aria-hidden="true">
      {POSITION_KEYS.map((k) => (
        <li key={k} data-value={k}>
          <span class={`mk-swatch ${positionClass(k)}`}>
            <Pictogram name={positionPictogram(k)} size={14} />
          </span>{' '}
          {t(`position.${k}`)}
        </li>
      ))}
    </ul>
  );
}

function PositionTable({ rows }: { rows: Row[] }) {
  const french = lang() === 'fr';
  return (
    <table class="mk-chart-data">
      <caption>{t('results.table_caption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('results.territory')}</th>
          {POSITION_KEYS.map((k: PositionKey) => (
            <th scope="col" key={k}>{t(`position.${k}`)}</th>
          ))}
          <th scope="col">{t('results.total_col')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id} data-territory={row.id}>
            <th scope="row">{row.name}</th>
            {POSITION_KEYS.map((k) => (
              <td key={k} data-value={k}>
                {row.counts[k] ?? 0} <span class="mk-muted">({share(row.counts[k] ?? 0, row.sum, french)})</span>
              </td>
            ))}
            <td>{row.sum}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
