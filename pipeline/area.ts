// Reads an area's configuration (data/areas/<slug>/area.json), validates it against the shared
// schema and checks that every file it names is there, so a run stops before its first step
// with every problem listed rather than halfway through with one.
import { access, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { bbox } from '@turf/bbox';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { parse } from 'csv-parse/sync';
import {
  districtsOfAreas,
  otherDistrictWords,
  parseArea,
  slugMismatch,
  type AreaConfig,
} from '../src/shared/area.ts';
import { areaNameProblem } from '../src/shared/area-paths.ts';
import { errorMessage } from '../src/shared/error-message.ts';
import type { PolygonGeometry } from '../src/shared/geometry.ts';
import type { Geometry } from 'geojson';
import { wardSlug } from '../src/shared/ward-slug.ts';
import { districtMiddle, middleOf } from './district-middle.ts';
import { polygonProblem } from './polygon-problem.ts';
import { parseOutline } from './reference.ts';

/** Where area folders live, relative to the repository root. */
export const AREAS_DIR = path.join('data', 'areas');
export const AREA_FILE = 'area.json';

/** An area and the absolute paths of the files it names. */
export interface LoadedArea {
  config: AreaConfig;
  /** data/areas/<slug>/ */
  dir: string;
  /** Its area.json as messages name it: relative to the repository root. */
  source: string;
  files: {
    wards: string;
    lsoas: string;
    outline: string;
    population: string;
    postcodes: string | null;
    centre: string | null;
  };
}

export interface LoadAreaOptions {
  /** The repository root that area.json's paths are relative to (default: the working directory). */
  root?: string;
}

/** Thrown when an area cannot be read or names files that are not there. */
export class AreaLoadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AreaLoadError';
  }
}

