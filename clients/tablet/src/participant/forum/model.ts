/**
 * The forum's pure parts: which contributions a set of filters keeps, how a marker looks for each
 * kind (shape AND colour, never colour alone), what the room's counts of one contribution say,
 * where the map opens, and the territory a flyer's link preselects. No DOM, no Leaflet: the list
 * (./Forum.tsx), the map (./leafletMap.ts) and the tests (test/forum.test.ts) share them.
 */
import type { PlaceView, SessionView, StatementKind, StatementTally, StatementView, Tallies } from '../../state';
import { idNumber } from '../../state';

/** The filters of the list and the map; '' = all. */
export interface ForumFilter {
  territory: string;
  kind: '' | StatementKind;
  theme: string;
}

export const NO_FILTER: ForumFilter = { territory: '', kind: '', theme: '' };

/** The published contributions, newest first. */
export function contributions(s: SessionView): StatementView[] {
  return Object.values(s.statements)
    .filter((st) => st.status === 'published')
    .sort((a, b) => idNumber(b.id) - idNumber(a.id));
}

export function matches(st: StatementView, f: ForumFilter): boolean {
  if (f.territory && st.territory !== f.territory) return false;
  if (f.kind && (st.kind ?? 'problem') !== f.kind) return false;
  if (f.theme && st.theme !== f.theme) return false;
  return true;
}

export function filtered(list: readonly StatementView[], f: ForumFilter): StatementView[] {
  return list.filter((st) => matches(st, f));
}

/** A point on the map, when the place has one. */
export function pointOf(place: PlaceView | null | undefined): [number, number] | null {
  if (!place || place.lat == null || place.lon == null) return null;
  return [place.lat, place.lon];
}

/** How a marker is drawn: a problem is a red triangle with « ! », an idea a blue circle with a
 *  bulb's dot — two shapes, two colours, so that neither colour nor shape alone carries it. */
export interface MarkerStyle {
  shape: 'triangle' | 'circle';
  colour: string;
  /** the inline SVG of the icon, 28×28 (Leaflet divIcon's html) */
  svg: string;
}

const COLOURS: Record<StatementKind, string> = { problem: '#8e1b1b', idea: '#1f4fa3' };

export function markerStyle(kind: StatementKind | null | undefined): MarkerStyle {
  const k: StatementKind = kind === 'idea' ? 'idea' : 'problem';
  const colour = COLOURS[k];
  const body =
    k === 'problem'
      ? `<path d="M14 2L27 25H1z" fill="${colour}" stroke="#fff" stroke-width="2" stroke-linejoin="round"/>` +
        `<path d="M14 10v7M14 20.5v.5" stroke="#fff" stroke-width="2.6" stroke-linecap="round"/>`
      : `<circle cx="14" cy="14" r="12" fill="${colour}" stroke="#fff" stroke-width="2"/>` +
        `<circle cx="14" cy="14" r="4.5" fill="#fff"/>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="28" height="28" viewBox="0 0 28 28" aria-hidden="true" focusable="false">${body}</svg>`;
  return { shape: k === 'problem' ? 'triangle' : 'circle', colour, svg };
}

/** The room's figures on one contribution (the tallies frame): null before any frame names it;
 *  hidden under k voters (k-anonymity: no figure at all); else people for, against, neither,
 *  and those who passed. */
export type RoomCounts =
  | null
  | { hidden: true }
  | { hidden: false; voters: number; for: number; against: number; neutral: number; passes: number };

export function roomCounts(tallies: Tallies | null, statement: string): RoomCounts {
  const tally: StatementTally | undefined = tallies?.statements.find((x) => x.statement === statement);
  if (!tally) return null;
  const o = tally.overall;
  if (o.hidden || o.counts == null || o.voters == null) return { hidden: true };
  const c = o.counts;
  return {
    hidden: false,
    voters: o.voters,
    against: (c[0] ?? 0) + (c[1] ?? 0),
    neutral: c[2] ?? 0,
    for: (c[3] ?? 0) + (c[4] ?? 0),
    passes: o.passes ?? 0,
  };
}

/** Where the map opens: around its markers, else on Paris and its inner ring (Île-de-France). */
export type MapView = { kind: 'fit'; bounds: [[number, number], [number, number]] } | { kind: 'centre'; centre: [number, number]; zoom: number };

export const ILE_DE_FRANCE: MapView = { kind: 'centre', centre: [48.8566, 2.3522], zoom: 11 };
/** One marker alone: close enough to see its street. */
const ONE_POINT_ZOOM = 15;

export function initialView(points: readonly [number, number][]): MapView {
  if (points.length === 0) return ILE_DE_FRANCE;
  if (points.length === 1) return { kind: 'centre', centre: points[0]!, zoom: ONE_POINT_ZOOM };
  const lats = points.map((p) => p[0]);
  const lons = points.map((p) => p[1]);
  return {
    kind: 'fit',
    bounds: [
      [Math.min(...lats), Math.min(...lons)],
      [Math.max(...lats), Math.max(...lons)],
    ],
  };
}

/** The territory a flyer's link preselects (`/j/CODE?territoire=t2`), if the session has it. */
export function territoryFromSearch(search: string, territories: readonly { id: string }[]): string | null {
  const wanted = new URLSearchParams(search).get('territoire');
  return wanted && territories.some((ter) => ter.id === wanted) ? wanted : null;
}

/** A point as the engine takes it: 5 decimals (about a metre), within the globe. */
export function roundedPoint(lat: number, lon: number): { lat: number; lon: number } | null {
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  const r = (v: number) => Math.round(v * 1e5) / 1e5;
  return { lat: r(lat), lon: r(lon) };
}

/** The place of a new contribution, or null when neither an address nor a point was given. */
export function placeData(address: string, point: { lat: number; lon: number } | null): PlaceView | null {
  const clean = address.trim();
  if (!clean && !point) return null;
  return { address: clean || null, lat: point?.lat ?? null, lon: point?.lon ?? null };
}
