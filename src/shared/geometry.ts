// Geometry types shared by the pipeline (reference boundaries, spatial indexes) and the site
// (ward outlines). Types only: nothing here ships to the browser.

/** A GeoJSON polygon or multipolygon, as [lon, lat] positions. */
export type PolygonGeometry =
  | { type: 'Polygon'; coordinates: number[][][] }
  | { type: 'MultiPolygon'; coordinates: number[][][][] };
