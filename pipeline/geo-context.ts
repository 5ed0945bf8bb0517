// The geography a run locates crimes with: the reference files, plus the polling districts
// and postcodes.io answers the fetch step saved, with a fingerprint of them. Loaded
// the same way by the main thread and by every month worker (pipeline/month-worker.ts), so
// all of them place a coordinate identically.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { createLocator, loadGeography, type Geography, type Locator } from './geo.ts';
import { exists } from './files.ts';
import { InputError } from './input-error.ts';
import { referenceFileList, type ReferenceFiles } from './load-geography.ts';
import {
  layerProblemsSchema,
  layerProblemsText,
  pollingDistrictsOutside,
  unusableShapes,
  type LayerDistrict,
} from './polling-district-layer.ts';
import { ONSPD_NO_LOCATION_LATITUDE, validateFeatureCollection } from './reference.ts';
import { POSTCODE_DISTRICT } from '../src/shared/area.ts';
import type { PolygonGeometry } from '../src/shared/geometry.ts';
import { cutText } from '../src/shared/cut-text.ts';

export interface GeoContext {
  geo: Geography;
  locator: Locator;
  /** The postcodes.io answers the locator was given, by coordinate key (null: none near). */
  postcodeAnswers: ReadonlyMap<string, { district: string } | null>;
  /**
   * Hash of the reference files, the projection's latitude and polling districts: part of
   * every month's cache key. The postcodes.io answers are not: a month depends only on the
   * answers for its own snap points, which its cache entry keeps and checks (month-cache.ts),
   * so an answer for a new point leaves every month that does not hold it cached.
   */
  fingerprint: string;
  /** Hash of all of it, the answers included: a month worker that loads another one stops. */
  loadedFingerprint: string;
}

/** Where the geography's files are (see PipelinePaths). */
export interface GeoFiles {
  reference: ReferenceFiles;
  /** null: the area has no polling districts. */
  pollingDistrictsCache: string | null;
  /** The district's name ("Leeds"), for the error about a layer of another. */
  districtName?: string | undefined;
  postcodesCache: string;
}

type PollingDistricts = NonNullable<Parameters<typeof createLocator>[1]>['pollingDistricts'];

/** The fetch step's postcodes.io answers (see sources/postcodes.ts): only the district is used here. */
const postcodeAnswersSchema = z.object({
  entries: z.record(z.string(), z.object({ place: z.object({ district: z.string() }).nullable() })),
});

/**
 * Load the geography. `note` is told once when the polling districts are missing, and of the
 * postcodes of the postcode file left out, by reason; `reference` is the reference geography
 * when the caller has already loaded it.
 */
export async function loadGeoContext(
  files: GeoFiles,
  options: { note(text: string): void; reference?: Geography | undefined },
): Promise<GeoContext> {
  const geo = options.reference ?? (await loadGeography(files.reference));
  const leftOut = postcodesLeftOut(geo, files.reference);
  if (leftOut !== null) options.note(leftOut);
  const hash = createHash('sha256');
  for (const file of referenceFileList(files.reference)) {
    hash.update(path.basename(file)).update(await readFile(file));
  }
  // Distances in metres (edge tolerance, postcode radius, ward neighbours) hang on it.
  hash.update('projection').update(String(files.reference.projection.latitude));
  // Which postcode districts are left out as not places changes the postcode districts given.
  const nonGeographic = files.reference.postcodes?.nonGeographicDistricts ?? [];
  if (nonGeographic.length > 0) hash.update('non-geographic').update(nonGeographic.join(','));
  const pollingFile = files.pollingDistrictsCache;
  let pollingDistricts: PollingDistricts | undefined;
  let pollingDistrictsLeftOut: PolygonGeometry[] | undefined;
  if (pollingFile === null) {
    options.note('the area has no polling districts, so the Polling District column stays empty');
  } else if (await exists(pollingFile)) {
    const text = await readFile(pollingFile, 'utf8');
    hash.update('polling').update(text);
    try {
      // createLocator checks the features (and names this file's problems) itself.
      pollingDistricts = JSON.parse(text) as PollingDistricts;
    } catch (cause) {
      throw new InputError(pollingFile, 'is not valid JSON: delete it and fetch it again', {
        cause,
      });
    }
    const shapes = unusableShapes(pollingDistricts);
    if (shapes !== null) {
      throw new InputError(
        pollingFile,
        `holds ${shapes}, as the fetch took them before it left such features out: delete it ` +
          'and run the fetch step to download it again',
      );
    }
    const said = layerProblemsNote(pollingDistricts, pollingFile);
    if (said !== null) options.note(said);
    pollingDistrictsLeftOut = leftOutShapes(pollingDistricts, pollingFile);
  } else {
    options.note(
      `polling districts are not available (${pollingFile} does not exist; the fetch step ` +
        'downloads them), so the Polling District column stays empty',
    );
  }
  const loaded = hash.copy();
  const postcodeAnswers =
    (await readPostcodeAnswers(files.postcodesCache, loaded, options.note)) ?? new Map();
  const locator = createLocator(geo, {
    pollingDistricts,
    pollingDistrictsLeftOut,
    postcodePlaces: postcodeAnswers,
    files: { wards: files.reference.wards.file, outline: files.reference.outline.file },
  });
  if (pollingFile !== null && pollingDistricts !== undefined) {
    checkLayerDistrict(pollingDistricts, pollingFile, {
      name: files.districtName ?? 'the district',
      outline: geo.outline,
      outlineFile: files.reference.outline.file,
    });
  }
  return {
    geo,
    locator,
    postcodeAnswers,
    fingerprint: hash.digest('hex'),
    loadedFingerprint: loaded.digest('hex'),
  };
}

