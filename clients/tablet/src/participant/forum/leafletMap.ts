/**
 * The forum's map, with Leaflet: loaded on demand (`import('./leafletMap')`), in its own chunk, so
 * that the list — the page's real content — is drawn first on a slow phone.
 *
 * The map is a supplement for sighted pointer users: its container is aria-hidden, nothing in it
 * takes the focus (no keyboard handler, no zoom buttons, markers not focusable), and its
 * attribution is drawn outside it, as page text. Everything it does is done from the list
 * (a marker's click = the item's heading) and the form (a point = an address typed).
 */
import * as L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import type { StatementKind } from '../../state';
import { initialView, markerStyle } from './model';

export interface MapMarker {
  id: string;
  point: [number, number];
  kind: StatementKind | null;
  /** the contribution's words, shown on hover (the title attribute; the map is aria-hidden) */
  label?: string;
}

export interface MapOptions {
  /** a Leaflet URL template; null: no tiles (markers on a blank background) */
  tiles: string | null;
  markers: MapMarker[];
  /** a marker was clicked */
  onMarker?: (id: string) => void;
  /** the map was clicked (choosing a place) */
  onPick?: (lat: number, lon: number) => void;
}

export interface MapHandle {
  setMarkers(markers: MapMarker[]): void;
  /** the point chosen for a new contribution, or none */
  setPicked(point: [number, number] | null): void;
  destroy(): void;
}

function icon(kind: StatementKind | null): L.DivIcon {
  const style = markerStyle(kind);
  return L.divIcon({ html: style.svg, className: `mk-marker mk-marker-${style.shape}`, iconSize: [28, 28], iconAnchor: [14, 14] });
}

/** The point being chosen: a dark pin, its tip on the point, unlike either kind's marker. */
function pickedIcon(): L.DivIcon {
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="32" height="40" viewBox="0 0 32 40" aria-hidden="true" focusable="false">' +
    '<path d="M16 39S3 24 3 15a13 13 0 0 1 26 0c0 9-13 24-13 24z" fill="#1c1c1c" stroke="#fff" stroke-width="2"/>' +
    '<circle cx="16" cy="15" r="5" fill="#ffbf00"/></svg>';
  return L.divIcon({ html: svg, className: 'mk-marker mk-marker-picked', iconSize: [32, 40], iconAnchor: [16, 39] });
}

export function createMap(el: HTMLElement, options: MapOptions): MapHandle {
  const map = L.map(el, { keyboard: false, zoomControl: false, attributionControl: false, boxZoom: false });
  // Until the person moves the map, it follows its markers (the first ones often arrive after
  // it is drawn; a filter changes them); once they have moved it, it stays where they put it.
  let touched = false;
  for (const name of ['pointerdown', 'wheel', 'touchstart'] as const) el.addEventListener(name, () => (touched = true), { passive: true });
  function frame(markers: MapMarker[]) {
    const view = initialView(markers.map((m) => m.point));
    if (view.kind === 'fit') map.fitBounds(view.bounds, { padding: [24, 24], maxZoom: 16 });
    else map.setView(view.centre, view.zoom);
  }
  frame(options.markers);
  if (options.tiles) L.tileLayer(options.tiles, { maxZoom: 19 }).addTo(map);
  const layer = L.layerGroup().addTo(map);
  let picked: L.Marker | null = null;

  function setMarkers(markers: MapMarker[]) {
    if (!touched) frame(markers);
    layer.clearLayers();
    for (const m of markers) {
      const marker = L.marker(m.point, { icon: icon(m.kind), keyboard: false, title: m.label ?? '' });
      if (options.onMarker) marker.on('click', () => options.onMarker!(m.id));
      marker.addTo(layer);
    }
  }
  setMarkers(options.markers);
  if (options.onPick) map.on('click', (e: L.LeafletMouseEvent) => options.onPick!(e.latlng.lat, e.latlng.lng));

  return {
    setMarkers,
    setPicked(point) {
      picked?.remove();
      picked = point ? L.marker(point, { icon: pickedIcon(), keyboard: false, interactive: false }).addTo(map) : null;
    },
    destroy() {
      map.remove();
    },
  };
}
