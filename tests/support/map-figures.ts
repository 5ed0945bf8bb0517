// The map island's figures for a view, worked out by its own hook (useFigures) on a district's
// committed map data, for the tests of the parts that show them (the tooltips, the ranking, the
// legend, a ward's details) without a browser.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { useFigures, type Figures } from '../../src/islands/use-figures.ts';
import { defaultState, type MapViewState } from '../../src/lib/map-state.ts';
import { decodeMapData, type MapData } from '../../src/shared/map-data.ts';

/** The committed map data of Leeds (public/) and of another district (its output folder). */
export const MAP_DATA_FILES = {
  leeds: 'public/data/map-data.bin.gz',
  sheffield: 'data/areas/sheffield/output/map-data.bin.gz',
} as const;

export function readMapData(district: keyof typeof MAP_DATA_FILES): MapData {
  return decodeMapData(new Uint8Array(gunzipSync(readFileSync(MAP_DATA_FILES[district]))));
}

/** The figures the island shows for the map's default view changed by `change`. */
export function figuresOf(data: MapData, change: Partial<MapViewState>): Figures {
  const state = { ...defaultState({ months: data.months, wards: data.wards }), ...change };
  let figures: Figures | undefined;
  function Probe() {
    figures = useFigures(data, state);
    return null;
  }
  renderToString(h(Probe, {}));
  if (figures === undefined) throw new Error('useFigures gave no figures');
  return figures;
}
