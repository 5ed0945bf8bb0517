// The areas police.uk's API is asked about: the district outline grown a little and simplified
// (one polygon per part), the quadrants a piece is cut into when it holds too many crimes, and
// how a polygon is written in a request and in a log line.
import { area } from '@turf/area';
import { bbox } from '@turf/bbox';
import { bboxPolygon } from '@turf/bbox-polygon';
import { buffer } from '@turf/buffer';
import { featureCollection, polygon } from '@turf/helpers';
import { intersect } from '@turf/intersect';
import { simplify } from '@turf/simplify';
import type { Feature, MultiPolygon, Polygon } from 'geojson';

/**
 * The query polygon is the district outline grown by this much and then simplified by less,
 * so it stays a superset of the district (police.uk snap points on the boundary included)
 * while holding ~100 vertices instead of ~800.
 */
const OUTLINE_BUFFER_METRES = 250;
const SIMPLIFY_TOLERANCE_DEGREES = 0.0015;
/** Coordinates are sent with 5 decimals (~1 m), far below the buffer. */
const COORDINATE_DECIMALS = 5;

export type QueryPolygon = Feature<Polygon>;

/** The polygon(s) to ask for: the district, buffered and simplified (one per part of a multipolygon). */
export function districtQueryPolygons(outline: Feature<Polygon | MultiPolygon>): QueryPolygon[] {
  const grown = buffer(outline, OUTLINE_BUFFER_METRES, { units: 'meters' });
  if (!grown)
    throw new Error('the district outline could not be buffered: is it an empty polygon?');
  const simple = simplify(grown, { tolerance: SIMPLIFY_TOLERANCE_DEGREES, highQuality: true });
  return polygonsOf(simple);
}

function polygonsOf(feature: Feature<Polygon | MultiPolygon>): QueryPolygon[] {
  const geometry = feature.geometry;
  const parts = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return parts.filter((rings) => (rings[0]?.length ?? 0) >= 4).map((rings) => polygon(rings));
}

/** The `poly` parameter: "lat,lng:lat,lng:…" of the outer ring (police.uk closes it itself). */
export function polyParameter(polygon: QueryPolygon): string {
  const ring = polygon.geometry.coordinates[0] ?? [];
  return ring
    .slice(0, -1)
    .map(([lng, lat]) => `${round(lat)},${round(lng)}`)
    .join(':');
}

function round(value: number | undefined): string {
  return String(Number((value ?? Number.NaN).toFixed(COORDINATE_DECIMALS)));
}

/** The four quadrants of the polygon's bounding box, each clipped to the polygon. */
export function splitPolygon(polygon: QueryPolygon): QueryPolygon[] {
  const [west, south, east, north] = bbox(polygon);
  const midX = (west + east) / 2;
  const midY = (south + north) / 2;
  const boxes: [number, number, number, number][] = [
    [west, south, midX, midY],
    [midX, south, east, midY],
    [west, midY, midX, north],
    [midX, midY, east, north],
  ];
  return boxes.flatMap((box) => {
    const piece = intersect(featureCollection([polygon, bboxPolygon(box)]));
    return piece ? polygonsOf(piece).filter((p) => area(p) > 0) : [];
  });
}

export function formatArea(polygon: QueryPolygon): string {
  const km2 = area(polygon) / 1e6;
  return km2 >= 1 ? `${km2.toFixed(1)} km²` : `${Math.round(km2 * 1e6)} m²`;
}
