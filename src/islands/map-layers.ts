// The Leaflet side of the map island: base tiles, the heat layer and the ward layer. Preact
// owns the state and calls these methods; nothing here reads the URL or the filter.
import { MAP_AREA } from '../lib/map-area.ts';
import L from 'leaflet';
import type { FeatureCollection, Geometry } from 'geojson';
import { ZOOM_MAX, ZOOM_MIN, roundCentre, roundZoom } from '../lib/map-state.ts';
import { gridHeatLayerClass, type GridHeatLayer, type GridHeatOptions } from './heat-layer.ts';

/** The district, roughly centred, at a zoom that shows all of it (the area's map view). */
const START_CENTRE: L.LatLngTuple = MAP_AREA.view.centre;
const INITIAL_ZOOM = MAP_AREA.view.zoom;

/**
 * Base map tiles, set when the site is built (PUBLIC_TILE_URL, PUBLIC_TILE_ATTRIBUTION): a
 * site with heavy traffic should use its own tile server or a provider's, as OpenStreetMap's
 * tile usage policy asks. The attribution is HTML from the site's own build settings.
 */
const TILE_URL: string =
  import.meta.env.PUBLIC_TILE_URL || 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
const TILE_ATTRIBUTION: string =
  import.meta.env.PUBLIC_TILE_ATTRIBUTION ||
  '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';

/** The selected ward: a dark line on a white halo, visible on the palest and darkest fills. */
const SELECTED_LINE = { color: '#111111', weight: 3 };
const SELECTED_HALO = { color: '#ffffff', weight: 8, opacity: 1, fill: false };
const WARD_LINE = { color: '#37474f', weight: 1 };

/**
 * Viridis (perceptually uniform, readable with every common colour-vision deficiency),
 * from transparent-ish purple for the faintest to yellow for the densest places.
 */
export const HEAT_GRADIENT = {
  0.2: '#440154',
  0.4: '#3b528b',
  0.6: '#21918c',
  0.8: '#5ec962',
  1: '#fde725',
};
/** Spread of one place's crimes on screen, pixels. */
const HEAT_RADIUS = 12;
/**
 * Zoomed out beyond this, values are divided by 2^(maxZoom - zoom) (as leaflet.heat does), so
 * places crowding into fewer pixels do not saturate the whole district.
 */
const HEAT_MAX_ZOOM = INITIAL_ZOOM + 2;

/** leaflet.heat is a classic script that extends the global L; load it after exposing L. */
async function loadHeatLayerClass(): Promise<new (options: GridHeatOptions) => GridHeatLayer> {
  const w = window as unknown as { L?: typeof L };
  w.L = L;
  await import('leaflet.heat');
  const HeatLayer = (w.L as unknown as { HeatLayer?: typeof L.Layer }).HeatLayer;
  if (HeatLayer === undefined) throw new Error('leaflet.heat did not register L.HeatLayer');
  return gridHeatLayerClass(L, HeatLayer);
}

let heatLayerClass: ReturnType<typeof loadHeatLayerClass> | null = null;

/** leaflet.heat's layer class, loaded once for the page. */
function heatLayerClassOnce(): ReturnType<typeof loadHeatLayerClass> {
  if (heatLayerClass === null) {
    heatLayerClass = loadHeatLayerClass();
    // Reported where it is awaited (MapLayers.create); until then it is no unhandled rejection.
    heatLayerClass.catch(() => undefined);
  }
  return heatLayerClass;
}

/**
 * Start loading leaflet.heat (a script of its own) while the map data downloads: fetched only
 * once the data is in and the map is being created, the script would add a round trip and
 * its compilation to the time until the map is ready.
 */
export function preloadHeatLayer(): void {
  void heatLayerClassOnce();
}

export interface WardFeatureProperties {
  code: string;
  name: string;
  slug: string;
}

export interface WardStyle {
  fillColor: string;
  fillOpacity: number;
}

/** A map view: centre [lat, lon] and zoom. */
export interface MapViewport {
  centre: [number, number];
  zoom: number;
}

