// The district this build is for. `AREA=<slug> npm run build` (default leeds) names
// data/areas/<slug>/area.json: the site's name, the words pages use for the district, its
// centre and the map's starting view come from there. The pipeline's outputs for the area
// are read from its data folder (areaDataDir): for Leeds the repository's own src/data/ and
// public/, for any other area data/areas/<slug>/output/ (where `npm run pipeline -- --area
// <slug>` writes; its published files are committed, Sheffield's among them), or
// AREA_DATA_DIR when set (a `--out DIR` of the pipeline).
//
// Build-time only (Node): pages read it, islands are given what they need as props.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  districtsOfAreas,
  otherDistrictWords,
  parseArea,
  slugMismatch,
  type AreaConfig,
} from '../shared/area.ts';
import {
  areaDataPath,
  areaOutputPath,
  areaSlugFromEnv,
  DEFAULT_AREA,
  type AreaEnv,
} from '../shared/area-paths.ts';
import { changeLogSchema, type ChangeLog } from '../shared/change-log.ts';
import { districtWords, openDataLicence } from '../shared/open-data.ts';
import { restoreFromRepository } from '../shared/restore-file.ts';
import {
  indexPostcodeAreas,
  POSTCODE_INDEX_FILE_NAME,
  type PostcodeIndexFile,
} from '../shared/postcode-index.ts';
import { parseOrThrow } from '../shared/schema.ts';
import { listInWords } from './format.ts';
import type { MapArea } from './map-area.ts';
import { errorMessage } from '../shared/error-message.ts';
import { shellWord } from '../shared/shell-word.ts';

export { DEFAULT_AREA };

/** The slug the build is for: AREA, else DEFAULT_AREA. */
export function areaSlug(env: AreaEnv = process.env): string {
  return areaSlugFromEnv(env);
}

/**
 * The folder holding the pipeline's outputs for `slug`, in the `--out DIR` layout
 * (site-data.json, downloads.json, map-data.bin.gz, wards.geojson, postcodes.json,
 * downloads/); null for the default area, whose outputs are the committed src/data/ and public/.
 */
export function areaDataDir(slug: string, env: AreaEnv = process.env): string | null {
  const dir = areaDataPath(slug, env);
  return dir === null ? null : path.resolve(dir);
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new Error(`${what}: ${file} cannot be read. ${REBUILD}`, { cause });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new Error(`${what}: ${file} is not valid JSON. ${REBUILD}`, { cause });
  }
}

/** A path for a message: relative to the working folder when inside it. */
export function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/**
 * The command that makes the pipeline's outputs for `slug` in `dataDir`, the folder the build
 * reads them from (AREA_DATA_DIR, areaDataDir): `--out` it unless it is the area's own (the
 * default area's src/data/, null too; another's output folder).
 */
export function pipelineCommand(slug: string, dataDir: string | null): string {
  const own = slug === DEFAULT_AREA ? path.join('src', 'data') : areaOutputPath(slug);
  const out = dataDir === null || path.resolve(dataDir) === path.resolve(own) ? null : dataDir;
  const area = slug === DEFAULT_AREA ? '' : ` --area ${slug}`;
  return `npm run pipeline --${area} --offline${out === null ? '' : ` --out ${shellWord(shownPath(out))}`}`;
}

/**
 * What to do about one of the pipeline's outputs for `slug` read from `dataDir` (as
 * pipelineCommand): the command that makes it again where the build reads it.
 */
export function rebuildHint(slug: string, dataDir: string | null): string {
  const command = pipelineCommand(slug, dataDir);
  if (command.includes(' --out ')) {
    return `Run \`${command}\` to make it again in the folder AREA_DATA_DIR names.`;
  }
  return slug === DEFAULT_AREA
    ? `Run \`${command}\` to rebuild it.`
    : `Run \`${command}\` to make it (or set AREA_DATA_DIR to a --out folder).`;
}

const SLUG = areaSlug();
const DATA_DIR = areaDataDir(SLUG);
/** What to run to make the area's data again, as messages about it say (rebuildHint). */
export const REBUILD = rebuildHint(SLUG, DATA_DIR);

export const AREA_FILE = path.join('data', 'areas', SLUG, 'area.json');

/** The area's area.json; when there is none, the way to add the district. */
function readAreaJson(): unknown {
  if (!existsSync(AREA_FILE)) {
    throw new Error(
      `Area "${SLUG}": ${AREA_FILE} does not exist. Add the district with ` +
        '`npm run area -- add <local authority code> --force <police force>` (README, "Adding a ' +
        'district"), then build its data with ' +
        `\`npm run pipeline -- --area ${SLUG} --offline\`.`,
    );
  }
  return readJson(AREA_FILE, `Area "${SLUG}"`);
}

/** The area's configuration, validated (every bad field named). */
export const area: AreaConfig = inItsFolder(parseArea(readAreaJson(), AREA_FILE));

/**
 * The configuration, when its slug is its folder's and its words name no other area's district
 * (as the pipeline requires too: the site's name and the centre's label are not in the data it
 * builds, so an edit made since would show only here).
 */
function inItsFolder(config: AreaConfig): AreaConfig {
  const mismatch = slugMismatch(config, SLUG, AREA_FILE);
  if (mismatch !== null) throw new Error(mismatch);
  const copied = otherDistrictWords(config, districtsOfAreas(otherAreaConfigs()), AREA_FILE);
  if (copied !== null) throw new Error(copied);
  return config;
}

