// A council's polling districts layer, and whether it is the district's: checked when the
// fetch step downloads it or finds it cached (sources/polling-districts.ts), and whenever a run
// locates crimes with the cached layer (geo-context.ts), an offline run or one from a later
// step too, so another council's layer never leaves every row without a polling district.
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { PolygonGeometry } from '../src/shared/geometry.ts';
import { middleOf } from './district-middle.ts';
import { quoteOutside } from './log-safe.ts';

export interface PollingDistrictProperties {
  pollingDistrict: string;
  ward: string;
}
export type PollingDistricts = FeatureCollection<Polygon | MultiPolygon, PollingDistrictProperties>;

/** The district a polling districts layer must cover. */
export interface LayerDistrict {
  /** "Leeds" */
  name: string;
  outline: PolygonGeometry;
  /** Where the outline comes from, for messages: area.json's boundaries.outline.file. */
  outlineFile: string;
}

/**
 * Why `districts` are not `district`'s, or null: those whose middle (middleOf, inside the
 * polygon, not rounded, as the wards and LSOAs are judged) lies outside its outline, with up
 * to 3 named. A council's districts tile its district, so any outside is another council's, or
 * a layer of a wider area.
 */
export function pollingDistrictsOutside(
  districts: PollingDistricts,
  district: LayerDistrict,
): string | null {
  const outside = districts.features.filter((feature) => {
    const [lat, lon] = middleOf(feature.geometry as PolygonGeometry);
    return !booleanPointInPolygon([lon, lat], district.outline);
  });
  if (outside.length === 0) return null;
  const named = outside.slice(0, 3).map(({ properties }) => {
    // A layer cached by earlier code names its districts POLLING_DI, and may give no ward.
    const { pollingDistrict, POLLING_DI, ward } = properties as Partial<
      PollingDistrictProperties & { POLLING_DI: string }
    >;
    const code = quoteOutside(String(pollingDistrict ?? POLLING_DI ?? ''), 60);
    return typeof ward === 'string' ? `${code} (ward ${quoteOutside(ward, 60)})` : code;
  });
  return (
    `${outside.length} of its ${districts.features.length} polling districts lie outside ` +
    `${district.name}'s outline (${district.outlineFile}), e.g. ${named.join(', ')}, so it is ` +
    `not ${district.name}'s layer`
  );
}