/**
 * Whether two views show the same: same zoom, centres within two screen pixels. Leaflet puts
 * the centre on a whole pixel, so a view set from the URL reads back a little off.
 */
export function sameViewport(a: MapViewport, b: MapViewport): boolean {
  if (a.zoom !== b.zoom) return false;
  const pixel = 360 / (256 * 2 ** a.zoom);
  return (
    Math.abs(a.centre[0] - b.centre[0]) < 2 * pixel &&
    Math.abs(a.centre[1] - b.centre[1]) < 2 * pixel
  );
}

/** How far inside the uncovered part of the map a revealed ward's middle is brought. */
const REVEAL_MARGIN_PX = 32;

export interface MapLayerCallbacks {
  /** Tooltip text for a ward under the pointer (set as text, never as HTML). */
  wardLabel(slug: string): string;
  onWardClick(slug: string): void;
  /** Called once when base tiles fail to load; the overlays keep working. */
  onTilesFailed(): void;
  /**
   * The map was panned or zoomed (by the user, or by setView): a move of its own ('step'), or
   * the rest of the last change ('amend': a picked ward brought into view).
   */
  onMove(view: MapViewport, mode?: 'step' | 'amend'): void;
}

export class MapLayers {
  private readonly map: L.Map;
  private readonly heat: GridHeatLayer;
  private readonly wardLayer: L.GeoJSON<WardFeatureProperties, Geometry>;
  private readonly wardPaths = new Map<string, L.Path>();
  private readonly wardStyleKeys = new Map<string, string>();
  private readonly halo: L.GeoJSON;
  private readonly resizeObserver: ResizeObserver;
  private readonly callbacks: MapLayerCallbacks;
  private haloWard: string | null = null;
  /**
   * True while the map moves itself: refitting after a resize, or showing a view the state
   * asks for (back, forward, a deep link). Such moves are not the user's.
   */
  private settingView = false;
  private heatShown = false;
  /** The view that shows the whole district in this container (state without centre/zoom). */
  fittedView: MapViewport;

  private constructor(
    container: HTMLElement,
    HeatLayerClass: new (options: GridHeatOptions) => GridHeatLayer,
    wards: FeatureCollection<Geometry, WardFeatureProperties>,
    callbacks: MapLayerCallbacks,
  ) {
    this.callbacks = callbacks;
    // No view yet: the map shows the whole district from its first frame. Layers added to a
    // map with a view draw at once, and would draw again, tiles and outlines, at the fitted one.
    this.map = L.map(container, {
      maxZoom: ZOOM_MAX,
      minZoom: ZOOM_MIN,
      // Half zoom steps let the district fill the map box instead of leaving a wide margin.
      zoomSnap: 0.5,
      // The resize observer below is the map's one handler of a new size. Leaflet's own, on
      // the window's resize, would learn the size first and leave the observer nothing to do.
      trackResize: false,
    });
    this.heat = new HeatLayerClass({
      radius: HEAT_RADIUS,
      max: 1,
      maxZoom: HEAT_MAX_ZOOM,
      gradient: HEAT_GRADIENT,
    });
    this.halo = L.geoJSON(undefined, { style: () => SELECTED_HALO, interactive: false });
    this.wardLayer = L.geoJSON(wards, {
      style: () => ({ ...WARD_LINE, fillOpacity: 0, fillColor: '#ffffff' }),
      onEachFeature: (feature, layer) => {
        const slug = feature.properties.slug;
        this.wardPaths.set(slug, layer as L.Path);
        layer.bindTooltip(
          () => {
            // textContent: ward names are data and must never be parsed as HTML.
            const label = document.createElement('span');
            label.textContent = callbacks.wardLabel(slug);
            return label;
          },
          { sticky: true },
        );
        layer.on('click', () => callbacks.onWardClick(slug));
      },
    });
    this.fittedView = this.fit();

    let tilesFailed = false;
    L.tileLayer(TILE_URL, { attribution: TILE_ATTRIBUTION, maxZoom: ZOOM_MAX })
      .on('tileerror', () => {
        if (tilesFailed) return;
        tilesFailed = true;
        callbacks.onTilesFailed();
      })
      .addTo(this.map);
    this.halo.addTo(this.map);
    this.wardLayer.addTo(this.map);
    // Out of the tab order and out of the accessibility tree: the ranking and the search are
    // the keyboard's and the screen reader's way to a ward. Chromium puts an SVG element with
    // focus listeners (Leaflet's tooltips add them) in the tab order, and gives every outline to
    // a screen reader as an unnamed graphic: 33 stops that say nothing and do nothing. The
    // drawing's root goes too (the outlines and the selected ward's halo), an empty graphic once
    // they are hidden. A pointer still hovers and clicks them.
    for (const path of this.wardPaths.values()) {
      const outline = path.getElement();
      outline?.setAttribute('tabindex', '-1');
      outline?.closest('svg')?.setAttribute('aria-hidden', 'true');
    }
    pressedWithSpace(
      container.querySelectorAll<HTMLElement>('.leaflet-control-zoom [role="button"]'),
    );
    this.map.on('moveend', () => {
      if (!this.settingView) callbacks.onMove(this.view());
    });
    // The panel opens and closes beside the map, a phone turns: Leaflet must learn the new
    // size, and a map showing the whole district goes on showing all of it. The observer also
    // reports the size the map already has (once, when it starts): that changes nothing.
    this.resizeObserver = new ResizeObserver(() => {
      const known = this.map.getSize();
      if (container.clientWidth === known.x && container.clientHeight === known.y) return;
      const wasFitted = sameViewport(this.view(), this.fittedView);
      const centre = this.map.getCenter();
      this.settingView = true;
      this.map.invalidateSize({ pan: false });
      // A shown district is fitted again; any other view keeps its exact centre (a resize
      // alone would move it by half the change in size, and a deep link's URL with it).
      if (wasFitted) this.fittedView = this.fit();
      else this.map.setView(centre, this.map.getZoom(), { animate: false });
      this.settingView = false;
      callbacks.onMove(this.view());
    });
    this.resizeObserver.observe(container);
  }