/** The other areas' area.json, parsed (those that cannot be read are their own builds' fault). */
function otherAreaConfigs(): { value: unknown; source: string }[] {
  const dir = path.join('data', 'areas');
  const slugs = existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && entry.name !== SLUG)
        .map((entry) => entry.name)
    : [];
  return slugs.flatMap((slug) => {
    const source = path.join(dir, slug, 'area.json');
    try {
      return [{ value: JSON.parse(readFileSync(source, 'utf8')) as unknown, source }];
    } catch {
      return [];
    }
  });
}

/** The district's name, as pages say it: "Leeds", "Sheffield". */
export const DISTRICT = area.localAuthority.name;

/** One of the pipeline's site files for this area, parsed from JSON ("site-data.json", ...). */
export function areaDataFile(name: 'site-data.json' | 'downloads.json'): {
  value: unknown;
  /** The file's path. */
  file: string;
  /** The file's path with how to make it again, for a message about what it holds. */
  source: string;
} {
  const file = DATA_DIR === null ? path.join('src', 'data', name) : path.join(DATA_DIR, name);
  return {
    value: readJson(file, `The site's data for ${SLUG}`),
    file,
    source: `${file} (${REBUILD})`,
  };
}

/**
 * The postcode areas of the area's postcode list ("LS"; "HD" and "WF"), read from the list as
 * the pipeline published it for the place search (postcodes.json), which the map's search
 * reads too: the list is the one record of which areas it holds. None without a list.
 */
export function areaPostcodeAreas(): string[] {
  if (area.postcodes === null) return [];
  const file =
    DATA_DIR === null
      ? path.join('public', 'data', POSTCODE_INDEX_FILE_NAME)
      : path.join(DATA_DIR, POSTCODE_INDEX_FILE_NAME);
  const index = readJson(file, "The postcode list's index");
  const districts = (index as { districts?: unknown } | null)?.districts;
  if (districts === null || typeof districts !== 'object' || Array.isArray(districts)) {
    throw new Error(`The postcode list's index: ${file} holds no "districts" object. ${REBUILD}`);
  }
  return indexPostcodeAreas({ districts: districts as PostcodeIndexFile['districts'] });
}

/**
 * The change log of the data refreshes: the committed src/data/changes.json for the default
 * area; an area's own changes.json when its data folder has one, else no refresh yet.
 */
export function areaChangeLog(): ChangeLog {
  const file =
    DATA_DIR === null
      ? path.join('src', 'data', 'changes.json')
      : path.join(DATA_DIR, 'changes.json');
  if (DATA_DIR !== null && !existsSync(file)) return { schemaVersion: 1, entries: [] };
  return parseOrThrow(changeLogSchema, readJson(file, 'The change log'), file);
}

/** The area's ward boundaries (GeoJSON text) and the properties holding code and name. */
export function areaWardBoundaries(): { text: string; file: string; codeProperty: string } {
  const { file, codeProperty } = area.boundaries.wards;
  try {
    return { text: readFileSync(file, 'utf8'), file, codeProperty };
  } catch (cause) {
    const problem =
      (cause as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'does not exist'
        : `cannot be read (${errorMessage(cause)})`;
    throw new Error(
      `Area "${SLUG}": its ward boundaries ${file} (boundaries.wards.file in ${AREA_FILE}) ` +
        `${problem}. ${restoreFromRepository(file)}.`,
      { cause },
    );
  }
}

/**
 * How a centre is described: "postcode districts LS1 and LS2", "the City ward", "the area
 * inside a boundary drawn for this site".
 */
function describeCentre(centre: NonNullable<AreaConfig['centre']>): string {
  if (centre.kind === 'postcode-districts') {
    return `postcode district${centre.districts.length > 1 ? 's' : ''} ${listInWords(centre.districts)}`;
  }
  if (centre.kind === 'wards') {
    const { text, codeProperty } = areaWardBoundaries();
    const nameProperty = area.boundaries.wards.nameProperty;
    const names = new Map(
      (JSON.parse(text) as { features: { properties: Record<string, string> }[] }).features.map(
        (f) => [f.properties[codeProperty], f.properties[nameProperty]],
      ),
    );
    const wards = centre.wards.map((code) => {
      const name = names.get(code);
      if (name === undefined) {
        throw new Error(
          `${AREA_FILE}: centre.wards: ${code} is not a ward of ${area.boundaries.wards.file} ` +
            `(${codeProperty}): use the code of one of the district's wards.`,
        );
      }
      return name;
    });
    return `the ${listInWords(wards)} ward${wards.length > 1 ? 's' : ''}`;
  }
  // A polygon has no name of its own: say what it is.
  return 'the area inside a boundary drawn for this site';
}

let mapAreaOnce: MapArea | undefined;

/**
 * What the map island needs of the area (see src/lib/map-area.ts). Worked out once a build:
 * a centre made of wards is described from the ward boundaries file, and every page and
 * table row that states the centre asks for it.
 */
export function mapArea(): MapArea {
  mapAreaOnce ??= describeMapArea();
  return mapAreaOnce;
}

function describeMapArea(): MapArea {
  const postcodes = area.postcodes;
  return {
    district: DISTRICT,
    centre:
      area.centre === null
        ? null
        : { label: area.centre.label, description: describeCentre(area.centre) },
    view: { centre: area.map.centre, zoom: area.map.zoom, bounds: area.map.bounds },
    hasPostcodes: postcodes !== null,
    postcodeListHolds: postcodes?.holds ?? null,
    postcodeExample: postcodes === null ? null : (postcodes.example ?? null),
  };
}

/**
 * The area's words for the published files, and the licence with its attribution; the record
 * files' columns are in src/lib/open-data.ts (recordFieldsOf), which says what the rows hold.
 */
export const AREA_WORDS = districtWords(area);
export const AREA_LICENCE = openDataLicence(AREA_WORDS);
