// The 33 wards as the site knows them: code, name, URL slug, Census 2021 population and
// neighbours, all derived from the reference geography.
import { type Ward, wardSchema, parseOrThrow } from '../src/shared/schema.ts';
import type { Geography, PolygonGeometry } from './reference.ts';
import { PolygonIndex } from './geo/polygon-index.ts';
import {
  apportionLsoas,
  lsoaOutsideTheWards,
  type LsoaApportionment,
  type CentreDefinition,
  wardOverlapAreas,
  wardResidents,
  wardsHoldingVertices,
} from './population.ts';
import type { Projection } from '../src/shared/projection.ts';
import { wardSlug } from '../src/shared/ward-slug.ts';
import { wardPageProblems } from './area.ts';

/**
 * Two wards are neighbours when at least NEIGHBOUR_MIN_SHARED_VERTICES vertices of one lie
 * within NEIGHBOUR_TOLERANCE_M of the other's boundary. The ONS generalised wards come from
 * one topology and share their vertices, but a few metres of slack keeps the answer stable
 * should a later release leave slivers; two vertices (rather than one) keep wards that only
 * touch at a single corner from counting as neighbours.
 */
const NEIGHBOUR_TOLERANCE_M = 5;
const NEIGHBOUR_MIN_SHARED_VERTICES = 2;

/**
 * Each LSOA's main ward: the ward that holds the largest part of the LSOA's area (an
 * interior point of a long, thin LSOA can land in the ward that holds the smaller share).
 * Populations do not use it: population.ts splits straddling LSOAs by their postcodes.
 */
export function assignLsoasToWards(geo: Geography): Map<string, string> {
  const wardIndex = new PolygonIndex(
    geo.wards.map((ward) => ward.geometry),
    geo.projection,
  );
  const assignment = new Map<string, string>();
  for (const lsoa of geo.lsoas) {
    const holding = wardsHoldingVertices(wardIndex, lsoa.geometry);
    // Most LSOAs lie inside one ward: every vertex is in it or within ON_BOUNDARY_M of its
    // boundary (the two files are generalised differently). Only the others, about 130,
    // need the slow polygon intersection.
    const [only] = holding;
    const index =
      holding.size === 1 && only !== undefined
        ? only
        : wardOverlapAreas(geo.wards, wardIndex.overlappingBoxes(lsoa.geometry), lsoa.geometry)
            .sort((a, b) => b.area - a.area)
            .at(0)?.ward;
    const ward = index === undefined ? undefined : geo.wards[index];
    if (ward === undefined) {
      throw lsoaOutsideTheWards(lsoa);
    }
    assignment.set(lsoa.code, ward.code);
  }
  return assignment;
}

function boundaryVertices(geometry: PolygonGeometry, projection: Projection): [number, number][] {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polygons.flatMap((rings) =>
    rings.flatMap((ring) =>
      ring.map((p): [number, number] => [projection.x(p[0]!), projection.y(p[1]!)]),
    ),
  );
}

/** Ward code -> codes of the wards that share a stretch of boundary with it, sorted. */
export function wardNeighbours(geo: Geography): Map<string, string[]> {
  const index = new PolygonIndex(
    geo.wards.map((ward) => ward.geometry),
    geo.projection,
  );
  const vertices = geo.wards.map((ward) => boundaryVertices(ward.geometry, geo.projection));
  const neighbours = new Map<string, Set<string>>(geo.wards.map((ward) => [ward.code, new Set()]));
  const sharedVertices = (from: number, to: number): number =>
    vertices[from]!.filter(([x, y]) => index.distanceToBoundary(to, x, y) <= NEIGHBOUR_TOLERANCE_M)
      .length;
  geo.wards.forEach((ward, a) => {
    for (const b of index.overlappingBoxes(ward.geometry, NEIGHBOUR_TOLERANCE_M)) {
      if (b <= a) continue;
      const shared = Math.max(sharedVertices(a, b), sharedVertices(b, a));
      if (shared >= NEIGHBOUR_MIN_SHARED_VERTICES) {
        const other = geo.wards[b]!;
        neighbours.get(ward.code)!.add(other.code);
        neighbours.get(other.code)!.add(ward.code);
      }
    }
  });
  return new Map([...neighbours].map(([code, set]) => [code, [...set].sort()]));
}

