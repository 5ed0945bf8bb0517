// Reads an area's reference files (or the reference folder, data/reference/) whole and checks
// that they agree: every LSOA polygon has a population and every population row a polygon.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  parseLsoas,
  parseCentre,
  parseOutline,
  parsePopulation,
  parsePostcodes,
  parseWards,
  LEEDS_NON_GEOGRAPHIC_DISTRICTS,
  POPULATION_CODE_COLUMN,
  POPULATION_VALUE_COLUMN,
  REFERENCE_FILES,
  REFERENCE_PROJECTION_LATITUDE,
  ReferenceDataError,
  type Geography,
} from './reference.ts';
import { OUTLINE_TOLERANCE_M } from '../src/shared/constants.ts';
import { projectionAt, projectionLatitudeProblem } from '../src/shared/projection.ts';
import { PolygonIndex } from './geo/polygon-index.ts';

/** What to do when an LSOA file and a population file have no LSOA in common. */
const DIFFERENT_DISTRICTS =
  "It holds none of that file's LSOAs, so the two are of different districts: name one " +
  "district's LSOA and population files (area.json's boundaries.lsoas.file and " +
  'population.file).';

async function readReference(file: string): Promise<{ text: string; file: string }> {
  try {
    return { text: await readFile(file, 'utf8'), file };
  } catch (error) {
    throw new ReferenceDataError(file, 'cannot be read', { cause: error });
  }
}

/**
 * The files an area's geography is read from (see LoadedArea in pipeline/area.ts), with the
 * properties and columns that hold the codes. No postcodes file: no postcode districts.
 */
export interface ReferenceFiles {
  wards: { file: string; codeProperty: string; nameProperty: string };
  lsoas: { file: string };
  outline: { file: string };
  /** The postcodes, and the districts among them that are not places (PO boxes). */
  postcodes: { file: string; nonGeographicDistricts: readonly string[] } | null;
  population: { file: string; codeColumn: string; valueColumn: string };
  /** A centre drawn as a polygon (area.json centre.file); absent or null: none. */
  centre?: { file: string } | null;
  /** The latitude the district's projection is true at, and where it is set (for errors). */
  projection: { latitude: number; source: string };
}

/** The Leeds layout of a reference folder (data/reference/), as REFERENCE_FILES names it. */
export function referenceFilesIn(referenceDir: string): ReferenceFiles {
  const at = (name: string) => path.join(referenceDir, name);
  return {
    wards: { file: at(REFERENCE_FILES.wards), codeProperty: 'WD25CD', nameProperty: 'WD25NM' },
    lsoas: { file: at(REFERENCE_FILES.lsoas) },
    outline: { file: at(REFERENCE_FILES.outline) },
    postcodes: {
      file: at(REFERENCE_FILES.postcodes),
      nonGeographicDistricts: LEEDS_NON_GEOGRAPHIC_DISTRICTS,
    },
    population: {
      file: at(REFERENCE_FILES.population),
      codeColumn: POPULATION_CODE_COLUMN,
      valueColumn: POPULATION_VALUE_COLUMN,
    },
    projection: {
      latitude: REFERENCE_PROJECTION_LATITUDE,
      source: 'REFERENCE_PROJECTION_LATITUDE (pipeline/reference.ts)',
    },
  };
}

/** The reference files in the order their contents are fingerprinted (see geo-context.ts). */
export function referenceFileList(files: ReferenceFiles): string[] {
  const list = [files.wards.file, files.lsoas.file, files.outline.file];
  if (files.postcodes !== null) list.push(files.postcodes.file);
  list.push(files.population.file);
  if (files.centre) list.push(files.centre.file);
  return list;
}

/**
 * Read and check the reference geography: a folder in the Leeds layout (data/reference/) or
 * an area's files. Besides each file's own shape, checks that every LSOA polygon has a
 * population and every population row has a polygon.
 */
export async function loadGeography(
  reference: string | ReferenceFiles = 'data/reference',
): Promise<Geography> {
  const files = typeof reference === 'string' ? referenceFilesIn(reference) : reference;
  const [wards, lsoas, outline, postcodes, population, centre] = await Promise.all([
    readReference(files.wards.file),
    readReference(files.lsoas.file),
    readReference(files.outline.file),
    files.postcodes === null ? null : readReference(files.postcodes.file),
    readReference(files.population.file),
    files.centre ? readReference(files.centre.file) : null,
  ]);
  const parsedPostcodes =
    postcodes === null
      ? { postcodes: [], withoutLocation: 0, nonGeographic: 0 }
      : parsePostcodes(
          postcodes.text,
          postcodes.file,
          new Set(files.postcodes?.nonGeographicDistricts ?? []),
        );
  const geography: Geography = {
    wards: parseWards(wards.text, wards.file, {
      code: files.wards.codeProperty,
      name: files.wards.nameProperty,
    }),
    lsoas: parseLsoas(lsoas.text, lsoas.file),
    outline: parseOutline(outline.text, outline.file),
    postcodes: parsedPostcodes.postcodes,
    postcodesWithoutLocation: parsedPostcodes.withoutLocation,
    postcodesNonGeographic: parsedPostcodes.nonGeographic,
    population: parsePopulation(population.text, population.file, {
      code: files.population.codeColumn,
      value: files.population.valueColumn,
    }),
    projection: projectionAt(files.projection.latitude),
    centre: null,
  };
  const [south, north] = latitudeSpan(geography.outline);
  const problem = projectionLatitudeProblem(files.projection.latitude, south, north);
  if (problem !== null) {
    throw new ReferenceDataError(
      files.projection.source,
      `cannot be the latitude distances are measured about in ${outline.file}: ${problem}`,
      { remedy: 'Change it (a latitude near the middle of the district).' },
    );
  }
  if (centre !== null) {
    // Inside the district as a crime is: in the outline or within its edge tolerance.
    const { projection } = geography;
    const district = new PolygonIndex([geography.outline], projection);
    geography.centre = parseCentre(
      centre.text,
      centre.file,
      (lon, lat) =>
        district.nearest(projection.x(lon), projection.y(lat), OUTLINE_TOLERANCE_M) !== null,
    );
  }
  const lsoaCodes = new Set(geography.lsoas.map((lsoa) => lsoa.code));
  const withoutPopulation = [...lsoaCodes].filter((code) => !geography.population.has(code));
  if (withoutPopulation.length > 0) {
    // Not one LSOA in common: the files are of two districts (an area.json naming another
    // area's file), which restoring either would not mend.
    const apart = withoutPopulation.length === lsoaCodes.size;
    throw new ReferenceDataError(
      population.file,
      `has no row for ${withoutPopulation.length} LSOA(s) of ${lsoas.file}, e.g. ${withoutPopulation.slice(0, 3).join(', ')}`,
      apart ? { remedy: DIFFERENT_DISTRICTS } : {},
    );
  }
  const withoutPolygon = [...geography.population.keys()].filter((code) => !lsoaCodes.has(code));
  if (withoutPolygon.length > 0) {
    throw new ReferenceDataError(
      population.file,
      `has ${withoutPolygon.length} LSOA(s) missing from ${lsoas.file}, e.g. ${withoutPolygon.slice(0, 3).join(', ')}`,
    );
  }
  return geography;
}

/** The southernmost and northernmost latitudes of `geometry`'s outer rings. */
function latitudeSpan(geometry: Geography['outline']): [number, number] {
  const parts = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let south = Infinity;
  let north = -Infinity;
  for (const [outer] of parts) {
    for (const position of outer ?? []) {
      south = Math.min(south, position[1]!);
      north = Math.max(north, position[1]!);
    }
  }
  return [south, north];
}
