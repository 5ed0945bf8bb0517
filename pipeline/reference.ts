// Parses each file of the reference geography committed in data/reference/ (load-geography.ts
// reads them) and checks it on the way in. Everything here is small (under 2 MB a file), so
// files are parsed whole; the checks name the file and, for CSVs, the line of the first bad row,
// for GeoJSON the features whose polygons cannot be used (polygon-problem.ts).
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { PolygonGeometry } from '../src/shared/geometry.ts';
import type { Projection } from '../src/shared/projection.ts';
import { restoreFromRepository } from '../src/shared/restore-file.ts';
import { polygonProblem } from './polygon-problem.ts';
import { errorMessage } from '../src/shared/error-message.ts';

export type { PolygonGeometry };

/** An area with a code and a name (a ward or an LSOA). */
export interface Area {
  code: string;
  name: string;
  geometry: PolygonGeometry;
}

export interface Postcode {
  /** e.g. "LS6 1AA" */
  postcode: string;
  /** The outward code, e.g. "LS6". */
  district: string;
  lon: number;
  lat: number;
}

export interface Geography {
  /** The ward polygons (WD25), in file order. */
  wards: Area[];
  /** The 2021 LSOA polygons, in file order. */
  lsoas: Area[];
  /** The district outline. */
  outline: PolygonGeometry;
  /** LS postcodes that have a grid reference. */
  postcodes: Postcode[];
  /** Postcodes in the file without a grid reference (latitude 99.999999), skipped. */
  postcodesWithoutLocation: number;
  /** Located postcodes of the non-geographic districts (parsePostcodes), left out. */
  postcodesNonGeographic: number;
  /** Census 2021 usual residents by LSOA 2021 code. */
  population: Map<string, number>;
  /** The flat projection the district's distances in metres are measured on. */
  projection: Projection;
  /** The centre when area.json draws it as a polygon (centre.kind "polygon"); null otherwise. */
  centre: PolygonGeometry | null;
}

export const REFERENCE_FILES = {
  wards: 'wards.geojson',
  lsoas: 'lsoa21.geojson',
  outline: 'leeds-outline.geojson',
  postcodes: 'postcodes-ls.csv',
  population: 'population-lsoa21.csv',
} as const;

/** ONSPD writes this latitude for postcodes that have no grid reference. */
export const ONSPD_NO_LOCATION_LATITUDE = 99.999999;

/** UK postcode: outward code, optional space, inward code. */
export const POSTCODE_PATTERN = /^([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})$/;

/**
 * The latitude the Leeds layout's projection is true at: Leeds's map centre
 * (data/areas/leeds/area.json, which a test holds this to).
 */
export const REFERENCE_PROJECTION_LATITUDE = 53.8;

export const POPULATION_CODE_COLUMN = 'geography code';
export const POPULATION_VALUE_COLUMN = 'Residence type: Total; measures: Value';

/** Thrown when reference geography is missing or does not hold what the pipeline expects. */
export class ReferenceDataError extends Error {
  constructor(source: string, problem: string, options: { cause?: unknown; remedy?: string } = {}) {
    super(
      `${source}: ${problem}. ${options.remedy ?? `${restoreFromRepository(source)} or fix it.`}`,
      {
        cause: options.cause,
      },
    );
    this.name = 'ReferenceDataError';
  }
}

// The shape only: whether the positions are longitudes and latitudes in England and Wales, and
// the rings closed, is polygonProblem's to say, with a better message than a range's.
const positionSchema = z.tuple([z.number(), z.number()]).rest(z.number());
const ringSchema = z.array(positionSchema).min(4, 'a ring needs at least 4 positions');
const geometrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: z.array(ringSchema).min(1) }),
  z.object({
    type: z.literal('MultiPolygon'),
    coordinates: z.array(z.array(ringSchema).min(1)).min(1),
  }),
]);

function featureCollectionSchema<P extends z.ZodType>(properties: P) {
  return z.object({
    type: z.literal('FeatureCollection'),
    features: z.array(z.object({ properties, geometry: geometrySchema })).min(1),
  });
}

