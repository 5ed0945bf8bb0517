// Month summaries -> the map island's data: one small gzipped binary file (encoded by
// src/shared/map-data-encoder.ts) and a simplified ward GeoJSON for the choropleth. Pure: the caller
// writes the returned bytes and text (atomically) to public/data/.
import { constants, gzipSync } from 'node:zlib';
import { simplify } from '@turf/simplify';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { MAP_DATA_FILE_NAME } from '../src/shared/map-data.ts';
import type { MapDataEncoder } from '../src/shared/map-data-encoder.ts';
import { mapDataLicence } from '../src/shared/map-data-licence.ts';
import {
  boundariesAttribution,
  OPEN_DATA_LICENCE,
  type DistrictWords,
} from '../src/shared/open-data.ts';
import type { Ward } from '../src/shared/schema.ts';

export { MAP_DATA_FILE_NAME, WARD_SHAPES_FILE_NAME } from '../src/shared/map-data.ts';

/**
 * Ward outlines are drawn at city scale (zoom 10-14): 0.0002 degrees (about 15-20 m) keeps
 * every bend a reader can see and cuts the file to a fraction of the reference geometry.
 */
const WARD_SIMPLIFY_TOLERANCE_DEGREES = 0.0002;
/** 5 decimals (about 1 m) is finer than the simplification itself. */
const WARD_COORDINATE_DECIMALS = 5;

/**
 * Runs only (zlib's Z_RLE strategy: repeats of the byte just before, then Huffman codes). The
 * encoded columns are small varints, mostly zeros and ones in runs, so a search for longer
 * matches further back finds little. Measured on the benchmark's 96 months (1.68 MB raw):
 * 532 kB in 23 ms, against 577 kB in 207 ms at the default strategy and level 6 (most of an
 * incremental run's map step) and 567 kB in 1.07 s at level 9. On a few months the default is
 * 1.7-4.8% smaller (44.3 kB against 45.0 kB for the committed three); the file is for years.
 * Any gzip reader reads it: the browser's DecompressionStream, gunzip, zlib.
 */
const GZIP_OPTIONS = { level: 6, strategy: constants.Z_RLE } as const;

/**
 * The map island's data for the months folded into `months` (see month-folds.ts), with wards
 * indexed like `wards` and the licence and attribution of the district's sources (`words`,
 * districtWords of its area). `mapData` is gzipped; write it as public/data/<fileName>.
 */
export function buildMapData(
  months: MapDataEncoder,
  wards: readonly Ward[],
  words: DistrictWords,
): { mapData: Uint8Array; fileName: string } {
  const encoded = months.encode(wards, mapDataLicence(words));
  const mapData = new Uint8Array(gzipSync(encoded, GZIP_OPTIONS));
  return { mapData, fileName: MAP_DATA_FILE_NAME };
}

/** A ward polygon as the reference geography holds it (pipeline/reference.ts Area). */
export interface WardArea {
  code: string;
  geometry: Polygon | MultiPolygon;
}

function roundPositions(coordinates: unknown): unknown {
  if (typeof coordinates === 'number') {
    const f = 10 ** WARD_COORDINATE_DECIMALS;
    return Math.round(coordinates * f) / f;
  }
  return (coordinates as unknown[]).map(roundPositions);
}

/**
 * Simplified ward outlines for the choropleth, as GeoJSON text: one feature per ward in the
 * order of `wards`, properties { code, name, slug }, with the boundaries' licence and
 * attribution (`boundariesYear`: the year of their OS notice) as foreign members, since the
 * file is published. `areas` are the polygons of the area's ward boundaries `wardsFile`
 * (named when a ward has none). Write it as public/data/wards.geojson (WARD_SHAPES_FILE_NAME).
 */
export function buildWardShapes(
  areas: readonly WardArea[],
  wards: readonly Ward[],
  boundariesYear: number,
  wardsFile: string,
): string {
  const byCode = new Map(areas.map((a) => [a.code, a]));
  const features = wards.map((ward): Feature<Polygon | MultiPolygon> => {
    const area = byCode.get(ward.code);
    if (area === undefined) {
      throw new Error(
        `Ward ${ward.code} (${ward.name}) has no boundary in the reference geography; ` +
          `check ${wardsFile}.`,
      );
    }
    const simplified = simplify(
      { type: 'Feature', properties: {}, geometry: area.geometry },
      { tolerance: WARD_SIMPLIFY_TOLERANCE_DEGREES, highQuality: true, mutate: false },
    );
    const geometry = {
      type: simplified.geometry.type,
      coordinates: roundPositions(simplified.geometry.coordinates),
    } as Polygon | MultiPolygon;
    return {
      type: 'Feature',
      properties: { code: ward.code, name: ward.name, slug: ward.slug },
      geometry,
    };
  });
  const collection: FeatureCollection & { licence: string; attribution: string } = {
    type: 'FeatureCollection',
    licence: OPEN_DATA_LICENCE.name,
    attribution: boundariesAttribution(boundariesYear),
    features,
  };
  return JSON.stringify(collection);
}
