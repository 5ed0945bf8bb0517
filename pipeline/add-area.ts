// Adds a district of England and Wales as an area: fetches its wards, LSOA 2021 and outline
// from the ONS Open Geography Portal, its Census 2021 residents by LSOA from Nomis, and its
// postcodes from the ONS Postcode Directory's feature service when one is named, checks
// them together (district-checks.ts), and writes data/areas/<slug>/ (area.json, the reference
// files, ATTRIBUTION.md). Everything is written to a staging folder beside it and moved into
// place by one rename at the end, so a failure at any point leaves data/areas/ as it was.
// Replacing an area replaces only those files: everything else in its folder (months, output,
// caches), the fields of its area.json set by hand and what a person wrote in its
// ATTRIBUTION.md carry over, and a run killed while replacing is put right by the next
// (area-folder.ts).
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  FORCE_SLUG,
  LOCAL_AUTHORITY_CODE,
  parseArea,
  readerDistrictName,
} from '../src/shared/area.ts';
import { SLUG } from '../src/shared/area-paths.ts';
import { AREA_FILES, areaConfig, attribution, BTP } from './added-area-files.ts';
import { AREA_FILE, AREAS_DIR, checkForceDistricts } from './area.ts';
import {
  keptAttribution,
  publishFolder,
  readPreviousArea,
  restoreReplacedAreas,
  withHandSetFields,
} from './area-folder.ts';
import { districtProblems } from './district-checks.ts';
import { districtPopulationCsv } from './nomis-population.ts';
import { exists } from './files.ts';
import { ownLsoaDistricts, unlistedForceDistrictsNote } from './outside.ts';
import { ONSPD_NO_LOCATION_LATITUDE } from './reference.ts';
import type { HttpClient, Log } from './sources/http.ts';
import { fetchLsoaResidents, TS001_DATASET, ts001Url } from './sources/nomis.ts';
import {
  DEFAULT_ONS_SERVICES,
  fetchDistrictOutline,
  fetchLsoaBoundaries,
  fetchLsoaList,
  fetchWardBoundaries,
  fetchWardList,
  LSOA_NAME_FIELD,
  onsFields,
  type OnsServices,
} from './sources/ons-geography.ts';
import {
  type DirectoryPostcode,
  fetchDistrictPostcodes,
  postcodesCsv,
  postcodeWhere,
  type PostcodeSource,
} from './sources/ons-postcodes.ts';
import { sweepTemporaryFiles } from './sweep-temporary-files.ts';
import { tempPathFor } from './write.ts';

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
  /** Where the district's postcodes are fetched from (on onsBaseUrl); none: area.json's postcodes stay null. */
  postcodes?: PostcodeSource;
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
  /** Postcodes written (0 when no postcode source was given). */
  postcodes: number;
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
  if (!FORCE_SLUG.test(force) || force === BTP) {
    throw new Error(
      `"${force}" is not a territorial police.uk force: give the force as police.uk names its files, e.g. "south-yorkshire"`,
    );
  }
  if (options.slug !== undefined && !SLUG.test(options.slug)) {
    throw new Error(
      `"${options.slug}" is not an area name: use lower-case words or numbers joined by "-"`,
    );
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

  // A folder named by --slug is refused before anything is fetched; one named after the
  // district, once the district's outline has given its name.
  const refuseExisting = async (slug: string): Promise<string> => {
    const dir = path.join(areasDir, slug);
    if (!options.replace && (await exists(dir))) {
      throw new Error(
        `${path.relative(root, dir)} is already there: give --replace to fetch it again, or --slug for another name`,
      );
    }
    return dir;
  };
  if (options.slug !== undefined) await refuseExisting(options.slug);

  const wardList = await fetchWardList(ons, districtCode);
  if (wardList.length === 0) {
    throw new Error(
      `${districtCode}: the ward lookup ${services.wardLookup} lists no wards for ${fields.wardLookupDistrict} = ` +
        `'${districtCode}': is it a district code of that vintage? Check it on the ONS Open Geography Portal`,
    );
  }
  const outline = await fetchDistrictOutline(ons, districtCode);
  // ONS's name may be inverted for sorting ("Kingston upon Hull, City of"): the area, its
  // pages and its folder take the name readers say; the outline file keeps ONS's (LADNM).
  const district = { code: districtCode, name: readerDistrictName(outline.properties.LADNM) };
  const slug = options.slug ?? slugFor(district.name);
  const finalDir = await refuseExisting(slug);
  const previous = options.replace
    ? await readPreviousArea(finalDir, root)
    : { config: null, attribution: null };
  log(`${district.name} (${districtCode}): ${wardList.length} wards in ${services.wardLookup}`);

  const wards = await fetchWardBoundaries(ons, wardList);
  const lsoaCodes = await fetchLsoaList(ons, districtCode);
  const lsoas =
    lsoaCodes.length > 0 ? await fetchLsoaBoundaries(ons, lsoaCodes) : emptyCollection();
  const residents = await fetchLsoaResidents(
    { client, baseUrl: options.nomisBaseUrl, log },
    lsoaCodes,
  );
  const postcodes =
    options.postcodes === undefined
      ? null
      : await fetchDistrictPostcodes(
          { client, baseUrl: options.onsBaseUrl, source: options.postcodes, query: ons.query },
          districtCode,
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
  if (postcodes !== null) problems.push(...postcodeProblems(postcodes, outline));
  if (problems.length > 0) throw new DistrictDataError(districtCode, problems);

  const relative = (file: string) => path.posix.join(AREAS_DIR, slug, file);
  // One time for area.json's postcode year and ATTRIBUTION.md's notices.
  const now = options.now ?? new Date();
  const made = areaConfig({
    slug,
    district,
    force,
    fields,
    outline,
    relative,
    postcodeExample: postcodes === null ? null : commonestDistrict(postcodes),
    now,
  });
  const handSet = withHandSetFields(made, previous.config, relative(AREA_FILE));
  const { kept } = handSet;
  if (kept.length > 0) log(`kept from the previous ${relative(AREA_FILE)}: ${kept.join(', ')}`);
  handSet.notes.forEach((note) => log(note));
  const config = parseArea(
    handSet.config,
    `${relative(AREA_FILE)} (made by the area command${kept.length > 0 ? ', with the previous hand-set fields' : ''})`,
  );
  const own = ownLsoaDistricts(
    lsoas.features.map((lsoa) => ({ name: lsoa.properties?.[LSOA_NAME_FIELD] ?? '' })),
  );
  // Hand-set forceDistricts kept from a replaced area must still name the district's own.
  checkForceDistricts({ config, source: relative(AREA_FILE) }, own);
  const unlisted = unlistedForceDistrictsNote(config, relative(AREA_FILE), own);
  if (unlisted !== null) log(unlisted);
  const written = keptAttribution(
    attribution({
      config,
      services,
      onsBaseUrl: options.onsBaseUrl,
      nomisUrl: ts001Url(options.nomisBaseUrl, [], 0),
      counts: {
        wards: wards.features.length,
        lsoas: lsoaCodes.length,
        postcodes: postcodes?.length ?? 0,
      },
      postcodes:
        options.postcodes === undefined
          ? null
          : { source: options.postcodes, where: postcodeWhere(options.postcodes, districtCode) },
      now,
    }),
    previous.attribution,
  );
  if (written.kept.length > 0) {
    log(
      `kept from the previous ${relative(AREA_FILES.attribution)}: ` +
        written.kept.map((heading) => `"${heading}"`).join(', '),
    );
  }
  const files: Record<string, string> = {
    [AREA_FILE]: `${JSON.stringify(config, null, 2)}\n`,
    [AREA_FILES.wards]: geojson(wards),
    [AREA_FILES.lsoas]: geojson(lsoas),
    [AREA_FILES.outline]: geojson({ type: 'FeatureCollection', features: [outline] }),
    [AREA_FILES.population]: districtPopulationCsv(residents, lsoaCodes, `Nomis ${TS001_DATASET}`),
    ...(postcodes === null
      ? {}
      : { [AREA_FILES.postcodes]: postcodesCsv(postcodes, districtCode) }),
    [AREA_FILES.attribution]: written.text,
  };

  await mkdir(areasDir, { recursive: true });
  await sweepTemporaryFiles([areasDir]);
  const staging = tempPathFor(finalDir);
  try {
    await mkdir(staging);
    for (const [name, data] of Object.entries(files)) {
      await writeFile(path.join(staging, name), data);
    }
    const carried = await publishFolder(staging, finalDir, options.replace ?? false);
    if (carried.length > 0) {
      log(`carried over from the previous ${path.relative(root, finalDir)}: ${carried.join(', ')}`);
    }
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
    postcodes: postcodes?.length ?? 0,
  };
}

/**
 * Postcodes with a grid reference must lie in the district's outline but for the odd one at
 * its edge (the outline is generalised to about 20 m): fewer means the directory's district
 * codes are of another vintage than the outline, or another district's.
 */
const POSTCODES_INSIDE_MIN_SHARE = 0.98;

function postcodeProblems(
  postcodes: readonly DirectoryPostcode[],
  outline: Parameters<typeof booleanPointInPolygon>[1],
): string[] {
  const located = postcodes.filter((p) => p.lat !== ONSPD_NO_LOCATION_LATITUDE);
  if (located.length === 0) return ['none of the postcodes has a grid reference'];
  const outside = located.filter((p) => !booleanPointInPolygon([p.lon, p.lat], outline));
  if (outside.length <= located.length * (1 - POSTCODES_INSIDE_MIN_SHARE)) return [];
  const examples = outside.slice(0, 3).map((p) => p.postcode);
  return [
    `${outside.length} of the ${located.length} postcodes with a grid reference lie outside ` +
      `the district's outline (e.g. ${examples.join(', ')}): check that the postcode ` +
      "service's district field is of the outline's vintage",
  ];
}

/** The postcode district with the most postcodes ("S10"), the first in order on a tie. */
function commonestDistrict(postcodes: readonly DirectoryPostcode[]): string | null {
  const counts = new Map<string, number>();
  for (const { postcode } of postcodes) {
    const district = postcode.split(' ')[0]!;
    counts.set(district, (counts.get(district) ?? 0) + 1);
  }
  let best: string | null = null;
  for (const [district, count] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (best === null || count > counts.get(best)!) best = district;
  }
  return best;
}

/** The district's name as an area name: "Kingston upon Hull" -> "kingston-upon-hull". */
export function slugFor(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!SLUG.test(slug)) {
    throw new Error(`"${name}" gives no area name: give one with --slug, e.g. --slug my-district`);
  }
  return slug;
}

function geojson(collection: object): string {
  return `${JSON.stringify(collection)}\n`;
}

function emptyCollection() {
  return { type: 'FeatureCollection' as const, features: [] };
}