type Features<P extends z.ZodType> = { properties: z.infer<P>; geometry: PolygonGeometry }[];

/** Problems listed per file before "and N more". */
const LISTED_MAX = 10;

/** What to do about a polygon that is not closed or not in longitude and latitude. */
const POLYGON_REMEDY =
  'Close each ring (its last position the same as its first) and give every position as ' +
  '[longitude, latitude] in WGS84: fix the file, export it again as GeoJSON in WGS84, or ' +
  'restore it from the repository';

/**
 * Validate a FeatureCollection of polygons: its shape (errors list up to 10 bad fields with
 * their path), then each polygon (polygonProblem: closed rings, longitudes and latitudes in
 * England and Wales), naming up to 10 bad features by index and by `name(properties)` (a
 * ward's code and name), with what to do.
 */
export function validateFeatureCollection<P extends z.ZodType>(
  value: unknown,
  properties: P,
  source: string,
  remedy?: string,
  name?: (properties: z.infer<P>) => string,
): Features<P> {
  const result = featureCollectionSchema(properties).safeParse(value);
  if (!result.success) {
    const issues = result.error.issues
      .slice(0, LISTED_MAX)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ReferenceDataError(
      source,
      `is not a FeatureCollection of polygons with the expected properties (${issues.join('; ')})`,
      remedy === undefined ? {} : { remedy },
    );
  }
  const features = result.data.features as Features<P>;
  const problems = features.flatMap((feature, i) => {
    const found = polygonProblem(feature.geometry);
    if (found === null) return [];
    const named = name === undefined ? '' : ` (${name(feature.properties)})`;
    return [`feature ${i}${named}: ${found.at} ${found.problem}`];
  });
  if (problems.length > 0) {
    const more = problems.length - LISTED_MAX;
    throw new ReferenceDataError(
      source,
      `has ${problems.length} polygon(s) the pipeline cannot use: ` +
        problems.slice(0, LISTED_MAX).join('; ') +
        (more > 0 ? `; and ${more} more` : ''),
      { remedy: `${POLYGON_REMEDY}${remedy === undefined ? '.' : `. ${remedy}`}` },
    );
  }
  return features;
}

/** `file`'s text as JSON; text that is not JSON is a ReferenceDataError naming the file. */
function parseJson(text: string, file: string, remedy?: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ReferenceDataError(file, `is not valid JSON (${errorMessage(error)})`, {
      cause: error,
      remedy,
    });
  }
}

function parseFeatureCollection<P extends z.ZodType>(
  text: string,
  properties: P,
  file: string,
  name?: (properties: z.infer<P>) => string,
): Features<P> {
  return validateFeatureCollection(parseJson(text, file), properties, file, undefined, name);
}

function areasFrom(
  text: string,
  file: string,
  codeKey: string,
  nameKey: string,
  codePattern: RegExp,
): Area[] {
  const properties = z.object({
    [codeKey]: z.string().regex(codePattern, `expected a code like ${codePattern.source}`),
    [nameKey]: z.string().min(1),
  });
  const name = (p: z.infer<typeof properties>) => `${String(p[codeKey])} ${String(p[nameKey])}`;
  const areas = parseFeatureCollection(text, properties, file, name).map((feature) => ({
    code: String(feature.properties[codeKey]),
    name: String(feature.properties[nameKey]),
    geometry: feature.geometry,
  }));
  const seen = new Set<string>();
  for (const area of areas) {
    if (seen.has(area.code)) throw new ReferenceDataError(file, `has ${area.code} twice`);
    seen.add(area.code);
  }
  return areas;
}

export function parseWards(
  text: string,
  file: string = REFERENCE_FILES.wards,
  properties: { code: string; name: string } = { code: 'WD25CD', name: 'WD25NM' },
): Area[] {
  return areasFrom(text, file, properties.code, properties.name, /^[EW]05\d{6}$/);
}

export function parseLsoas(text: string, file: string = REFERENCE_FILES.lsoas): Area[] {
  return areasFrom(text, file, 'LSOA21CD', 'LSOA21NM', /^[EW]01\d{6}$/);
}

