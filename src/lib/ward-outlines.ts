// Ward outlines for the report pages, read at build time from the committed ONS boundaries
// (data/reference/wards.geojson) and drawn as small static SVGs: no map library, no JS.
import wardsGeoJson from '../../data/reference/wards.geojson?raw';
import { bounds, fitProjection, outlinePath, type PolygonGeometry } from './outline.ts';

/** Side of the outline's SVG box, in user units. */
const OUTLINE_SIZE = 240;
/** Margin showing a little of the neighbouring wards around the ward. */
const OUTLINE_PADDING = 16;

interface WardFeature {
  properties: { WD25CD: string; WD25NM: string };
  geometry: PolygonGeometry;
}

const geometries: ReadonlyMap<string, PolygonGeometry> = new Map(
  (JSON.parse(wardsGeoJson) as { features: WardFeature[] }).features.map((f) => [
    f.properties.WD25CD,
    f.geometry,
  ]),
);

export interface WardOutline {
  width: number;
  height: number;
  /** The ward's path. */
  ward: string;
  /** Neighbouring wards' paths (context, clipped by the box). */
  neighbours: { code: string; path: string }[];
}

/** The outline of ward `code` framed on itself, with its neighbours around it. */
export function wardOutline(code: string, neighbourCodes: readonly string[]): WardOutline {
  const geometry = geometries.get(code);
  if (geometry === undefined) {
    throw new Error(`Ward ${code} is not in data/reference/wards.geojson; update the boundaries.`);
  }
  const projection = fitProjection(bounds([geometry]), OUTLINE_SIZE, OUTLINE_PADDING);
  return {
    width: projection.width,
    height: projection.height,
    ward: outlinePath(geometry, projection),
    neighbours: neighbourCodes.flatMap((c) => {
      const g = geometries.get(c);
      return g === undefined ? [] : [{ code: c, path: outlinePath(g, projection) }];
    }),
  };
}