/**
 * Throws when the cached polling districts (read as they are, createLocator having checked
 * their shape) lie outside the district's outline: another council's layer, cached before
 * area.json named the district's own. The fetch step fetches such a cache again, but a run
 * that skips it (--offline, or from a later step) would place every crime in no polling
 * district, or in another council's.
 */
function checkLayerDistrict(layer: PollingDistricts, file: string, district: LayerDistrict): void {
  const outside = pollingDistrictsOutside(
    layer as Parameters<typeof pollingDistrictsOutside>[0],
    district,
  );
  if (outside === null) return;
  throw new InputError(
    file,
    `${outside}: it was cached from another council's layer. Delete it and run the pipeline ` +
      `online with the fetch step, which downloads ${district.name}'s layer from the area's ` +
      "pollingDistricts.url (check that it is the district's council's)",
  );
}

/** The shapes of the layer the fetch left out, recorded beside it (`leftOut`); none in a cache of earlier code. */
function leftOutShapes(layer: unknown, file: string): PolygonGeometry[] {
  const shapes = (layer as { leftOut?: unknown } | null)?.leftOut;
  if (shapes === undefined) return [];
  const remedy = 'Delete it and run the fetch step to download it again.';
  return validateFeatureCollection(
    { type: 'FeatureCollection', features: shapes },
    z.unknown(),
    `${file} (leftOut)`,
    remedy,
  ).map((feature) => feature.geometry);
}

/**
 * What the run says of the layer's features the fetch did not use as they came, recorded beside
 * them (`problems`, see sources/polling-districts.ts); null for none, or a cache of earlier code.
 */
function layerProblemsNote(layer: unknown, file: string): string | null {
  const recorded = (layer as { problems?: unknown } | null)?.problems;
  if (recorded === undefined) return null;
  const problems = layerProblemsSchema.safeParse(recorded);
  if (!problems.success) {
    throw new InputError(
      file,
      'does not say in a form this version reads which features of the layer it left out: ' +
        'delete it and run the fetch step to download it again',
    );
  }
  const text = layerProblemsText(problems.data);
  return text === null ? null : `${text} (${file})`;
}

/** The postcodes of the postcode file that give no postcode district, by reason; null for none. */
function postcodesLeftOut(geo: Geography, reference: ReferenceFiles): string | null {
  const postcodes = reference.postcodes;
  if (postcodes === null) return null;
  const reasons: string[] = [];
  if (geo.postcodesWithoutLocation > 0) {
    reasons.push(
      `${geo.postcodesWithoutLocation} without a grid reference (latitude ` +
        `${ONSPD_NO_LOCATION_LATITUDE})`,
    );
  }
  if (geo.postcodesNonGeographic > 0) {
    reasons.push(
      `${geo.postcodesNonGeographic} in the non-geographic districts ` +
        `${postcodes.nonGeographicDistricts.join(', ')} (PO boxes and large users, placed at ` +
        'a sorting office)',
    );
  }
  if (reasons.length === 0) return null;
  return `postcodes of ${postcodes.file} left out of the postcode districts: ${reasons.join(', ')}`;
}

/**
 * Postcode districts postcodes.io gave coordinates that no LS postcode is near (the WF, BD
 * and HG parts of Leeds), by coordinate key; undefined when the fetch step has saved none.
 */
async function readPostcodeAnswers(
  file: string,
  hash: ReturnType<typeof createHash>,
  note: (text: string) => void,
): Promise<Map<string, { district: string } | null> | undefined> {
  if (!(await exists(file))) return undefined;
  const text = await readFile(file, 'utf8');
  let parsed;
  try {
    parsed = postcodeAnswersSchema.safeParse(JSON.parse(text));
  } catch (cause) {
    throw new InputError(file, 'is not valid JSON: delete it and fetch again', { cause });
  }
  if (!parsed.success) {
    throw new InputError(file, 'is not a postcodes.io answer cache: delete it and fetch again');
  }
  hash.update('postcodes').update(text);
  // A district that is not an outward code (a cache written before postcodes.io's answers were
  // checked, or edited) is no answer: the point takes the nearest listed district, marked as
  // an estimate, as an offline run gives it, and an online run asks again.
  const refused: string[] = [];
  const answers = new Map(
    Object.entries(parsed.data.entries).map(([key, { place }]) => {
      if (place === null || POSTCODE_DISTRICT.test(place.district)) return [key, place];
      refused.push(place.district);
      return [key, null];
    }),
  );
  if (refused.length > 0) {
    note(
      `${refused.length} postcodes.io answer(s) in ${file} are not postcode districts ` +
        `(e.g. ${JSON.stringify(cutText(refused[0] ?? '', 40))}): their points take the nearest ` +
        'listed district, an estimate; an online run asks postcodes.io again',
    );
  }
  return answers;
}
