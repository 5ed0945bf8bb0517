// Adds a district of England and Wales as an area: fetches its wards, LSOA 2021 and outline
// from the ONS Open Geography Portal and its Census 2021 residents by LSOA from Nomis, checks
// them together (district-checks.ts), and writes data/areas/<slug>/ (area.json, the reference
// files, ATTRIBUTION.md). Everything is written to a staging folder beside it and moved into
// place by one rename at the end, so a failure at any point leaves data/areas/ as it was.
// Replacing an area keeps the fields of its area.json set by hand (HAND_SET_FIELDS), and
// moves the old folder aside as <slug>.replaced until the new one is in; a run killed between
// the two renames is put right by the next (restoreReplacedAreas).
import { access, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bbox } from '@turf/turf';
import {
  ENGLAND_AND_WALES,
  LOCAL_AUTHORITY_CODE,
  parseArea,
  SLUG,
  type AreaConfig,
  type AreaConfigInput,
} from '../src/shared/area.ts';
import { AREA_FILE, AREAS_DIR } from './area.ts';
import { districtProblems } from './district-checks.ts';
import { districtPopulationCsv, POPULATION_COLUMNS } from './nomis-population.ts';
import type { HttpClient, Log } from './sources/http.ts';
import { fetchLsoaResidents, TS001_DATASET, ts001Url } from './sources/nomis.ts';
import {
  DEFAULT_ONS_SERVICES,
  fetchDistrictOutline,
  fetchLsoaBoundaries,
  fetchLsoaList,
  fetchWardBoundaries,
  fetchWardList,
  onsFields,
  type OnsServices,
} from './sources/ons-geography.ts';
import { sweepTemporaryFiles, tempPathFor } from './write.ts';

/** The reference files of an area, named as in data/areas/sheffield/. */
export const AREA_FILES = {
  wards: 'wards.geojson',
  lsoas: 'lsoa21.geojson',
  outline: 'outline.geojson',
  population: 'population-lsoa21.csv',
  attribution: 'ATTRIBUTION.md',
} as const;

/** British Transport Police: its file holds crimes on the railway in every district. */
const BTP = 'btp';
/**
 * Fields of area.json that a replaced area keeps from its previous area.json: set or corrected
 * by hand after the area was added, and not found in the fetched data.
 */
export const HAND_SET_FIELDS = ['siteName', 'centre', 'forceDistricts', 'map'] as const;
/** Ends the name of an area folder moved aside while its replacement moves in. */
const REPLACED_SUFFIX = '.replaced';
/** The map's first view fits the district in about this many pixels across. */
const MAP_FIT_PX = 600;
/** Leaflet's tiles are 256 px: zoom z shows 360° of longitude in 256 × 2^z px. */
const TILE_PX = 256;
/** URL centres may fall this far (in degrees) outside the district's box. */
const MAP_BOUNDS_MARGIN = 0.25;

export interface AddAreaOptions {
  /** The local-authority district code, e.g. E08000039. */
  districtCode: string;
  /** The territorial police force whose police.uk files hold the district, e.g. "south-yorkshire". */
  force: string;
  /** The area's folder name; default: the district's name in lower case, e.g. "sheffield". */
  slug?: string;
  /** Replace an area folder that is already there (default: stop). */
  replace?: boolean;
  /** The repository root holding data/areas/ (default: the working directory). */
  root?: string;
  client: HttpClient;
  onsBaseUrl: string;
  nomisBaseUrl: string;
  services?: OnsServices;
  /** Features asked for per ArcGIS page. */
  pageSize?: number;
  log?: Log;
  /** When the data was fetched, for ATTRIBUTION.md (default: now). */
  now?: Date;
}

export interface AddAreaResult {
  slug: string;
  district: { code: string; name: string };
  /** data/areas/<slug>, relative to the root. */
  dir: string;
  wards: number;
  lsoas: number;
  residents: number;
}

