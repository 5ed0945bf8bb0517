// districtProblems() on the committed Sheffield reference, whole and with one thing wrong.
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { districtProblems, type DistrictReference } from '../../pipeline/district-checks.ts';
import type { BoundaryCollection } from '../../pipeline/sources/ons-geography.ts';
import { readCollection, readPopulation, SHEFFIELD } from '../support/ons-replay.ts';

function sheffield(): DistrictReference {
  const wards = readCollection(SHEFFIELD.wards) as BoundaryCollection;
  const lsoas = readCollection(SHEFFIELD.lsoas) as BoundaryCollection;
  const [outline] = readCollection(SHEFFIELD.outline).features;
  const population = readPopulation(SHEFFIELD.population);
  return {
    district: { code: 'E08000039', name: 'Sheffield' },
    wardList: wards.features.map((w) => ({
      code: w.properties['WD20CD']!,
      name: w.properties['WD20NM']!,
    })),
    wards,
    wardFields: { code: 'WD20CD', name: 'WD20NM' },
    lsoas,
    outline: outline as Feature<Polygon | MultiPolygon>,
    lsoaCodes: [...population.keys()],
    residents: [...population].map(([code, [name, residents]]) => ({ code, name, residents })),
  };
}

describe('districtProblems(reference)', () => {
  it('finds none in the committed Sheffield reference', () => {
    expect(districtProblems(sheffield())).toEqual([]);
  });

  it("names the wards' coverage of the outline when a ward's polygon is missing", () => {
    const ref = sheffield();
    ref.wards = { ...ref.wards, features: ref.wards.features.slice(1) };
    const problems = districtProblems(ref);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^E08000039: the wards cover 9\d\.\d% of the district's outline \(\d+\.\d of 366\.6 km²\), more than 1% off: /,
    );
  });

  it('names a ward whose polygon is in metres (British National Grid), not longitude/latitude', () => {
    const ref = sheffield();
    const [first, ...rest] = ref.wards.features;
    const metres = {
      ...first!,
      geometry: {
        type: 'Polygon' as const,
        coordinates: [
          [
            [435000, 385000],
            [436000, 385000],
            [436000, 386000],
            [435000, 385000],
          ],
        ],
      },
    };
    ref.wards = { ...ref.wards, features: [metres, ...rest] };
    expect(districtProblems(ref)).toEqual([
      'ward E05010857 (Beauchief and Greenhill): geometry.coordinates.0.0 is [435000, 385000]: ' +
        'not a longitude and latitude (British National Grid metres? GeoJSON is in WGS84)',
    ]);
  });

  it('names LSOAs whose residents are not a plausible Census 2021 count', () => {
    const ref = sheffield();
    ref.residents = ref.residents.map((r) => (r.code === 'E01007823' ? { ...r, residents: 0 } : r));
    expect(districtProblems(ref)).toEqual([
      'Nomis gives residents outside 500-20000 for E01007823: 0: is it still Census 2021 TS001 (usual residents)?',
    ]);
  });
});