/** The slugs of the areas in data/areas/, for messages. */
async function knownAreas(root: string): Promise<string[]> {
  try {
    const entries = await readdir(path.join(root, AREAS_DIR), { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

/**
 * Read and validate data/areas/<slug>/area.json, without looking for the files it names (the
 * area-reference command makes some of them). Throws AreaConfigError (every bad field) or
 * AreaLoadError (not an area name, no such area, unreadable JSON, slug not the folder's).
 */
export async function readAreaConfig(
  slug: string,
  options: LoadAreaOptions = {},
): Promise<AreaConfig> {
  const root = path.resolve(options.root ?? '.');
  const problem = areaNameProblem(slug);
  if (problem !== null) throw new AreaLoadError(problem);
  const dir = path.join(root, AREAS_DIR, slug);
  const file = path.join(dir, AREA_FILE);
  const source = path.relative(root, file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const known = await knownAreas(root);
    throw new AreaLoadError(
      `No area "${slug}": ${source} cannot be read. Areas here: ${known.join(', ') || 'none'}; ` +
        `to add one, run \`npm run area -- add <local authority code> --force <police force>\` ` +
        `(README, "Adding a district"), or write ${source} (see data/areas/leeds/area.json).`,
      { cause: error },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = errorMessage(error);
    throw new AreaLoadError(`${source} is not valid JSON (${reason}): fix the file.`, {
      cause: error,
    });
  }
  const config = parseArea(json, source);
  const mismatch = slugMismatch(config, slug, source);
  if (mismatch !== null) throw new AreaLoadError(mismatch);
  const others = districtsOfAreas(await otherAreaConfigs(root, slug));
  const copied = otherDistrictWords(config, others, source);
  if (copied !== null) throw new AreaLoadError(copied);
  return config;
}

/**
 * The area.json of every area in data/areas/ but `slug`, parsed, with its path: what another
 * district's name is known from. One that cannot be read is left to its own run to refuse.
 */
async function otherAreaConfigs(
  root: string,
  slug: string,
): Promise<{ value: unknown; source: string }[]> {
  const others = (await knownAreas(root)).filter((other) => other !== slug);
  const read = await Promise.all(
    others.map(async (other) => {
      const file = path.join(root, AREAS_DIR, other, AREA_FILE);
      try {
        return [
          { value: JSON.parse(await readFile(file, 'utf8')), source: path.relative(root, file) },
        ];
      } catch {
        return [];
      }
    }),
  );
  return read.flat();
}

/** The fields of area.json that name a file. */
type FileField =
  | 'boundaries.wards.file'
  | 'boundaries.lsoas.file'
  | 'boundaries.outline.file'
  | 'population.file'
  | 'postcodes.file'
  | 'centre.file';

/**
 * What makes the file `field` names again, where the repository does not hold it (a district
 * added since): the command that fetches or derives it, or, for a centre's polygon, which no
 * command makes, how to draw it.
 */
function howToMake(config: AreaConfig, field: FileField): string {
  const add = `npm run area -- add ${config.localAuthority.code} --force ${config.forces[0]} --replace`;
  const derive = `npm run area-reference -- ${config.slug} --nomis <Nomis TS001 CSV by LSOA 2021>`;
  switch (field) {
    case 'boundaries.wards.file':
    case 'boundaries.lsoas.file':
      return `fetch it again: ${add}`;
    case 'boundaries.outline.file':
      return `make it from the wards: ${derive}; or fetch it: ${add}`;
    case 'population.file':
      return `make it from Nomis's download: ${derive}; or fetch it: ${add}`;
    case 'postcodes.file':
      return `fetch it again: ${add} --postcodes SERVICE --postcode-district-field FIELD`;
    case 'centre.file':
      return (
        'no command makes it: draw it (a GeoJSON FeatureCollection of one Polygon or ' +
        'MultiPolygon feature in longitude and latitude, inside the outline), or set centre ' +
        'to another kind or null'
      );
  }
}

/**
 * Read, validate and check data/areas/<slug>/area.json. Throws AreaConfigError (every bad
 * field) or AreaLoadError (no such area, unreadable JSON, missing files, each named).
 */
export async function loadArea(slug: string, options: LoadAreaOptions = {}): Promise<LoadedArea> {
  const root = path.resolve(options.root ?? '.');
  const config = await readAreaConfig(slug, options);
  const dir = path.join(root, AREAS_DIR, slug);
  const source = path.relative(root, path.join(dir, AREA_FILE));
  const named: [field: FileField, relative: string | undefined][] = [
    ['boundaries.wards.file', config.boundaries.wards.file],
    ['boundaries.lsoas.file', config.boundaries.lsoas.file],
    ['boundaries.outline.file', config.boundaries.outline.file],
    ['population.file', config.population.file],
    ['postcodes.file', config.postcodes?.file],
    ['centre.file', config.centre?.kind === 'polygon' ? config.centre.file : undefined],
  ];
  const missing: string[] = [];
  await Promise.all(
    named.map(async ([field, relative]) => {
      if (relative === undefined) return;
      try {
        await access(path.join(root, relative));
      } catch {
        missing.push(`${field}: ${relative} does not exist; ${howToMake(config, field)}`);
      }
    }),
  );
  if (missing.length > 0) {
    missing.sort();
    throw new AreaLoadError(
      `${source} names files that are not there:\n${missing.map((m) => `  - ${m}`).join('\n')}\n` +
        'Restore them from the repository where it holds them, or make them as each line says.',
    );
  }
  const wards = await checkWardsFile(config, source, path.join(root, config.boundaries.wards.file));
  await checkPopulationFile(config, source, path.join(root, config.population.file));
  // Named by its path, as loadGeography names it, so a damaged file says how to restore it.
  const outlineFile = path.join(root, config.boundaries.outline.file);
  const outlineText = await readFile(outlineFile, 'utf8');
  const outline = parseOutline(outlineText, outlineFile);
  checkOutlineDistrict({ config, source }, outlineText);
  checkWardsInOutline({ config, source }, wards, outline);
  checkMapBounds({ config, source }, outline);
  checkMapCentre({ config, source }, outline);
  const abs = (relative: string) => path.join(root, relative);
  return {
    config,
    dir,
    source,
    files: {
      wards: abs(config.boundaries.wards.file),
      lsoas: abs(config.boundaries.lsoas.file),
      outline: abs(config.boundaries.outline.file),
      population: abs(config.population.file),
      postcodes: config.postcodes === null ? null : abs(config.postcodes.file),
      centre: config.centre?.kind === 'polygon' ? abs(config.centre.file) : null,
    },
  };
}

/**
 * The postcode districts area.json names are districts of its postcode file: a centre's (one
 * the file has no located postcode in, another area's, a typo or a non-geographic district,
 * would give the centre none of its residents in silence) and the example pages give ("such
 * as LS6" on About, in the map's search and the downloads' column descriptions). `postcodes`:
 * the file's located postcodes, those of the non-geographic districts left out (reference.ts
 * parsePostcodes).
 */
export function checkPostcodeDistricts(
  area: Pick<LoadedArea, 'config' | 'source'>,
  postcodes: readonly { district: string }[],
): void {
  const { centre, postcodes: postcodeFile } = area.config;
  if (postcodeFile === null) return;
  const found = new Set(postcodes.map((p) => p.district));
  const nonGeographic = new Set(postcodeFile.nonGeographicDistricts);
  const named = (district: string) =>
    nonGeographic.has(district)
      ? `${district} (listed in postcodes.nonGeographicDistricts)`
      : district;
  const problems: string[] = [];
  const unknown =
    centre?.kind === 'postcode-districts'
      ? centre.districts.filter((district) => !found.has(district))
      : [];
  if (unknown.length > 0) {
    problems.push(
      `centre.districts: ${unknown.map(named).join(', ')} ${unknown.length === 1 ? 'has' : 'have'} no ` +
        `located postcode in ${postcodeFile.file}, so the centre would have none of ` +
        `${unknown.length === 1 ? 'its' : 'their'} residents`,
    );
  }
  const { example } = postcodeFile;
  if (example !== undefined && !found.has(example)) {
    problems.push(
      `postcodes.example: ${named(example)} has no located postcode in ${postcodeFile.file}, ` +
        'so pages would give as an example of the district a postcode district not in it',
    );
  }
  if (problems.length === 0) return;
  throw new AreaLoadError(
    `${area.source} does not fit its postcodes file:\n` +
      problems.map((p) => `  - ${p}\n`).join('') +
      'List postcode districts the file has.',
  );
}

/** An ONS district code property of an outline's feature: LADCD, LAD24CD, LAD25CD. */
const DISTRICT_CODE_PROPERTY = /^LAD(\d\d)?CD$/;

/**
 * The outline is the district's own, where its feature says whose it is (ONS's LAD code
 * property): another district's outline, or a code copied from another area.json, would
 * otherwise show only as a box that does not fit, or as a run that drops the district's
 * crimes as outside it. `outlineText`: boundaries.outline.file, already parsed by parseOutline.
 */
export function checkOutlineDistrict(
  area: Pick<LoadedArea, 'config' | 'source'>,
  outlineText: string,
): void {
  const { features } = JSON.parse(outlineText) as {
    features: { properties?: Record<string, unknown> | null }[];
  };
  const properties = features[0]?.properties ?? {};
  const property = Object.keys(properties).find((key) => DISTRICT_CODE_PROPERTY.test(key));
  const { code } = area.config.localAuthority;
  const found = property === undefined ? undefined : properties[property];
  if (found === undefined || found === code) return;
  throw new AreaLoadError(
    `${area.source} does not fit its outline:\n` +
      `  - localAuthority.code is ${code}, but ${area.config.boundaries.outline.file} is the ` +
      `outline of ${JSON.stringify(found)} (its ${property})\n` +
      "Name the district's own outline in boundaries.outline.file, or correct localAuthority.code.",
  );
}

/**
 * map.bounds holds the whole district: the map takes a shared link's centre only inside them,
 * so a part of the district outside would be refused as "outside" it, the map's own links
 * to it included. `outline`: the district's outline (boundaries.outline.file).
 */
export function checkMapBounds(
  area: Pick<LoadedArea, 'config' | 'source'>,
  outline: PolygonGeometry,
): void {
  const { bounds } = area.config.map;
  const [west, south, east, north] = bbox(outline);
  const beyond = [
    south < bounds.south ? `south to ${south.toFixed(3)}` : null,
    north > bounds.north ? `north to ${north.toFixed(3)}` : null,
    west < bounds.west ? `west to ${west.toFixed(3)}` : null,
    east > bounds.east ? `east to ${east.toFixed(3)}` : null,
  ].filter((part) => part !== null);
  if (beyond.length === 0) return;
  const round = (value: number, how: (x: number) => number) => how(value * 100) / 100;
  const needed = {
    south: Math.min(bounds.south, round(south, Math.floor)),
    north: Math.max(bounds.north, round(north, Math.ceil)),
    west: Math.min(bounds.west, round(west, Math.floor)),
    east: Math.max(bounds.east, round(east, Math.ceil)),
  };
  const name = area.config.localAuthority.name;
  throw new AreaLoadError(
    `${area.source} does not fit its outline:\n` +
      `  - map.bounds ${JSON.stringify(bounds)} leave out part of ${name}: its outline ` +
      `(${area.config.boundaries.outline.file}) reaches ${beyond.join(', ')}, so the map ` +
      `would refuse a link to that part as outside ${name}\n` +
      `Widen map.bounds to hold the whole outline, e.g. ${JSON.stringify(needed)}.`,
  );
}

/**
 * map.centre lies in the district: the map starts there when it has no ward outline to fit,
 * and the area's distances are measured on a projection true at its latitude. A centre in
 * the box but outside the district (the box's middle of a crescent-shaped district, a value
 * mistyped) would start the map on another district. `outline`: boundaries.outline.file's.
 */
export function checkMapCentre(
  area: Pick<LoadedArea, 'config' | 'source'>,
  outline: PolygonGeometry,
): void {
  const [lat, lon] = area.config.map.centre;
  if (booleanPointInPolygon([lon, lat], outline)) return;
  const name = area.config.localAuthority.name;
  throw new AreaLoadError(
    `${area.source} does not fit its outline:\n` +
      `  - map.centre ${JSON.stringify([lat, lon])} lies outside ${name}'s outline ` +
      `(${area.config.boundaries.outline.file}), so the map would start on another ` +
      'place and distances would be measured about a latitude not in the district\n' +
      `Give a [latitude, longitude] inside ${name}, e.g. ${JSON.stringify(districtMiddle(outline))}.`,
  );
}

/**
 * forceDistricts, when listed, name the area's own district as its LSOAs' names do (`own`,
 * outside.ts ownLsoaDistricts): otherwise every row of its own LSOAs just outside its outline
 * would be taken for another district's and dropped, and a row outside it counted as beyond
 * the force. Its ONS name can differ ("Kingston upon Hull, City of" for "Kingston upon Hull
 * 001A"), so it is not what is looked for.
 */
export function checkForceDistricts(
  area: Pick<LoadedArea, 'config' | 'source'>,
  own: readonly string[],
): void {
  const listed = area.config.forceDistricts;
  if (listed === null) return;
  const missing = own.filter((district) => !listed.includes(district));
  if (missing.length === 0) return;
  const quoted = missing.map((district) => `"${district}"`).join(', ');
  throw new AreaLoadError(
    `${area.source} does not fit its LSOAs:\n` +
      `  - forceDistricts: must include ${quoted}, as the names of the district's own LSOAs ` +
      `in ${area.config.boundaries.lsoas.file} start ("${missing[0]} 001A"); it lists ` +
      `${listed.map((district) => `"${district}"`).join(', ')}\n` +
      "Add them: police.uk names a row's district by its LSOA's name.",
  );
}

/** A feature of the wards file as loadArea reads it, before reference.ts checks its shape. */
type WardFeature = { properties?: Record<string, unknown> | null; geometry?: Geometry | null };

/**
 * The wards lie in the district: a ward file of another district (the wards of the area
 * copied from, or of another vintage's district) would otherwise pass every check until the
 * first month's crimes, inside the outline and far from every ward, stop the run. A ward
 * counts as inside when its middle (middleOf) is in the outline; polygons that cannot
 * be read are left to reference.ts, which names their fault.
 */
export function checkWardsInOutline(
  area: Pick<LoadedArea, 'config' | 'source'>,
  wards: readonly WardFeature[],
  outline: PolygonGeometry,
): void {
  const { codeProperty, nameProperty, file } = area.config.boundaries.wards;
  const outside = wards.filter((ward) => {
    const geometry = ward.geometry ?? null;
    if (polygonProblem(geometry) !== null) return false;
    const [lat, lon] = middleOf(geometry as PolygonGeometry);
    return !booleanPointInPolygon([lon, lat], outline);
  });
  if (outside.length === 0) return;
  const named = outside
    .slice(0, 3)
    .map(
      (ward) =>
        `${String(ward.properties?.[codeProperty])} ${JSON.stringify(ward.properties?.[nameProperty])}`,
    );
  throw new AreaLoadError(
    `${area.source} does not fit its outline:\n` +
      `  - boundaries.wards.file: ${outside.length} of the ${wards.length} wards of ${file} lie ` +
      `outside ${area.config.localAuthority.name}'s outline (${area.config.boundaries.outline.file}), ` +
      `e.g. ${named.join(', ')}\n` +
      "Name the district's own wards and outline (npm run area -- add fetches both).",
  );
}

/**
 * The LSOAs lie in the district: an LSOA file of another district (copied with its population
 * file from another area, or fetched by the wrong code) would otherwise pass every check
 * (each LSOA has its residents) while no crime of the district found its LSOA and the
 * district's own LSOAs were taken for another's. An LSOA counts as inside when its middle
 * (middleOf) is in the outline, as a ward does. `lsoas`: boundaries.lsoas.file's, as
 * reference.ts parses them.
 */
export function checkLsoasInOutline(
  area: Pick<LoadedArea, 'config' | 'source'>,
  lsoas: readonly { code: string; name: string; geometry: PolygonGeometry }[],
  outline: PolygonGeometry,
): void {
  const outside = lsoas.filter((lsoa) => {
    const [lat, lon] = middleOf(lsoa.geometry);
    return !booleanPointInPolygon([lon, lat], outline);
  });
  if (outside.length === 0) return;
  const { boundaries, localAuthority } = area.config;
  const named = outside.slice(0, 3).map((lsoa) => `${lsoa.code} ${JSON.stringify(lsoa.name)}`);
  throw new AreaLoadError(
    `${area.source} does not fit its outline:\n` +
      `  - boundaries.lsoas.file: ${outside.length} of the ${lsoas.length} LSOAs of ` +
      `${boundaries.lsoas.file} lie outside ${localAuthority.name}'s outline ` +
      `(${boundaries.outline.file}), e.g. ${named.join(', ')}\n` +
      "Name the district's own LSOAs and their population (npm run area -- add fetches both).",
  );
}

/** Postcodes checked against the outline, evenly spread over the file: enough to tell whose. */
const POSTCODES_SAMPLED = 1000;

/**
 * The postcode list is the district's: a list of another district (copied with another
 * area.json, its example and centre with it) would give every crime no postcode district, or
 * a wrong one from postcodes.io's, while the pages gave the other district's postcodes as the
 * district's. Of postcodes sampled evenly from the list, most must lie in the outline for a
 * list of the district's postcodes (`npm run area -- add` holds it to 98 % of them all), and
 * at least one for whole postcode areas (Leeds's LS list: LS postcodes reach beyond Leeds).
 * `postcodes`: the list's located postcodes (reference.ts parsePostcodes).
 */
export function checkPostcodesInOutline(
  area: Pick<LoadedArea, 'config' | 'source'>,
  postcodes: readonly { postcode: string; lon: number; lat: number }[],
  outline: PolygonGeometry,
): void {
  const list = area.config.postcodes;
  if (list === null || postcodes.length === 0) return;
  const step = Math.ceil(postcodes.length / POSTCODES_SAMPLED);
  const sample = postcodes.filter((_, i) => i % step === 0);
  const outside = sample.filter((p) => !booleanPointInPolygon([p.lon, p.lat], outline));
  const inside = sample.length - outside.length;
  if (list.holds === 'district' ? inside * 2 > sample.length : inside > 0) return;
  const { localAuthority, boundaries } = area.config;
  const examples = outside.slice(0, 3).map((p) => p.postcode);
  const whose = list.holds === 'district' ? 'postcodes' : 'postcode areas';
  throw new AreaLoadError(
    `${area.source} does not fit its outline:\n` +
      `  - postcodes.file: ${outside.length} of ${sample.length} postcodes sampled from ` +
      `${list.file} lie outside ${localAuthority.name}'s outline (${boundaries.outline.file}), ` +
      `e.g. ${examples.join(', ')}, so it is not a list of the district's ${whose}\n` +
      "Name the district's own postcode list (npm run area -- add --postcodes fetches it), or " +
      'set postcodes to null.',
  );
}

/**
 * The ward boundaries as area.json names them: every feature has the code and name properties,
 * and a centre given as wards names wards of the file. Otherwise the run would fail later with
 * the file's features listed one by one, or a centre of no ward would pass in silence (its
 * wards' residents 0, its name the code).
 */
async function checkWardsFile(
  config: AreaConfig,
  source: string,
  file: string,
): Promise<WardFeature[]> {
  const { codeProperty, nameProperty } = config.boundaries.wards;
  let features: WardFeature[];
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { features?: unknown };
    features = Array.isArray(parsed.features) ? (parsed.features as typeof features) : [];
  } catch (cause) {
    throw new AreaLoadError(
      `${source}: boundaries.wards.file ${config.boundaries.wards.file} is not GeoJSON: ` +
        `restore it, or ${howToMake(config, 'boundaries.wards.file')}.`,
      { cause },
    );
  }
  const problems: string[] = [];
  const first = features[0]?.properties ?? {};
  for (const [field, property] of [
    ['codeProperty', codeProperty],
    ['nameProperty', nameProperty],
  ] as const) {
    const without = features.filter((f) => typeof f.properties?.[property] !== 'string').length;
    if (features.length === 0 || without > 0) {
      problems.push(
        `boundaries.wards.${field}: "${property}" is missing from ${without} of the ` +
          `${features.length} features of ${config.boundaries.wards.file} (its properties: ` +
          `${Object.keys(first).join(', ') || 'none'})`,
      );
    }
  }
  if (problems.length === 0 && config.centre?.kind === 'wards') {
    const codes = new Set(features.map((f) => f.properties?.[codeProperty]));
    const unknown = config.centre.wards.filter((code) => !codes.has(code));
    if (unknown.length > 0) {
      problems.push(
        `centre.wards: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a ward' : 'are not wards'} ` +
          `of ${config.boundaries.wards.file} (${codeProperty})`,
      );
    }
  }
  if (problems.length > 0) {
    throw new AreaLoadError(
      `${source} does not fit its ward boundaries:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Use the property names and ward codes the file has.',
    );
  }
  const pages = wardPageProblems(
    features.map((f) => ({
      code: String(f.properties?.[codeProperty]),
      name: String(f.properties?.[nameProperty]),
    })),
  );
  if (pages.length > 0) {
    throw new AreaLoadError(
      `${config.boundaries.wards.file} has ward names that do not give each ward a page of its ` +
        `own (${source}: boundaries.wards.nameProperty "${nameProperty}"):\n` +
        `${pages.map((p) => `  - ${p}`).join('\n')}\n` +
        'Correct the names in the file, or tell two wards apart in their names (as the ONS does, e.g. "Park (Sheffield)").',
    );
  }
  return features;
}

/**
 * Why the wards' names cannot each give a ward page (/wards/<slug>/, wardSlug): a name with
 * no letter or digit a URL holds, or two names with one slug (the same name twice, or names
 * that differ only in case, accents or punctuation). Checked before any month is read: the
 * site-data step would find it only after them.
 */
export function wardPageProblems(wards: readonly { code: string; name: string }[]): string[] {
  const problems: string[] = [];
  const bySlug = new Map<string, { code: string; name: string }>();
  for (const ward of wards) {
    const slug = wardSlug(ward.name);
    if (slug === '') {
      problems.push(
        `ward ${ward.code} is named ${JSON.stringify(ward.name)}, which holds no letter or digit a web address can hold`,
      );
      continue;
    }
    const other = bySlug.get(slug);
    if (other === undefined) bySlug.set(slug, ward);
    else {
      problems.push(
        `wards ${other.code} ${JSON.stringify(other.name)} and ${ward.code} ${JSON.stringify(ward.name)} would share the page /wards/${slug}/`,
      );
    }
  }
  return problems;
}

/**
 * The population file as area.json names its columns: otherwise the run would stop at its
 * months step, after any download, blaming the file rather than the field.
 */
async function checkPopulationFile(
  config: AreaConfig,
  source: string,
  file: string,
): Promise<void> {
  const { file: relative, codeColumn, valueColumn } = config.population;
  const text = await readFile(file, 'utf8');
  let columns: string[];
  try {
    const [header] = parse(text.slice(0, text.search(/\r?\n|$/)), {
      bom: true,
      trim: true,
    }) as string[][];
    columns = header ?? [];
  } catch (cause) {
    throw new AreaLoadError(
      `${source}: population.file ${relative} is not CSV with a header row: restore it, or ` +
        `${howToMake(config, 'population.file')}.`,
      { cause },
    );
  }
  const problems = (
    [
      ['codeColumn', codeColumn],
      ['valueColumn', valueColumn],
    ] as const
  )
    .filter(([, column]) => !columns.includes(column))
    .map(
      ([field, column]) =>
        `population.${field}: "${column}" is not a column of ${relative} (its columns: ` +
        `${columns.map((c) => `"${c}"`).join(', ') || 'none'})`,
    );
  if (problems.length > 0) {
    throw new AreaLoadError(
      `${source} does not fit its population file:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Use the column names the file has.',
    );
  }
}