  /** Show the whole district (the area's starting view without ward shapes); returns the view. */
  private fit(): MapViewport {
    const bounds = this.wardLayer.getBounds();
    if (bounds.isValid()) this.map.fitBounds(bounds, { animate: false });
    else this.map.setView(START_CENTRE, INITIAL_ZOOM, { animate: false });
    return this.view();
  }

  /** The current view, rounded as the URL keeps it. */
  view(): MapViewport {
    const c = this.map.getCenter();
    return { centre: roundCentre([c.lat, c.lng]), zoom: roundZoom(this.map.getZoom()) };
  }

  /** Show `view`, or the whole district for null; nothing happens if it is shown already. */
  setView(view: MapViewport | null): void {
    const target = view ?? this.fittedView;
    if (sameViewport(this.view(), target)) return;
    // A pan still gliding (an arrow key pressed just before back) stops here, and Leaflet ends
    // it with a move to wherever it had got to: that is no move of the user's, and taken as
    // one it would add a history entry on top of the one back just went to.
    this.settingView = true;
    try {
      this.map.setView(target.centre, target.zoom, { animate: false });
    } finally {
      this.settingView = false;
    }
    this.callbacks.onMove(this.view());
  }

  static async create(
    container: HTMLElement,
    wards: FeatureCollection<Geometry, WardFeatureProperties>,
    callbacks: MapLayerCallbacks,
  ): Promise<MapLayers> {
    return new MapLayers(container, await heatLayerClassOnce(), wards, callbacks);
  }

  /** Show the heat layer: crimes at each point (indexed like lat/lon), saturating at `max`. */
  showHeat(lat: Float64Array, lon: Float64Array, values: Float64Array, max: number): void {
    this.heat.setPoints(lat, lon, values, max);
    // Added after its points are set, it draws them once, at once: added first, it would draw
    // an empty grid, then the points a frame later.
    if (!this.heatShown) {
      this.heat.addTo(this.map);
      this.heatShown = true;
    }
  }

  /** Work out the heat picture again without drawing it (GridHeatLayer.warm), when it is shown. */
  warmHeat(): void {
    if (this.heatShown) this.heat.warm();
  }