/** Thrown when the fetched data fails its checks; `problems` lists every one. */
export class DistrictDataError extends Error {
  readonly problems: readonly string[];
  constructor(districtCode: string, problems: readonly string[]) {
    super(
      `${districtCode}: the fetched reference data failed ${problems.length} check(s); nothing was written:\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'DistrictDataError';
    this.problems = problems;
  }
}

export async function addArea(options: AddAreaOptions): Promise<AddAreaResult> {
  const { districtCode, force, client, log = () => {} } = options;
  if (!LOCAL_AUTHORITY_CODE.test(districtCode)) {
    throw new Error(
      `"${districtCode}" is not a local-authority district code: give one like E08000039 ` +
        '(E06-E09 in England, W06 in Wales; see the ONS Open Geography Portal)',
    );
  }
  if (!SLUG.test(force) || force === BTP) {
    throw new Error(
      `"${force}" is not a territorial police.uk force: give the force as police.uk names its files, e.g. "south-yorkshire"`,
    );
  }
  if (options.slug !== undefined && !SLUG.test(options.slug)) {
    throw new Error(`"${options.slug}" is not an area name: use lower-case words joined by "-"`);
  }
  const services = options.services ?? DEFAULT_ONS_SERVICES;
  const fields = onsFields(services);
  const root = path.resolve(options.root ?? '.');
  const areasDir = path.join(root, AREAS_DIR);
  await restoreReplacedAreas(areasDir, log);
  const ons = {
    client,
    baseUrl: options.onsBaseUrl,
    services,
    query: { log, ...(options.pageSize ? { pageSize: options.pageSize } : {}) },
  };

  const wardList = await fetchWardList(ons, districtCode);
  if (wardList.length === 0) {
    throw new Error(
      `${districtCode}: the ward lookup ${services.wardLookup} lists no wards for ${fields.wardLookupDistrict} = ` +
        `'${districtCode}': is it a district code of that vintage? Check it on the ONS Open Geography Portal`,
    );
  }
  const outline = await fetchDistrictOutline(ons, districtCode);
  const district = { code: districtCode, name: outline.properties.LADNM };
  const slug = options.slug ?? slugFor(district.name);
  const finalDir = path.join(areasDir, slug);
  if (!options.replace && (await exists(finalDir))) {
    throw new Error(
      `${path.relative(root, finalDir)} is already there: give --replace to fetch it again, or --slug for another name`,
    );
  }
  log(`${district.name} (${districtCode}): ${wardList.length} wards in ${services.wardLookup}`);

  const wards = await fetchWardBoundaries(ons, wardList);
  const lsoaCodes = await fetchLsoaList(ons, districtCode);
  const lsoas =
    lsoaCodes.length > 0 ? await fetchLsoaBoundaries(ons, lsoaCodes) : emptyCollection();
  const residents = await fetchLsoaResidents(
    { client, baseUrl: options.nomisBaseUrl, log },
    lsoaCodes,
  );
  const problems = districtProblems({
    district,
    wardList,
    wards,
    wardFields: { code: fields.wardCode, name: fields.wardName },
    lsoas,
    outline,
    lsoaCodes,
    residents,
  });
  if (problems.length > 0) throw new DistrictDataError(districtCode, problems);

  const relative = (file: string) => path.posix.join(AREAS_DIR, slug, file);
  const kept = options.replace ? await handSetFields(path.join(finalDir, AREA_FILE)) : {};
  if (Object.keys(kept).length > 0) {
    log(`kept from the previous ${relative(AREA_FILE)}: ${Object.keys(kept).join(', ')}`);
  }
  const config = parseArea(
    { ...areaConfig({ slug, district, force, fields, outline, relative }), ...kept },
    `${relative(AREA_FILE)} (made by the area command${Object.keys(kept).length > 0 ? ', with the previous hand-set fields' : ''})`,
  );
  const files: Record<string, string> = {
    [AREA_FILE]: `${JSON.stringify(config, null, 2)}\n`,
    [AREA_FILES.wards]: geojson(wards),
    [AREA_FILES.lsoas]: geojson(lsoas),
    [AREA_FILES.outline]: geojson({ type: 'FeatureCollection', features: [outline] }),
    [AREA_FILES.population]: districtPopulationCsv(residents, lsoaCodes, `Nomis ${TS001_DATASET}`),
    [AREA_FILES.attribution]: attribution({
      config,
      services,
      onsBaseUrl: options.onsBaseUrl,
      nomisUrl: ts001Url(options.nomisBaseUrl, [], 0),
      counts: { wards: wards.features.length, lsoas: lsoaCodes.length },
      now: options.now ?? new Date(),
    }),
  };

  await mkdir(areasDir, { recursive: true });
  await sweepTemporaryFiles([areasDir]);
  const staging = tempPathFor(finalDir);
  try {
    await mkdir(staging);
    for (const [name, data] of Object.entries(files)) {
      await writeFile(path.join(staging, name), data);
    }
    await publishFolder(staging, finalDir, options.replace ?? false);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  const inDistrict = new Set(lsoaCodes);
  const total = residents
    .filter((r) => inDistrict.has(r.code))
    .reduce((sum, r) => sum + r.residents, 0);
  return {
    slug,
    district,
    dir: path.relative(root, finalDir),
    wards: wards.features.length,
    lsoas: lsoaCodes.length,
    residents: total,
  };
}

/** The district's name as an area name: "Kingston upon Hull, City of" -> "kingston-upon-hull-city-of". */
export function slugFor(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!SLUG.test(slug)) {
    throw new Error(`"${name}" gives no area name: give one with --slug, e.g. --slug my-district`);
  }
  return slug;
}

interface AreaConfigParts {
  slug: string;
  district: { code: string; name: string };
  force: string;
  fields: { wardCode: string; wardName: string };
  outline: Parameters<typeof bbox>[0];
  relative: (file: string) => string;
}

/**
 * area.json for a fetched district: no postcodes, polling districts or centre (those are
 * added by hand where a district has them); the map starts on the district's outline.
 */
export function areaConfig(parts: AreaConfigParts): AreaConfigInput {
  const [west, south, east, north] = bbox(parts.outline);
  const span = Math.max(east - west, (north - south) * 1.6);
  const zoom = Math.min(
    18,
    Math.max(5, Math.floor(Math.log2((MAP_FIT_PX * 360) / (TILE_PX * span)))),
  );
  const round = (value: number, digits: number, how: (x: number) => number) =>
    how(value * 10 ** digits) / 10 ** digits;
  return {
    slug: parts.slug,
    siteName: `${parts.district.name} Crime Intelligence`,
    localAuthority: parts.district,
    forces: [parts.force, BTP],
    boundaries: {
      wards: {
        file: parts.relative(AREA_FILES.wards),
        codeProperty: parts.fields.wardCode,
        nameProperty: parts.fields.wardName,
      },
      lsoas: {
        file: parts.relative(AREA_FILES.lsoas),
        codeProperty: 'LSOA21CD',
        nameProperty: 'LSOA21NM',
      },
      outline: { file: parts.relative(AREA_FILES.outline) },
    },
    population: {
      file: parts.relative(AREA_FILES.population),
      codeColumn: POPULATION_COLUMNS[1],
      valueColumn: POPULATION_COLUMNS[2],
    },
    postcodes: null,
    pollingDistricts: null,
    centre: null,
    map: {
      centre: [round((south + north) / 2, 3, Math.round), round((west + east) / 2, 3, Math.round)],
      zoom,
      bounds: {
        south: Math.max(ENGLAND_AND_WALES.south, round(south - MAP_BOUNDS_MARGIN, 2, Math.floor)),
        north: Math.min(ENGLAND_AND_WALES.north, round(north + MAP_BOUNDS_MARGIN, 2, Math.ceil)),
        west: Math.max(ENGLAND_AND_WALES.west, round(west - MAP_BOUNDS_MARGIN, 2, Math.floor)),
        east: Math.min(ENGLAND_AND_WALES.east, round(east + MAP_BOUNDS_MARGIN, 2, Math.ceil)),
      },
    },
  };
}

interface AttributionParts {
  config: AreaConfig;
  services: OnsServices;
  onsBaseUrl: string;
  nomisUrl: URL;
  counts: { wards: number; lsoas: number };
  now: Date;
}

function attribution(parts: AttributionParts): string {
  const { config, services, counts } = parts;
  const layer = (service: string) => `${parts.onsBaseUrl}${service}/FeatureServer/0`;
  const date = parts.now.toISOString().slice(0, 10);
  const nomis = `${parts.nomisUrl.origin}${parts.nomisUrl.pathname}`;
  return `# ${config.localAuthority.name} (${config.localAuthority.code}): sources and licences

The ${config.localAuthority.name} area's reference data, as named by \`area.json\`, fetched on
${date} by \`npm run area -- add ${config.localAuthority.code}\`. Geometries and counts are as the
services answered them; only the fields named below were kept.

## ONS boundaries

From the ONS Open Geography Portal's feature services:

- \`${AREA_FILES.wards}\`: the district's ${counts.wards} wards (\`${config.boundaries.wards.codeProperty}\`,
  \`${config.boundaries.wards.nameProperty}\`) listed by ${layer(services.wardLookup)}, with
  their polygons from ${layer(services.wards)}.
- \`${AREA_FILES.lsoas}\`: the district's ${counts.lsoas} LSOAs (December 2021; \`LSOA21CD\`,
  \`LSOA21NM\`) listed by ${layer(services.lsoaLookup)}, with their polygons from
  ${layer(services.lsoas)}.
- \`${AREA_FILES.outline}\`: the district (\`LADCD\`, \`LADNM\`) from ${layer(services.districts)}.

Licence: OGL v3.0. "Source: Office for National Statistics licensed under the Open
Government Licence v.3.0. Contains OS data © Crown copyright and database right ${parts.now.getUTCFullYear()}."

## Census 2021 population

\`${AREA_FILES.population}\`: Census 2021 table TS001 (usual residents in households and
communal establishments, all residence types) for each of the district's LSOAs, from the
Nomis API (${nomis}, dataset ${TS001_DATASET}). Licence: "Source: Office for National
Statistics, Census 2021, via Nomis", OGL v3.0 (Open Government Licence v3.0).

## Not here

Postcodes, polling districts and a centre definition: \`area.json\` has none (null). Add them
by hand where the district has a source, with their attribution here.
`;
}

/** The HAND_SET_FIELDS of the area.json at `file` (none when it is missing or not a JSON object). */
async function handSetFields(file: string): Promise<Partial<AreaConfigInput>> {
  let previous: unknown;
  try {
    previous = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return {};
  }
  if (typeof previous !== 'object' || previous === null || Array.isArray(previous)) return {};
  return Object.fromEntries(
    Object.entries(previous).filter(([key]) =>
      (HAND_SET_FIELDS as readonly string[]).includes(key),
    ),
  ) as Partial<AreaConfigInput>;
}

/**
 * Put right what a run killed while replacing an area left in `areasDir`: an old folder moved
 * aside (<slug>.replaced) goes back when no <slug> folder took its place, and is removed when
 * the new one is in. The sweep of temporary files never touches these folders.
 */
export async function restoreReplacedAreas(areasDir: string, log: Log): Promise<void> {
  const names = await readdir(areasDir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith(REPLACED_SUFFIX))) {
    const old = path.join(areasDir, name);
    const finalDir = old.slice(0, -REPLACED_SUFFIX.length);
    if (await exists(finalDir)) {
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(old, finalDir);
      log(
        `${path.basename(finalDir)}: restored the area folder a replacing run was stopped without`,
      );
    }
  }
}

/**
 * Move the staged folder to `finalDir` by one rename. Replacing an area moves the old folder
 * aside first (as <slug>.replaced, which restoreReplacedAreas puts back if the run is killed
 * before the new one is in), and back if the new one cannot be moved in.
 */
async function publishFolder(staging: string, finalDir: string, replace: boolean): Promise<void> {
  if (!(await exists(finalDir))) {
    await rename(staging, finalDir);
    return;
  }
  if (!replace) throw new Error(`${finalDir} appeared while fetching: nothing was written`);
  const old = `${finalDir}${REPLACED_SUFFIX}`;
  await rename(finalDir, old);
  try {
    await rename(staging, finalDir);
  } catch (error) {
    await rename(old, finalDir);
    throw error;
  }
  await rm(old, { recursive: true, force: true });
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

function geojson(collection: object): string {
  return `${JSON.stringify(collection)}\n`;
}

function emptyCollection() {
  return { type: 'FeatureCollection' as const, features: [] };
}
