// A ward's outline as an SVG path, projected at build time. Pure.
// At Leeds' latitude a degree of longitude is ~0.59 of a degree of latitude, so x is scaled
// by cos(latitude) to keep shapes true (an equirectangular projection, fine at ward scale).

type Position = readonly number[];
type Ring = readonly Position[];

export interface PolygonGeometry {
  type: 'Polygon' | 'MultiPolygon';
  coordinates: readonly Ring[] | readonly (readonly Ring[])[];
}

export interface Bounds {
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
}

function polygons(geometry: PolygonGeometry): (readonly Ring[])[] {
  return geometry.type === 'Polygon'
    ? [geometry.coordinates as readonly Ring[]]
    : [...(geometry.coordinates as readonly (readonly Ring[])[])];
}

export function bounds(geometries: readonly PolygonGeometry[]): Bounds {
  const b = { minLon: Infinity, minLat: Infinity, maxLon: -Infinity, maxLat: -Infinity };
  for (const geometry of geometries) {
    for (const polygon of polygons(geometry)) {
      for (const ring of polygon) {
        for (const [lon = NaN, lat = NaN] of ring) {
          b.minLon = Math.min(b.minLon, lon);
          b.maxLon = Math.max(b.maxLon, lon);
          b.minLat = Math.min(b.minLat, lat);
          b.maxLat = Math.max(b.maxLat, lat);
        }
      }
    }
  }
  if (!Number.isFinite(b.minLon + b.maxLon + b.minLat + b.maxLat)) {
    throw new Error('bounds(): the geometries have no valid coordinates');
  }
  return b;
}

export interface Projection {
  width: number;
  height: number;
  project(lon: number, lat: number): [number, number];
}

/** Fit `area` into a box `size` wide, keeping the aspect ratio, with `padding` on each side. */
export function fitProjection(area: Bounds, size: number, padding: number): Projection {
  const kx = Math.cos((((area.minLat + area.maxLat) / 2) * Math.PI) / 180);
  const spanX = Math.max((area.maxLon - area.minLon) * kx, 1e-9);
  const spanY = Math.max(area.maxLat - area.minLat, 1e-9);
  const scale = (size - 2 * padding) / Math.max(spanX, spanY);
  const width = Math.round(spanX * scale + 2 * padding);
  const height = Math.round(spanY * scale + 2 * padding);
  return {
    width,
    height,
    project: (lon, lat) => [
      Math.round((padding + (lon - area.minLon) * kx * scale) * 10) / 10,
      Math.round((padding + (area.maxLat - lat) * scale) * 10) / 10,
    ],
  };
}

/** SVG path data for a polygon or multipolygon (holes included; use fill-rule evenodd). */
export function outlinePath(geometry: PolygonGeometry, projection: Projection): string {
  return polygons(geometry)
    .flatMap((polygon) =>
      polygon.map(
        (ring) =>
          ring
            .map(([lon = NaN, lat = NaN], i) => {
              const [x, y] = projection.project(lon, lat);
              return `${i === 0 ? 'M' : 'L'}${x},${y}`;
            })
            .join('') + 'Z',
      ),
    )
    .join('');
}