/**
 * Why wards have no residents, each with the LSOAs that overlap it and their Census 2021
 * counts: every rate of a ward divides by its residents, so a ward with none has no rate.
 */
function withoutResidents(
  wards: readonly { code: string; name: string }[],
  apportionment: readonly LsoaApportionment[],
  population: ReadonlyMap<string, number>,
  populationFile?: string,
): string {
  const lines = wards.map((ward) => {
    const lsoas = apportionment
      .filter(({ parts }) => parts.some((part) => part.ward === ward.code && part.share > 0))
      .map(({ lsoa }) => `${lsoa} (${population.get(lsoa) ?? 0})`);
    return (
      `  - ${ward.code} (${ward.name}): ` +
      (lsoas.length === 0
        ? 'no LSOA overlaps it'
        : `the LSOAs that overlap it have ${lsoas.join(', ')} residents, none apportioned to it`)
    );
  });
  return (
    `${wards.length === 1 ? 'A ward has' : `${wards.length} wards have`} no Census 2021 ` +
    `residents, so no rate per resident:\n${lines.join('\n')}\n` +
    `Check the area's population file (area.json population.file${populationFile === undefined ? '' : ` ${populationFile}`}: ` +
    "every LSOA's usual residents) and that its LSOA and ward boundaries cover the same district."
  );
}

/** Each ward's residents, and the wards with none (withoutResidents says why). */
function residentsByWard(geo: Geography, centre: CentreDefinition) {
  const apportionment = apportionLsoas(geo, centre);
  const residents = wardResidents(
    geo.population,
    apportionment,
    geo.wards.map((ward) => ward.code),
  );
  const empty = geo.wards.filter((ward) => (residents.get(ward.code)?.residents ?? 0) === 0);
  return { apportionment, residents, empty };
}

/**
 * Why some wards have no residents (withoutResidents), or null when each has some: found from
 * the reference geography alone, so a run checks it before its first download. Most wards hold
 * an LSOA with residents that lies wholly in them, which the LSOAs' vertices show at once; only
 * when a ward holds none is the LSOAs' apportionment (about a second) worked out to tell.
 * `populationFile`: the file the residents were read from, for the message.
 */
export function wardsWithoutResidents(
  geo: Geography,
  centre: CentreDefinition,
  populationFile?: string,
): string | null {
  const wardIndex = new PolygonIndex(
    geo.wards.map((ward) => ward.geometry),
    geo.projection,
  );
  const unsure = new Set(geo.wards.map((_, i) => i));
  for (const lsoa of geo.lsoas) {
    if (unsure.size === 0) return null;
    if ((geo.population.get(lsoa.code) ?? 0) === 0) continue;
    const holding = wardsHoldingVertices(wardIndex, lsoa.geometry);
    const [only] = holding;
    if (holding.size === 1 && only !== undefined) unsure.delete(only);
  }
  if (unsure.size === 0) return null;
  const { apportionment, empty } = residentsByWard(geo, centre);
  return empty.length === 0
    ? null
    : withoutResidents(empty, apportionment, geo.population, populationFile);
}

/** The wards, ordered by name, validated against the shared schema. */
export function buildWards(geo: Geography, centre: CentreDefinition): Ward[] {
  // The check loadArea makes of the wards file, for geography that did not come through it.
  const pages = wardPageProblems(geo.wards);
  if (pages.length > 0) {
    throw new Error(`The wards do not each give a page of their own:\n  - ${pages.join('\n  - ')}`);
  }
  // Checked before the run's first step too (area-geography.ts), for geography read there.
  const { apportionment, residents, empty } = residentsByWard(geo, centre);
  if (empty.length > 0) throw new Error(withoutResidents(empty, apportionment, geo.population));
  const neighbours = wardNeighbours(geo);
  const wards = [...geo.wards]
    .sort((a, b) => a.name.localeCompare(b.name, 'en-GB'))
    .map((ward) =>
      parseOrThrow(
        wardSchema,
        {
          code: ward.code,
          name: ward.name,
          slug: wardSlug(ward.name),
          population: residents.get(ward.code)?.residents ?? 0,
          cityCentreResidents: residents.get(ward.code)?.cityCentre ?? 0,
          residentsByArea: residents.get(ward.code)?.byArea ?? 0,
          neighbours: neighbours.get(ward.code) ?? [],
        },
        `ward ${ward.code} (${ward.name})`,
      ),
    );
  return wards;
}
