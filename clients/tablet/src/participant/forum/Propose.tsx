/** « Proposer » a problem or an idea: its text, its kind, its theme (one of the session's, or
 *  none), and if wanted its place — an address typed, and/or a point chosen on the map (the
 *  address is the keyboard's way; the map only adds a point). The draft survives a reload; sent
 *  offline, it waits in the outbox and shows in « Mes contributions » as the tablet shows it. */
import { useState } from 'preact/hooks';
import { errorText, t } from '../../i18n';
import { Button } from '../../ui/Button';
import { announce } from '../../ui/Live';
import { Pictogram } from '../../ui/Pictogram';
import type { Ctx } from '../ctx';
import { KindChoice } from '../Compose';
import { TextBox } from '../TextBox';
import { useDraft, useStoredState } from '../storage';
import { ForumMap } from './ForumMap';
import type { MapMarker } from './leafletMap';
import { placeData, roundedPoint } from './model';

const MAX = 280;
const ADDRESS_MAX = 200;
type Point = { lat: number; lon: number };
/** The form's map shows only the point being chosen (one array, so the map is not redrawn). */
const NO_MARKERS: MapMarker[] = [];

export function Propose({ ctx }: { ctx: Ctx }) {
  const { conn, s, sessionId, writing } = ctx;
  const themes = s.themes ?? [];
  const [text, setText, clearText] = useDraft(sessionId, 'forum-text');
  const [kind, setKind] = useDraft(sessionId, 'forum-kind', 'problem');
  const [theme, setTheme] = useDraft(sessionId, 'forum-theme', '');
  const [address, setAddress, clearAddress] = useDraft(sessionId, 'forum-address');
  const [point, setPoint] = useStoredState<Point | null>(sessionId, 'forum-point', null);
  const [error, setError] = useState<string | null>(null);
  const [mapOpen, setMapOpen] = useState(false);
  const open = writing === 'open';

  function fail(message: string) {
    setError(message);
    announce(message);
  }

  function submit(e: Event) {
    e.preventDefault();
    if (!open) return;
    const clean = text.trim();
    if (!clean) return fail(t('forum.propose.empty'));
    if (clean.length > MAX || address.trim().length > ADDRESS_MAX) return fail(errorText('text_too_long'));
    setError(null);
    const data: Record<string, unknown> = { text: clean, kind: kind === 'idea' ? 'idea' : 'problem' };
    if (theme && themes.includes(theme)) data.theme = theme;
    const place = placeData(address, point);
    if (place) data.place = place;
    conn
      .send('ProposeStatement', data)
      .then(() => announce(t('forum.propose.sent')))
      .catch(() => undefined); // kept in « Mes contributions », marked « non envoyé » (unsent.ts)
    announce(conn.status === 'online' ? t('p.compose.sending') : t('common.queued'));
    clearText();
    clearAddress();
    setPoint(null);
    setMapOpen(false);
  }

  function pick(lat: number, lon: number) {
    const p = roundedPoint(lat, lon);
    if (!p) return;
    setPoint(p);
    announce(t('forum.propose.point_set'));
  }

  return (
    <section class="mk-card" aria-labelledby="propose-title">
      <h2 id="propose-title">
        <Pictogram name="pencil" /> {t('forum.propose.title')}
      </h2>
      <form onSubmit={submit} noValidate data-testid="propose-form">
        <KindChoice name="forum-kind" kind={kind} onChange={setKind} />
        <TextBox
          id="forum-text"
          testId="forum-text"
          label={t('forum.propose.label')}
          hint={t('forum.propose.hint')}
          value={text}
          max={MAX}
          rows={3}
          error={error}
          onInput={(v) => {
            setText(v);
            if (error) setError(null);
          }}
        />
        {themes.length > 0 && (
          <div class="mk-field">
            <label for="forum-theme">
              {t('forum.propose.theme')} {t('common.optional')}
            </label>
            <select id="forum-theme" class="mk-input" value={theme} onChange={(e) => setTheme((e.target as HTMLSelectElement).value)}>
              <option value="">{t('forum.propose.no_theme')}</option>
              {themes.map((th) => (
                <option key={th} value={th}>
                  {th}
                </option>
              ))}
            </select>
          </div>
        )}
        <fieldset class="mk-forum-place">
          <legend>
            <Pictogram name="pin" /> {t('forum.propose.place')} {t('common.optional')}
          </legend>
          <TextBox
            id="forum-address"
            testId="forum-address"
            label={t('forum.propose.address')}
            hint={t('forum.propose.address_hint')}
            value={address}
            max={ADDRESS_MAX}
            single
            onInput={setAddress}
          />
          <p class="mk-hint" data-testid="forum-point">
            {point ? t('forum.propose.point_chosen') : t('forum.propose.no_point')}
          </p>
          <div class="mk-row">
            <Button icon="pin" aria-expanded={mapOpen ? 'true' : 'false'} aria-controls="propose-map" onClick={() => setMapOpen(!mapOpen)}>
              {mapOpen ? t('forum.propose.map_close') : t('forum.propose.map_open')}
            </Button>
            {point && (
              <Button
                icon="cross"
                onClick={() => {
                  setPoint(null);
                  announce(t('forum.propose.point_removed'));
                }}
              >
                {t('forum.propose.point_remove')}
              </Button>
            )}
          </div>
          {mapOpen && (
            <div id="propose-map">
              <p class="mk-hint">{t('forum.propose.map_hint')}</p>
              <ForumMap markers={NO_MARKERS} onPick={pick} picked={point ? [point.lat, point.lon] : null} testId="propose-map" size="small" />
            </div>
          )}
        </fieldset>
        <div class="mk-row">
          <Button type="submit" variant="primary" icon="send" unavailable={!open}>
            {t('forum.propose.submit')}
          </Button>
        </div>
        {!open && <p class="mk-hint">{t('forum.closed')}</p>}
      </form>
    </section>
  );
}
