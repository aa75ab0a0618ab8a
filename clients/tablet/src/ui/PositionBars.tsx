/** The distribution of positions on a statement, per territory and for everyone, as the tallies
 *  give it (state/tallies.ts: k-anonymity, the cahier's rule): one stacked bar per row, each
 *  segment told by its colour, its pattern and its pictogram (ui/chartStyle.ts), a legend in
 *  words, and « Voir en tableau » for the figures. A hidden group shows « moins de 5 » and no bar
 *  nor figure; under k voters in all, nothing but that. */
import { lang, t, useLang } from '../i18n';
import { POSITION_KEYS, type PositionKey, type StatementTally, type TallyGroup, type TerritoryView } from '../state';
import { ChartTable } from './ChartTable';
import { Pictogram } from './Pictogram';
import { positionClass, positionPictogram, share } from './chartStyle';

type Row = { id: string; name: string; qpv: boolean; hidden: boolean; counts: Record<string, number>; sum: number };

export function PositionBars(props: {
  /** the statement's tally (tallies frame, or computeTallies in the replay); none yet: null */
  tally: StatementTally | null | undefined;
  /** k of the tallies (DEFAULT_K) */
  k: number;
  territories: Record<string, TerritoryView>;
  showTotal?: boolean;
}) {
  useLang();
  const { tally, k } = props;
  if (!tally) return <p class="mk-muted">{t('results.no_positions')}</p>;
  if (tally.overall.hidden) {
    return (
      <p class="mk-muted" data-testid="positions-hidden">
        <Pictogram name="info" size={20} /> {t('results.too_few', { k })}
      </p>
    );
  }
  const rows = rowsOf(tally, props.territories, props.showTotal !== false);
  return (
    <div class="mk-posbars mk-chart">
      <PositionLegend />
      <ul class="mk-posbars-rows">
        {rows.map((row) => (
          <li key={row.id} class={row.id === '*' ? 'mk-posbars-total' : ''} data-territory={row.id} data-hidden={row.hidden ? 'true' : undefined}>
            <p class="mk-posbars-name">
              {row.name}
              {row.qpv && <abbr class="mk-qpv" title={t('territory.qpv_long')}>{t('territory.qpv')}</abbr>}
              <span class="mk-muted"> · {row.hidden ? t('results.hidden', { k }) : t('results.count', { n: row.sum })}</span>
            </p>
            {!row.hidden && <PositionBar row={row} />}
          </li>
        ))}
      </ul>
      <ChartTable caption={t('results.table_caption')}>{() => <PositionTable rows={rows} k={k} />}</ChartTable>
    </div>
  );
}

function asCounts(group: TallyGroup): Record<string, number> {
  const counts: Record<string, number> = {};
  if (group.hidden || !group.counts) return counts;
  POSITION_KEYS.forEach((key, i) => {
    const n = key === 'pass' ? group.passes : group.counts![i];
    if (n) counts[key] = n;
  });
  return counts;
}

function rowsOf(tally: StatementTally, territories: Record<string, TerritoryView>, withTotal: boolean): Row[] {
  const rows: Row[] = tally.territories.map((g) => ({
    id: g.group,
    name: territories[g.group]?.name ?? g.group,
    qpv: !!territories[g.group]?.qpv,
    hidden: g.hidden,
    counts: asCounts(g),
    sum: g.voters ?? 0,
  }));
  if (withTotal && rows.length !== 1) {
    rows.push({ id: '*', name: t('results.total'), qpv: false, hidden: false, counts: asCounts(tally.overall), sum: tally.overall.voters ?? 0 });
  }
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

function PositionTable({ rows, k }: { rows: Row[]; k: number }) {
  const french = lang() === 'fr';
  return (
    <table class="mk-chart-data">
      <caption>{t('results.table_caption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('results.territory')}</th>
          {POSITION_KEYS.map((key: PositionKey) => (
            <th scope="col" key={key}>{t(`position.${key}`)}</th>
          ))}
          <th scope="col">{t('results.total_col')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) =>
          row.hidden ? (
            <tr key={row.id} data-territory={row.id} data-hidden="true">
              <th scope="row">{row.name}</th>
              <td colSpan={POSITION_KEYS.length + 1}>{t('results.hidden', { k })}</td>
            </tr>
          ) : (
            <tr key={row.id} data-territory={row.id}>
              <th scope="row">{row.name}</th>
              {POSITION_KEYS.map((key) => (
                <td key={key} data-value={key}>
                  {row.counts[key] ?? 0} <span class="mk-muted">({share(row.counts[key] ?? 0, row.sum, french)})</span>
                </td>
              ))}
              <td>{row.sum}</td>
            </tr>
          ),
        )}
      </tbody>
    </table>
  );
}
