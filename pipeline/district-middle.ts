// A point in the middle of a district that lies inside it: where the map starts, and the
// latitude the area's distances are measured about (area.json map.centre). The middle of the
// district's box is not always in the district (a crescent or a district with a bay of
// another's between its arms), so the point is taken on the box's middle latitude, on the
// district's widest stretch along it. The checks that wards, LSOAs and polling districts lie in
// the district take that point as it is (middleOf); only area.json's centre is rounded
// (districtMiddle).
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import type { PolygonGeometry } from '../src/shared/geometry.ts';

/** map.centre's decimals: 0.001° is about 100 m, finer than the map's first view needs. */
const DECIMALS = 3;
/** Decimals tried at most for a shape narrower than 0.001°: 0.0000001° is about 1 cm. */
const MAX_DECIMALS = 7;

const isInside = ([lat, lon]: [number, number], outline: PolygonGeometry) =>
  booleanPointInPolygon([lon, lat], outline);

const round = (value: number, decimals: number) =>
  Math.round(value * 10 ** decimals) / 10 ** decimals;

/**
 * middleOf(outline) as area.json gives it (map.centre): rounded to 3 decimals, or to as few
 * more as keep it inside `outline` when 3 would not (a district, ward or LSOA narrower than
 * 0.001°, or one whose middle is that near its edge).
 */
export function districtMiddle(outline: PolygonGeometry): [number, number] {
  const middle = middleOf(outline);
  const [lat, lon] = middle;
  const rounded = (decimals: number): [number, number] => [
    round(lat, decimals),
    round(lon, decimals),
  ];
  if (!isInside(middle, outline)) return rounded(DECIMALS);
  for (let decimals = DECIMALS; decimals <= MAX_DECIMALS; decimals++) {
    if (isInside(rounded(decimals), outline)) return rounded(decimals);
  }
  return middle;
}

/**
 * [latitude, longitude] inside `outline`, not rounded: the middle of its box when that is
 * inside, else the middle of its widest stretch along the box's middle latitude. Whether a
 * ward, LSOA or polling district lies in the district is judged on this point: rounded, the
 * middle of a sliver along the district's edge could fall beyond the edge.
 */
export function middleOf(outline: PolygonGeometry): [number, number] {
  const rings = outline.type === 'Polygon' ? outline.coordinates : outline.coordinates.flat();
  let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of rings) {
    for (const [lon, lat] of ring) {
      west = Math.min(west, lon!);
      east = Math.max(east, lon!);
      south = Math.min(south, lat!);
      north = Math.max(north, lat!);
    }
  }
  const lat = (south + north) / 2;
  const boxMiddle: [number, number] = [lat, (west + east) / 2];
  if (isInside(boxMiddle, outline)) return boxMiddle;
  // Where the rings cross the latitude, west to east: inside between each odd and even one.
  const crossings = rings
    .flatMap((ring) =>
      ring.slice(1).map((end, i) => {
        const [lon0, lat0] = ring[i]!;
        const [lon1, lat1] = end;
        if (lat0! > lat === lat1! > lat) return null;
        return lon0! + ((lat - lat0!) / (lat1! - lat0!)) * (lon1! - lon0!);
      }),
    )
    .filter((lon) => lon !== null)
    .sort((a, b) => a - b);
  let widest: [number, number] | null = null;
  for (let i = 0; i + 1 < crossings.length; i += 2) {
    const [from, to] = [crossings[i]!, crossings[i + 1]!];
    if (widest === null || to - from > widest[1] - widest[0]) widest = [from, to];
  }
  const stretchMiddle: [number, number] | null =
    widest === null ? null : [lat, (widest[0] + widest[1]) / 2];
  if (stretchMiddle !== null && isInside(stretchMiddle, outline)) return stretchMiddle;
  // A district in parts none of which crosses the middle latitude: the middle of its part
  // spanning most latitude, which its own middle latitude crosses.
  if (outline.type === 'MultiPolygon') {
    const span = (part: number[][][]) => {
      const lats = (part[0] ?? []).map((position) => position[1]!);
      return Math.max(...lats) - Math.min(...lats);
    };
    const tallest = [...outline.coordinates].sort((a, b) => span(b) - span(a))[0];
    if (tallest !== undefined) return middleOf({ type: 'Polygon', coordinates: tallest });
  }
  return stretchMiddle ?? boxMiddle;
}
