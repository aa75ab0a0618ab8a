/**
 * The forum (the online phase), as a resident meets it on a phone: « Proposer » a problem or an
 * idea, one's own contributions (waiting to be sent, waiting for moderation, published), then the
 * published contributions — filters, the map, and the list. The list is the page: everything the
 * map does is done from it (RGAA: the map is a supplement, aria-hidden; ./leafletMap.ts).
 * Each contribution: its kind (pictogram, shape and colour), territory, theme, address, the room's
 * counts (tallies, k-anonymity), the position scale of the live tablet, and its comments.
 */
import { useMemo, useRef, useState } from 'preact/hooks';
import { plural, t } from '../../i18n';
import { LandscapeView } from '../../landscape/LandscapeView';
import type { SessionView, StatementView } from '../../state';
import { announce } from '../../ui/Live';
import { Pictogram } from '../../ui/Pictogram';
import { MyStatements } from '../Compose';
import type { Ctx } from '../ctx';
import { loadIdentity } from '../storage';
import { ForumItem } from './ForumItem';
import { ForumMap } from './ForumMap';
import type { MapMarker } from './leafletMap';
import { NO_FILTER, contributions, filtered, pointOf, type ForumFilter } from './model';
import { Propose } from './Propose';

export function Forum({ ctx }: { ctx: Ctx }) {
  return (
    <>
      <ForumIntro s={ctx.s} />
      <Propose ctx={ctx} />
      <MyStatements ctx={ctx} title={t('forum.mine.title')} />
      <Contributions ctx={ctx} />
      <LandscapeView
        sessionId={ctx.sessionId}
        auth={{ token: loadIdentity(ctx.sessionId)?.token ?? '' }}
        territories={Object.values(ctx.s.territories)}
        tallySeq={ctx.s.tallies?.seq ?? 0}
      />
    </>
  );
}

function ForumIntro({ s }: { s: SessionView }) {
  return (
    <section class="mk-card mk-forum-intro" aria-labelledby="forum-title">
      <h2 id="forum-title" tabIndex={-1}>
        <Pictogram name="globe" /> {t('forum.title')}
      </h2>
      <p>{s.closed ? t('forum.closed') : t('forum.intro')}</p>
    </section>
  );
}

function Contributions({ ctx }: { ctx: Ctx }) {
  const { s } = ctx;
  const [filter, setFilter] = useState<ForumFilter>(NO_FILTER);
  const all = useMemo(() => contributions(s), [s, s.statements, ctx.conn.store.seq]);
  const shown = useMemo(() => filtered(all, filter), [all, filter]);
  const markers = useMemo(() => markersOf(shown), [shown]);
  const list = useRef<HTMLUListElement>(null);

  function change(patch: Partial<ForumFilter>) {
    const next = { ...filter, ...patch };
    setFilter(next);
    announce(plural('forum.filter.shown', filtered(all, next).length, { total: all.length }));
  }

  function focusItem(id: string) {
    const heading = document.getElementById(`st-${id}`);
    heading?.scrollIntoView({ block: 'center' });
    heading?.focus();
  }

  return (
    <section class="mk-card" aria-labelledby="contributions-title">
      <h2 id="contributions-title">
        <Pictogram name="chart" /> {t('forum.list.title')}
        {all.length > 0 && <span class="mk-muted"> ({all.length})</span>}
      </h2>
      <Filters s={s} filter={filter} onChange={change} />
      <p class="mk-hint" data-testid="forum-shown">
        {plural('forum.filter.shown', shown.length, { total: all.length })}
      </p>
      <p class="mk-hint">{t('forum.map.supplement')}</p>
      <ForumMap markers={markers} onMarker={focusItem} testId="forum-map" />
      {shown.length === 0 ? (
        <p class="mk-muted">{all.length === 0 ? t('forum.list.none') : t('forum.list.none_here')}</p>
      ) : (
        <ul class="mk-list mk-statements" data-testid="forum-list" ref={list}>
          {shown.map((st) => (
            <ForumItem key={st.id} ctx={ctx} st={st} />
          ))}
        </ul>
      )}
    </section>
  );
}

function markersOf(list: readonly StatementView[]): MapMarker[] {
  const out: MapMarker[] = [];
  for (const st of list) {
    const point = pointOf(st.place);
    if (point) out.push({ id: st.id, point, kind: st.kind, label: st.text ?? '' });
  }
  return out;
}

/** Three real selects, each labelled; « Tous » first. */
function Filters({ s, filter, onChange }: { s: SessionView; filter: ForumFilter; onChange: (patch: Partial<ForumFilter>) => void }) {
  const territories = Object.values(s.territories);
  const themes = s.themes ?? [];
  return (
    <fieldset class="mk-forum-filters" data-testid="forum-filters">
      <legend>{t('forum.filter.legend')}</legend>
      <div class="mk-field">
        <label for="filter-territory">{t('forum.filter.territory')}</label>
        <select id="filter-territory" class="mk-input" value={filter.territory} onChange={(e) => onChange({ territory: (e.target as HTMLSelectElement).value })}>
          <option value="">{t('forum.filter.all_territories')}</option>
          {territories.map((ter) => (
            <option key={ter.id} value={ter.id}>
              {ter.name}
            </option>
          ))}
        </select>
      </div>
      <div class="mk-field">
        <label for="filter-kind">{t('forum.filter.kind')}</label>
        <select id="filter-kind" class="mk-input" value={filter.kind} onChange={(e) => onChange({ kind: (e.target as HTMLSelectElement).value as ForumFilter['kind'] })}>
          <option value="">{t('forum.filter.all_kinds')}</option>
          <option value="problem">{t('forum.kinds.problem')}</option>
          <option value="idea">{t('forum.kinds.idea')}</option>
        </select>
      </div>
      {themes.length > 0 && (
        <div class="mk-field">
          <label for="filter-theme">{t('forum.filter.theme')}</label>
          <select id="filter-theme" class="mk-input" value={filter.theme} onChange={(e) => onChange({ theme: (e.target as HTMLSelectElement).value })}>
            <option value="">{t('forum.filter.all_themes')}</option>
            {themes.map((theme) => (
              <option key={theme} value={theme}>
                {theme}
              </option>
            ))}
          </select>
        </div>
      )}
    </fieldset>
  );
}
