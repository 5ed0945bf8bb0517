// Why a GeoJSON geometry is not a polygon the pipeline can use: a Polygon or MultiPolygon whose
// rings are closed and whose positions are longitudes and latitudes in England and Wales. One
// check for every polygon, fetched (district-checks.ts, for `npm run area -- add`) or read
// (reference.ts, as the pipeline loads an area's files), so that a bad ring is named where it
// is rather than where a later step trips over it (turf refuses an unclosed ring when the map
// data simplifies the wards; swapped coordinates leave a ward without residents).
import type { Geometry, Position } from 'geojson';
import { ENGLAND_AND_WALES } from '../src/shared/area.ts';

export interface PolygonProblem {
  /**
   * Where, as a path in the feature: "geometry", "geometry.coordinates.0" (a ring of a
   * Polygon), "geometry.coordinates.1.0.5" (a position of a MultiPolygon's ring).
   */
  at: string;
  /** What is wrong there, to follow the path: "is a ring that is not closed: ...". */
  problem: string;
}

/** The first problem of `geometry`, or null for a usable polygon. */
export function polygonProblem(geometry: Geometry | null): PolygonProblem | null {
  if (geometry === null) return { at: 'geometry', problem: 'is missing' };
  if (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') {
    return { at: 'geometry.type', problem: `is ${geometry.type}, not Polygon or MultiPolygon` };
  }
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  if (!Array.isArray(polygons) || polygons.length === 0) {
    return { at: 'geometry.coordinates', problem: 'holds no polygon' };
  }
  for (const [p, rings] of polygons.entries()) {
    const polygon = `geometry.coordinates${geometry.type === 'Polygon' ? '' : `.${p}`}`;
    if (!Array.isArray(rings) || rings.length === 0) {
      return { at: polygon, problem: 'is a polygon with no rings' };
    }
    for (const [r, ring] of rings.entries()) {
      const at = `${polygon}.${r}`;
      if (!Array.isArray(ring) || ring.length < 4) {
        return {
          at,
          problem: `is a ring of ${Array.isArray(ring) ? ring.length : 0} positions; a ring needs at least 4`,
        };
      }
      for (const [v, position] of ring.entries()) {
        const reason = positionProblem(position);
        if (reason !== null)
          return { at: `${at}.${v}`, problem: `is ${show(position)}: ${reason}` };
      }
      const [first, last] = [ring[0]!, ring[ring.length - 1]!];
      if (first[0] !== last[0] || first[1] !== last[1]) {
        return {
          at,
          problem: `is a ring that is not closed: it starts at ${show(first)} and ends at ${show(last)}`,
        };
      }
    }
  }
  return null;
}

/** Why a position is not a longitude and latitude in England and Wales, or null. */
function positionProblem(position: Position): string | null {
  const [lon, lat] = Array.isArray(position) ? position : [];
  if (typeof lon !== 'number' || typeof lat !== 'number') {
    return 'not a longitude and latitude (two numbers)';
  }
  if (inEnglandAndWales(lon, lat)) return null;
  if (inEnglandAndWales(lat, lon)) {
    return 'latitude and longitude swapped (GeoJSON gives the longitude first)';
  }
  if (!(Math.abs(lon) <= 180 && Math.abs(lat) <= 90)) {
    return 'not a longitude and latitude (British National Grid metres? GeoJSON is in WGS84)';
  }
  const { south, north, west, east } = ENGLAND_AND_WALES;
  return `outside England and Wales (longitude ${west} to ${east}, latitude ${south} to ${north})`;
}

function inEnglandAndWales(lon: number, lat: number): boolean {
  const { south, north, west, east } = ENGLAND_AND_WALES;
  return lon >= west && lon <= east && lat >= south && lat <= north;
}

/** A position as messages quote it: "[-1.47, 53.38]". */
function show(position: Position): string {
  return `[${position.join(', ')}]`;
}