  hideHeat(): void {
    if (!this.heatShown) return;
    this.heat.remove();
    this.heatShown = false;
  }

  /**
   * Pan the map the least that brings the middle of ward `slug` into the part of the map that
   * `cover` (pixels from the right and from the foot, e.g. the ward details) leaves in view;
   * nothing when that part is too small to pan into, or the ward is in it already. The move is
   * part of the pick (onMove 'amend'): the address keeps it, and back undoes it with the pick.
   */
  revealWard(slug: string, cover: { right: number; bottom: number }): void {
    const path = this.wardPaths.get(slug) as L.Polygon | undefined;
    const size = this.map.getSize();
    const margin = REVEAL_MARGIN_PX;
    if (path === undefined) return;
    if (size.x - cover.right < 4 * margin || size.y - cover.bottom < 4 * margin) return;
    const before = this.map.getCenter();
    this.settingView = true;
    try {
      this.map.panInside(path.getBounds().getCenter(), {
        paddingTopLeft: [margin, margin],
        paddingBottomRight: [cover.right + margin, cover.bottom + margin],
        animate: false,
      });
      if (this.map.getCenter().equals(before)) return;
      // At the view as the address keeps it (rounded), drawn afresh (reset: a new pixel
      // origin), so that a load of the address shows the map as it is now, to the pixel.
      const shown = this.view();
      this.map.setView(shown.centre, shown.zoom, {
        animate: false,
        reset: true,
      } as L.ZoomPanOptions);
    } finally {
      this.settingView = false;
    }
    this.callbacks.onMove(this.view(), 'amend');
  }

  /** Fill every ward (choropleth) or, with `styles` null, draw outlines only. */
  styleWards(styles: ReadonlyMap<string, WardStyle> | null, selected: string | null): void {
    for (const [slug, path] of this.wardPaths) {
      const style = styles?.get(slug);
      const isSelected = slug === selected;
      const next = {
        ...(isSelected ? SELECTED_LINE : WARD_LINE),
        fillColor: style?.fillColor ?? '#ffffff',
        fillOpacity: style?.fillOpacity ?? 0,
      };
      // Restyling an SVG path makes the browser repaint it; most filter changes leave most
      // wards as they were.
      const key = `${next.color} ${next.weight} ${next.fillColor} ${next.fillOpacity}`;
      if (this.wardStyleKeys.get(slug) === key) continue;
      this.wardStyleKeys.set(slug, key);
      const reclip = path.options.weight !== next.weight;
      path.setStyle(next);
      // Leaflet clips a path to the view with a margin of half its line's width, and only
      // when it draws the path: clip again, so the outline is what a fresh load would draw.
      if (reclip) path.redraw();
      if (isSelected) path.bringToFront();
    }
    if (this.haloWard !== selected) {
      this.haloWard = selected;
      this.halo.clearLayers();
      const path = selected === null ? undefined : this.wardPaths.get(selected);
      if (path !== undefined) {
        // Above the neighbouring fills, below the ward's own line.
        this.halo.addData((path as L.Polygon).toGeoJSON());
        this.halo.bringToFront();
        path.bringToFront();
      }
    }
  }

  /** Refresh open tooltips after the figures changed. */
  refreshTooltips(): void {
    for (const path of this.wardPaths.values()) {
      const tooltip = path.getTooltip();
      if (tooltip?.isOpen()) tooltip.update();
    }
  }

  destroy(): void {
    this.resizeObserver.disconnect();
    this.map.remove();
  }
}

/**
 * Leaflet's zoom buttons are links that say they are buttons (role="button"): a keyboard
 * presses a button with Space as well as Enter, and a link answers Enter alone. Space on one
 * now presses it, as Enter does, and does not scroll the page.
 */
function pressedWithSpace(buttons: Iterable<HTMLElement>): void {
  for (const button of buttons) {
    button.addEventListener('keydown', (event) => {
      if (event.key !== ' ' || event.repeat) return;
      event.preventDefault();
      button.click();
    });
  }
}