/**
 * Leeds City Council polling districts as WGS84 polygons. The code is read from POLLING_DI
 * (the council's field name) or pollingDistrict (as pipeline/sources writes them). `source`
 * names where they came from, for errors.
 */
export function parsePollingDistricts(
  value: unknown,
  source: string,
): { code: string; geometry: PolygonGeometry }[] {
  const code = z.string().trim().min(1);
  const properties = z
    .object({ POLLING_DI: code.optional(), pollingDistrict: code.optional() })
    .refine((p) => p.POLLING_DI !== undefined || p.pollingDistrict !== undefined, {
      message: 'expected a POLLING_DI or pollingDistrict property',
    });
  const remedy = 'Polling districts must be GeoJSON polygons in WGS84 (ArcGIS outSR=4326).';
  const codeOf = (p: z.infer<typeof properties>) => p.POLLING_DI ?? p.pollingDistrict ?? '';
  const name = (p: z.infer<typeof properties>) => `polling district ${codeOf(p)}`;
  return validateFeatureCollection(value, properties, source, remedy, name).map((feature) => ({
    code: codeOf(feature.properties),
    geometry: feature.geometry,
  }));
}

export function parseOutline(
  text: string,
  file: string = REFERENCE_FILES.outline,
): PolygonGeometry {
  const features = parseFeatureCollection(text, z.unknown(), file);
  const [first] = features;
  if (features.length !== 1 || first === undefined) {
    throw new ReferenceDataError(file, `should hold exactly 1 feature, found ${features.length}`);
  }
  return first.geometry;
}

/**
 * A centre drawn as a polygon (area.json centre.file): one feature, a Polygon or MultiPolygon
 * in longitude and latitude, inside the district (`inDistrict` says whether a [lon, lat] vertex
 * is in the outline or within its edge tolerance). Errors name the file and the bad field.
 */
export function parseCentre(
  text: string,
  file: string,
  inDistrict: (lon: number, lat: number) => boolean,
): PolygonGeometry {
  const remedy =
    'Draw the centre as a GeoJSON FeatureCollection of one Polygon or MultiPolygon feature in ' +
    'longitude and latitude (WGS84), inside the district, or fix centre in area.json.';
  const features = validateFeatureCollection(
    parseJson(text, file, remedy),
    z.unknown(),
    file,
    remedy,
  );
  const [first] = features;
  if (features.length !== 1 || first === undefined) {
    throw new ReferenceDataError(file, `should hold exactly 1 feature, found ${features.length}`, {
      remedy,
    });
  }
  const { geometry } = first;
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  polygons.forEach((rings, p) =>
    rings.forEach((ring, r) =>
      ring.forEach(([lon, lat], v) => {
        if (inDistrict(lon!, lat!)) return;
        const field =
          'features.0.geometry.coordinates.' +
          (geometry.type === 'Polygon' ? `${r}.${v}` : `${p}.${r}.${v}`);
        throw new ReferenceDataError(
          file,
          `${field} is [${lon}, ${lat}], outside the district's outline`,
          { remedy },
        );
      }),
    ),
  );
  return geometry;
}

/** Whitespace at either end of a field of a line, which csv-parse's `trim` would remove. */
const PADDED_FIELD = /^\s|\s$|\s,|,\s/;

/**
 * The records of a reference CSV whose fields are plain (no double quote, no whitespace at
 * either end, no lone carriage return), split on line breaks and commas: what csv-parse gives
 * with CSV_OPTIONS (a test checks it on every reference file), without its
 * character-by-character scan, which took 0.3-0.6 s of every run on the 1.2 MB postcode file.
 * Null for anything else (quotes, padding, a row of another length), which csv-parse reads,
 * or reports.
 */
export function plainCsvRecords(text: string): Record<string, string>[] | null {
  if (text.includes('"') || /\r(?!\n)/.test(text)) return null;
  const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r?\n/);
  const header = lines[0] ?? '';
  if (header === '' || PADDED_FIELD.test(header)) return null;
  const columns = header.split(',');
  const records: Record<string, string>[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    if (PADDED_FIELD.test(line)) return null;
    const values = line.split(',');
    if (values.length !== columns.length) return null;
    const record: Record<string, string> = {};
    columns.forEach((column, c) => (record[column] = values[c]!));
    records.push(record);
  }
  return records;
}

