/**
 * The map beside the list: Leaflet loaded on demand (./leafletMap.ts, its own chunk), the tile
 * server as the server names it (`GET /api/carte`), the attribution as page text under it. With no
 * tile server the markers stand on a blank background and a sentence says so; when the map cannot
 * load (offline before its chunk was ever fetched) a sentence says the list holds everything.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../i18n';
import type { MapHandle, MapMarker } from './leafletMap';

export interface Carte {
  tiles: string | null;
  attribution: string;
  attribution_url: string | null;
}

let carteRequest: Promise<Carte> | null = null;

/** The server's tile configuration, asked once per page. */
function loadCarte(): Promise<Carte> {
  carteRequest ??= fetch('/api/carte', { headers: { Accept: 'application/json' } }).then((r) => {
    if (!r.ok) throw new Error(String(r.status));
    return r.json() as Promise<Carte>;
  });
  carteRequest.catch(() => (carteRequest = null)); // asked again next time
  return carteRequest;
}

type Load = { kind: 'loading' } | { kind: 'ready'; carte: Carte } | { kind: 'failed' };

export function ForumMap(props: {
  markers: MapMarker[];
  onMarker?: (id: string) => void;
  onPick?: (lat: number, lon: number) => void;
  picked?: [number, number] | null;
  testId: string;
  /** a taller map (the one of the list) or a shorter one (in the form) */
  size?: 'large' | 'small';
}) {
  const box = useRef<HTMLDivElement>(null);
  const handle = useRef<MapHandle | null>(null);
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  // The latest props, read by the map's callbacks (the map is made once).
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    let alive = true;
    Promise.all([loadCarte(), import('./leafletMap')])
      .then(([carte, leaflet]) => {
        if (!alive || !box.current) return;
        handle.current = leaflet.createMap(box.current, {
          tiles: carte.tiles,
          markers: latest.current.markers,
          onMarker: latest.current.onMarker && ((id) => latest.current.onMarker?.(id)),
          onPick: latest.current.onPick && ((lat, lon) => latest.current.onPick?.(lat, lon)),
        });
        handle.current.setPicked(latest.current.picked ?? null);
        setLoad({ kind: 'ready', carte });
      })
      .catch(() => alive && setLoad({ kind: 'failed' }));
    return () => {
      alive = false;
      handle.current?.destroy();
      handle.current = null;
    };
  }, []);
  useEffect(() => handle.current?.setMarkers(props.markers), [props.markers]);
  useEffect(() => handle.current?.setPicked(props.picked ?? null), [props.picked]);

  return (
    <div class="mk-map-wrap">
      {load.kind === 'failed' ? (
        <p class="mk-hint" data-testid={`${props.testId}-failed`}>
          {t('forum.map.failed')}
        </p>
      ) : (
        <div ref={box} class={`mk-map mk-map-${props.size ?? 'large'}`} aria-hidden="true" data-testid={props.testId} data-ready={load.kind === 'ready' ? 'true' : 'false'} />
      )}
      {load.kind === 'ready' &&
        (load.carte.tiles ? (
          <p class="mk-map-attribution">
            {load.carte.attribution_url ? <a href={load.carte.attribution_url}>{load.carte.attribution}</a> : load.carte.attribution}
          </p>
        ) : (
          <p class="mk-hint" data-testid={`${props.testId}-no-tiles`}>
            {t('forum.map.no_tiles')}
          </p>
        ))}
    </div>
  );
}
