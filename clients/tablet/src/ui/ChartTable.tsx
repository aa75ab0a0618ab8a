/**
 * The « Voir en tableau » toggle under every result chart: a native <details> whose summary is a
 * visible button-like control, opening a real <table> with the chart's figures (RGAA 3.1: the
 * information of a chart is also given as text). The table is built only while open (the replay
 * draws hundreds of charts); it scrolls inside its own box on a narrow screen, never the page.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { t, useLang } from '../i18n';
import { Pictogram } from './Pictogram';

export function ChartTable(props: { caption: string; children: () => ComponentChildren; testId?: string }) {
  useLang();
  const [open, setOpen] = useState(false);
  return (
    <details
      class="mk-chart-table"
      data-testid={props.testId ?? 'chart-table'}
      onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>
        <Pictogram name="table-grid" size={18} /> {open ? t('chart.hide_table') : t('chart.as_table')}
      </summary>
      {open && (
        <div class="mk-table-scroll" role="region" aria-label={props.caption} tabIndex={0}>
          {props.children()}
        </div>
      )}
    </details>
  );
}