export const CSV_OPTIONS = {
  columns: true,
  skip_empty_lines: true,
  bom: true,
  trim: true,
} as const;

function csvRecords(
  text: string,
  file: string,
  columns: readonly string[],
): Record<string, string>[] {
  let records: Record<string, string>[];
  try {
    records = plainCsvRecords(text) ?? parse(text, CSV_OPTIONS);
  } catch (error) {
    throw new ReferenceDataError(file, 'is not readable CSV', { cause: error });
  }
  const first = records[0];
  if (first === undefined) throw new ReferenceDataError(file, 'has no rows');
  const missing = columns.filter((column) => !(column in first));
  if (missing.length > 0) {
    throw new ReferenceDataError(
      file,
      `lacks the column(s) ${missing.map((c) => `"${c}"`).join(', ')}`,
    );
  }
  return records;
}

/** Line number of the n-th record (0-based), counting the header as line 1. */
const lineOf = (index: number): number => index + 2;

/**
 * Leeds's non-geographic districts (PO boxes and large users), for the Leeds layout of a
 * reference folder; an area names its own (area.json `postcodes.nonGeographicDistricts`).
 */
export const LEEDS_NON_GEOGRAPHIC_DISTRICTS: readonly string[] = ['LS88', 'LS98', 'LS99'];

/**
 * The postcodes of a postcode reference file, without those of `nonGeographic` districts: a
 * PO box's postcode carries the coordinates of a sorting office, not of the place, so it
 * never names a crime's district.
 */
export function parsePostcodes(
  text: string,
  file: string,
  nonGeographic: ReadonlySet<string>,
): { postcodes: Postcode[]; withoutLocation: number; nonGeographic: number } {
  const records = csvRecords(text, file, ['postcode_clean', 'lat', 'long']);
  const postcodes: Postcode[] = [];
  let withoutLocation = 0;
  let leftOut = 0;
  records.forEach((record, index) => {
    const postcode = record['postcode_clean'] ?? '';
    const lat = Number(record['lat']);
    const lon = Number(record['long']);
    const match = POSTCODE_PATTERN.exec(postcode);
    if (match === null) {
      throw new ReferenceDataError(`${file}:${lineOf(index)}`, `"${postcode}" is not a postcode`);
    }
    if (lat === ONSPD_NO_LOCATION_LATITUDE) {
      withoutLocation += 1;
      return;
    }
    if (
      !Number.isFinite(lat) ||
      !Number.isFinite(lon) ||
      Math.abs(lat) > 90 ||
      Math.abs(lon) > 180
    ) {
      throw new ReferenceDataError(
        `${file}:${lineOf(index)}`,
        `${postcode} has unusable coordinates lat "${record['lat']}", long "${record['long']}"`,
      );
    }
    const district = match[1] ?? '';
    if (nonGeographic.has(district)) {
      leftOut += 1;
      return;
    }
    postcodes.push({ postcode, district, lon, lat });
  });
  return { postcodes, withoutLocation, nonGeographic: leftOut };
}

export function parsePopulation(
  text: string,
  file: string = REFERENCE_FILES.population,
  columns: { code: string; value: string } = {
    code: POPULATION_CODE_COLUMN,
    value: POPULATION_VALUE_COLUMN,
  },
): Map<string, number> {
  const records = csvRecords(text, file, [columns.code, columns.value]);
  const population = new Map<string, number>();
  records.forEach((record, index) => {
    const code = record[columns.code] ?? '';
    const raw = record[columns.value] ?? '';
    const value = Number(raw);
    if (code === '' || raw === '' || !Number.isInteger(value) || value < 0) {
      throw new ReferenceDataError(
        `${file}:${lineOf(index)}`,
        `expected an LSOA code and a whole number of residents, found "${code}", "${raw}"`,
      );
    }
    if (population.has(code)) {
      throw new ReferenceDataError(`${file}:${lineOf(index)}`, `has ${code} twice`);
    }
    population.set(code, value);
  });
  return population;
}
