// Ward outlines for the report pages, read at build time from the committed ONS boundaries
// (data/reference/wards.geojson) and drawn as small static SVGs: no map library, no JS.
// The simplification is src/shared/svg-path.ts; the projection is the area's (areaProjection).
import { geometrySvgPath } from '../shared/svg-path.ts';
import { areaProjection } from '../shared/area.ts';
import { area, areaWardBoundaries } from './area.ts';
import type { PolygonGeometry } from '../shared/geometry.ts';

/** Side of the square the ward is fitted into, in SVG user units. */
export const OUTLINE_SIZE = 240;
/** Margin around that square, showing a little of the neighbouring wards. */
export const OUTLINE_MARGIN = 16;

interface WardFeature {
  properties: Record<string, string>;
  geometry: PolygonGeometry;
}

const boundaries = areaWardBoundaries();
const projection = areaProjection(area);
const geometries: ReadonlyMap<string, PolygonGeometry> = new Map(
  (JSON.parse(boundaries.text) as { features: WardFeature[] }).features.map((f) => [
    String(f.properties[boundaries.codeProperty]),
    f.geometry,
  ]),
);

export interface WardOutline {
  viewBox: string;
  /** The ward's path. */
  ward: string;
  /** Neighbouring wards' paths in the same frame (clipped by the view box). */
  neighbours: { code: string; path: string }[];
}

/** The outline of ward `code` framed on itself, with its neighbours around it. */
export function wardOutline(code: string, neighbourCodes: readonly string[]): WardOutline {
  const geometry = geometries.get(code);
  if (geometry === undefined) {
    throw new Error(`Ward ${code} is not in ${boundaries.file}; update the boundaries.`);
  }
  const side = OUTLINE_SIZE + 2 * OUTLINE_MARGIN;
  return {
    viewBox: `${-OUTLINE_MARGIN} ${-OUTLINE_MARGIN} ${side} ${side}`,
    ward: geometrySvgPath(geometry, geometry, OUTLINE_SIZE, projection),
    neighbours: neighbourCodes.flatMap((c) => {
      const g = geometries.get(c);
      return g === undefined
        ? []
        : [{ code: c, path: geometrySvgPath(g, geometry, OUTLINE_SIZE, projection) }];
    }),
  };
}

/** Every ward's outline framed on the whole district, for the year pages' share images. */
export function districtOutline(): { viewBox: string; wards: { code: string; path: string }[] } {
  const frame: PolygonGeometry = {
    type: 'MultiPolygon',
    coordinates: [...geometries.values()].flatMap((g) =>
      g.type === 'Polygon' ? [g.coordinates] : g.coordinates,
    ),
  };
  const side = OUTLINE_SIZE + 2 * OUTLINE_MARGIN;
  return {
    viewBox: `${-OUTLINE_MARGIN} ${-OUTLINE_MARGIN} ${side} ${side}`,
    wards: [...geometries].map(([code, g]) => ({
      code,
      path: geometrySvgPath(g, frame, OUTLINE_SIZE, projection),
    })),
  };
}
