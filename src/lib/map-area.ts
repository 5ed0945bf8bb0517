// The district as the map island sees it: its name, its centre (or none) and the map's
// starting view. Set at build time from the area configuration (astro.config.mjs defines
// import.meta.env.PUBLIC_MAP_AREA from src/lib/area.ts's mapArea()); the Leeds values when
// it is not defined (unit tests import the islands without a build).
import type { PostcodeListHolds } from '../shared/area.ts';

export interface MapArea {
  /** "Leeds" */
  district: string;
  /** The "exclude centre" control's subject; null: the area has no centre and no control. */
  centre: { label: string; description: string } | null;
  view: {
    centre: [number, number];
    zoom: number;
    /** URL centres outside this box are ignored. */
    bounds: { south: number; north: number; west: number; east: number };
  };
  /** Whether the area has a postcode list, so the place search looks postcodes up. */
  hasPostcodes: boolean;
  /**
   * What the list holds (area.json's postcodes.holds): a postcode of an area the list lacks
   * may be in the district only when it is "postcode-areas"; null: no list.
   */
  postcodeListHolds: PostcodeListHolds | null;
  /** A postcode district the search gives as an example ("LS6"); null: area.json names none. */
  postcodeExample: string | null;
}

export const LEEDS_MAP_AREA: MapArea = {
  district: 'Leeds',
  centre: { label: 'city centre', description: 'postcode districts LS1 and LS2' },
  view: {
    centre: [53.8, -1.55],
    zoom: 10,
    bounds: { south: 53.4, north: 54.2, west: -2.2, east: -0.9 },
  },
  hasPostcodes: true,
  postcodeListHolds: 'postcode-areas',
  postcodeExample: 'LS6',
};

const defined: string | undefined = import.meta.env['PUBLIC_MAP_AREA'] as string | undefined;

export const MAP_AREA: MapArea =
  defined === undefined || defined === '' ? LEEDS_MAP_AREA : (JSON.parse(defined) as MapArea);

/**
 * What the map's figures cover with the district's centre left out, "Leeds without the city
 * centre", which the ranking, the legend, the tooltips, the phone's bar and a ward's details
 * say, so a figure read alone still says the centre's crimes are not in it; null while the
 * centre is in (or the area has none).
 */
export function withoutCentre(
  excludeCityCentre: boolean,
  area: Pick<MapArea, 'district' | 'centre'> = MAP_AREA,
): string | null {
  const words = centreLeftOut(excludeCityCentre, area.centre);
  return words === '' ? null : `${area.district}${words}`;
}

/**
 * " without the city centre" after a figure (a count, a rate, a rank) that the centre left out
 * changes (`leftOut`), in the area's words; "" otherwise, and for an area without a centre.
 */
export function centreLeftOut(leftOut: boolean, centre: MapArea['centre']): string {
  return leftOut && centre !== null ? ` without the ${centre.label}` : '';
}

/** The district as the figures cover it: "Leeds", or "Leeds without the city centre". */
export function districtShown(
  excludeCityCentre: boolean,
  area: Pick<MapArea, 'district' | 'centre'> = MAP_AREA,
): string {
  return withoutCentre(excludeCityCentre, area) ?? area.district;
}
