// A centre drawn as a polygon (area.json centre.kind "polygon"): which located points lie in
// it, and how much of an area (an LSOA, or the part of one in a ward) does.
//
// Points are placed like wards: even-odd point-in-polygon on the area's projection
// (geo/polygon-index.ts), with no edge tolerance. The tolerance of the district's outline
// is there because its generalised edge can leave a crime just outside every ward; a point
// just outside the centre is simply not in it.
import { area } from '@turf/area';
import { bbox } from '@turf/bbox';
import { feature, featureCollection } from '@turf/helpers';
import { intersect } from '@turf/intersect';
import { ON_BOUNDARY_M, PolygonIndex } from './geo/polygon-index.ts';
import type { Geography, PolygonGeometry } from './reference.ts';

/**
 * Shares this close to 0 or 1 are 0 or 1: what an exact cut along an edge drawn on the same
 * line leaves (turf's intersection is exact to about 1e-9 of a ward's area).
 */
const SHARE_EPSILON = 1e-6;

/** Whether (lon, lat) lies in the area's polygon centre; undefined when it has none. */
export function inCentrePolygon(
  geo: Pick<Geography, 'centre' | 'projection'>,
): ((lon: number, lat: number) => boolean) | undefined {
  if (geo.centre === null) return undefined;
  const { projection } = geo;
  const index = new PolygonIndex([geo.centre], projection);
  return (lon, lat) => index.containing(projection.x(lon), projection.y(lat)) >= 0;
}

function positions(geometry: PolygonGeometry): number[][] {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polygons.flat(2);
}

/** Whether some vertex of `geometry` lies inside `index`'s polygon, clear of its edge. */
function someVertexClearlyInside(index: PolygonIndex, geometry: PolygonGeometry): boolean {
  const { projection } = index;
  return positions(geometry).some(([lon, lat]) => {
    const x = projection.x(lon!);
    const y = projection.y(lat!);
    return index.containing(x, y) >= 0 && index.distanceToBoundary(0, x, y) > ON_BOUNDARY_M;
  });
}

/**
 * The share of a surface (a polygon in lon/lat) inside the polygon centre, for residents placed
 * by area. With `byVertices` (a whole LSOA, drawn apart from the centre and generalised
 * differently): 1 when every vertex is in the centre or on its edge, 0 when neither shape has
 * a vertex clearly inside the other (they touch along an edge, or are apart), as a whole LSOA
 * is one ward's (population.ts); otherwise, and for the part of an LSOA in one ward (cut
 * exactly), the share of its surface inside the centre.
 */
export function centreAreaShare(
  geo: Pick<Geography, 'centre' | 'projection'>,
): ((geometry: PolygonGeometry, byVertices: boolean) => number) | undefined {
  if (geo.centre === null) return undefined;
  const centre = geo.centre;
  const index = new PolygonIndex([centre], geo.projection);
  const { projection } = geo;
  const [west, south, east, north] = bbox(feature(centre));
  return (geometry, byVertices) => {
    const [w, s, e, n] = bbox(feature(geometry));
    if (w > east || e < west || s > north || n < south) return 0;
    if (byVertices) {
      const allIn = positions(geometry).every(([lon, lat]) => {
        const x = projection.x(lon!);
        const y = projection.y(lat!);
        return index.containing(x, y) >= 0 || index.distanceToBoundary(0, x, y) <= ON_BOUNDARY_M;
      });
      if (allIn) return 1;
      if (
        !someVertexClearlyInside(index, geometry) &&
        !someVertexClearlyInside(new PolygonIndex([geometry], projection), centre)
      ) {
        return 0;
      }
    }
    const overlap = intersect(featureCollection([feature(geometry), feature(centre)]));
    const share = overlap === null ? 0 : area(overlap) / area(feature(geometry));
    if (share < SHARE_EPSILON) return 0;
    if (share > 1 - SHARE_EPSILON) return 1;
    return share;
  };
}
