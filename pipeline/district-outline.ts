// A district's outline as the union of its wards: ONS wards tile their district, so the
// dissolved wards are the district (data/reference/leeds-outline.geojson was made the same
// way). Pure: the caller reads the wards and writes the outline.
import { featureCollection } from '@turf/helpers';
import { union } from '@turf/union';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';

export interface DistrictNames {
  code: string;
  name: string;
}

/** The wards dissolved into one feature with the district's code and name (LADCD, LADNM). */
export function dissolveWards(
  wards: FeatureCollection<Polygon | MultiPolygon>,
  district: DistrictNames,
): Feature<Polygon | MultiPolygon, { LADCD: string; LADNM: string }> {
  if (wards.features.length === 0) throw new Error(`${district.name}: no wards to dissolve`);
  const merged =
    wards.features.length === 1 ? wards.features[0]! : union(featureCollection(wards.features));
  if (merged === null) throw new Error(`${district.name}: the wards' union is empty`);
  return {
    type: 'Feature',
    properties: { LADCD: district.code, LADNM: district.name },
    geometry: merged.geometry,
  };
}
