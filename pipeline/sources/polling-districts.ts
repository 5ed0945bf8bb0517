// A council's polling districts, from its ArcGIS map-server layer (Leeds City Council's: layer
// 7, fields POLLING_DI and WARD; another council's fields as its area.json names them): paged
// until the server says nothing is left, converted from ArcGIS rings to GeoJSON, cached on
// disk. dissolveWards() merges them into ward boundaries.
import { readFile } from 'node:fs/promises';
import { booleanClockwise } from '@turf/boolean-clockwise';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { featureCollection, polygon } from '@turf/helpers';
import { union } from '@turf/union';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { z } from 'zod';
import {
  LAYER_PROBLEMS,
  layerProblemCounts,
  layerProblemsSchema,
  layerProblemsText,
  pollingDistrictsOutside,
  unusableShapes,
  type LayerDistrict,
  type LayerProblem,
  type LayerProblems,
  type PollingDistricts,
} from '../polling-district-layer.ts';
import { ReasonTally } from '../report.ts';
import { arcgisAnswer } from './arcgis.ts';
import { POLLING_DISTRICT_FIELDS, type PollingDistrictFields } from '../../src/shared/area.ts';
import { quoteOutside } from '../log-safe.ts';
import { polygonProblem } from '../polygon-problem.ts';
import { shapeProblems } from './http-errors.ts';
import { writeJsonAtomic } from './cache.ts';
import { sourceUrl } from './config.ts';
import type { HttpClient, Log } from './http.ts';

/** ArcGIS servers commonly cap a page at 1,000 features; ask for that and follow the paging. */
export const PAGE_SIZE = 1000;
/** Leeds has a few hundred polling districts; more pages than this means paging is not advancing. */
const MAX_PAGES = 100;
/**
 * The share of a layer's features that may come unusable (no code, a code in several wards,
 * no ward) before the fetch stops: a council's layer holds a handful being redrawn or not yet
 * assigned among its hundreds; a tenth or more is a layer being rebuilt, or fields that are not
 * its code and ward, which would leave much of the district without a polling district.
 */
export const MAX_UNUSABLE_SHARE = 0.1;

/** What to check when the layer answers something else than polling districts. */
const CHECK_LAYER =
  "Check that the URL is the polling districts' layer (the area's pollingDistricts.url, " +
  'or LEEDS_MAPSERVER_URL)';

/** What to check when the layer's features lack the fields read. */
const CHECK_FIELDS =
  "and that its fields are those area.json's pollingDistricts.codeField and wardField name " +
  '(left out: POLLING_DI and WARD)';

/** The council's spelling -> the ward's official name (WD25NM). */
export const COUNCIL_WARD_NAME_FIXES: Readonly<Record<string, string>> = {
  'Crossgates & Whinmoor': 'Cross Gates & Whinmoor',
};

export type { PollingDistrictProperties, PollingDistricts } from '../polling-district-layer.ts';
/** The polling districts, with the layer's features not used as they came (none: no member). */
export type FetchedPollingDistricts = PollingDistricts & {
  problems?: LayerProblems;
  /** The shapes left out: a crime in one is in no polling district, not a neighbour's. */
  leftOut?: LeftOutShape[];
};
/** A shape of the layer left out, and what names it ("OBJECTID 12"). */
type LeftOutShape = Feature<Polygon | MultiPolygon, { where: string }>;
export type WardBoundaries = FeatureCollection<Polygon | MultiPolygon, { ward: string }>;

/**
 * A field's value as text: some layers keep a code as a number. null where the feature has
 * none (ArcGIS sends every field asked for, null when empty): counted, not refused.
 */
const fieldValue = z.union([z.string(), z.number().finite().transform(String)]).nullable();

/** What names a feature in messages: its object id, when the server sends one. */
const OBJECT_ID_FIELDS = ['OBJECTID', 'FID'] as const;

/** A page of the layer's features, read by its `fields`. */
function pageSchema({ code, ward }: PollingDistrictFields) {
  return z.object({
    features: z.array(
      z.object({
        attributes: z.looseObject({ [code]: fieldValue, [ward]: fieldValue }).transform((a) => ({
          code: a[code] as string | null,
          ward: a[ward] as string | null,
          id: OBJECT_ID_FIELDS.map((field) =>
            typeof a[field] === 'number' ? `${field} ${a[field]}` : undefined,
          ).find((id) => id !== undefined),
        })),
        // Read feature by feature (shapeOf): one without a usable shape is left out, counted.
        geometry: z.unknown(),
      }),
    ),
    exceededTransferLimit: z.boolean().optional(),
  });
}
const countSchema = z.object({ count: z.number().int().nonnegative() });

export interface FetchPollingDistrictsOptions {
  client: HttpClient;
  mapServerUrl: string;
  cacheFile: string;
  /** Ask the council again even when the cache exists. */
  refresh?: boolean;
  /**
   * The district the layer must cover (its outline, as area.json names it): a layer whose
   * polling districts lie outside it is another council's, refused uncached, and a cache of
   * one is fetched again.
   */
  district?: LayerDistrict;
  pageSize?: number;
  /** The layer's fields read (area.json's); left out: POLLING_DISTRICT_FIELDS, Leeds's. */
  fields?: PollingDistrictFields;
  log?: Log;
}

export type { LayerDistrict } from '../polling-district-layer.ts';

/** The polling districts, from the cache when present, else from the council (then cached). */
export async function fetchPollingDistricts(
  options: FetchPollingDistrictsOptions,
): Promise<FetchedPollingDistricts> {
  const { client, log = () => {} } = options;
  const fields = options.fields ?? POLLING_DISTRICT_FIELDS;
  if (!options.refresh) {
    const cached = await readCached(options.cacheFile, log, options.district, {
      layer: options.mapServerUrl,
      fields,
    });
    if (cached) return cached;
  }
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const pageOf = pageSchema(fields);
  const url = sourceUrl(options.mapServerUrl, 'query');
  const query = (extra: Record<string, string>): URL => {
    const target = new URL(url);
    target.search = new URLSearchParams({ where: '1=1', f: 'json', ...extra }).toString();
    return target;
  };

  const countQuery = query({ returnCountOnly: 'true' });
  const counted = countSchema.safeParse(
    await client.json(countQuery, {}, (body) => arcgisAnswer(body, url.href)),
  );
  if (!counted.success) {
    throw new Error(
      `${countQuery.href} did not answer a count of polling districts ({"count": N}): ` +
        `${shapeProblems(counted.error)}. ${CHECK_LAYER}; nothing was cached`,
    );
  }
  const expected = counted.data.count;
  if (expected === 0) {
    // A council layer is never empty: a server being rebuilt, or the wrong layer. Cached, an
    // empty layer would stop every later run at the months step, and never be fetched again.
    throw new Error(
      `${url.href}: the layer counts no polling districts (is it the polling districts layer? ` +
        'is the server being updated?); nothing was cached, try again later',
    );
  }
  const received: LayerFeature[] = [];
  /**
   * Each feature as sent: pages of a layer asked without an order may overlap (one district
   * twice, another never) and still add up to the layer's count.
   */
  const sent = new Set<string>();
  for (let page = 0; ; page += 1) {
    if (page >= MAX_PAGES)
      throw new Error(
        `${url.href}: still more features after ${MAX_PAGES} pages; paging is not advancing`,
      );
    const target = query({
      outFields: `${fields.code},${fields.ward}`,
      returnGeometry: 'true',
      outSR: '4326',
      // The server may cap a page below what was asked: continue from what actually arrived.
      resultOffset: String(received.length),
      resultRecordCount: String(pageSize),
    });
    const parsed = pageOf.safeParse(
      await client.json(target, {}, (body) => arcgisAnswer(body, target.href)),
    );
    if (!parsed.success) {
      throw new Error(
        `${target.href} did not answer features with ${fields.code}, ${fields.ward} and ` +
          `polygon rings: ${shapeProblems(parsed.error)}. ${CHECK_LAYER}, ${CHECK_FIELDS}; ` +
          'nothing was cached',
      );
    }
    for (const feature of parsed.data.features) {
      const content = JSON.stringify(feature);
      if (sent.has(content)) {
        throw new Error(
          `${target.href}: polling district ${quoteOutside(String(feature.attributes.code), 60)} ` +
            `(ward ${quoteOutside(String(feature.attributes.ward), 60)}) came twice while paging, so another may never have ` +
            'come (the server paged in an unstable order); nothing was cached, try again',
        );
      }
      sent.add(content);
      received.push({ ...feature.attributes, shape: shapeOf(feature.geometry) });
    }
    if (!parsed.data.exceededTransferLimit) break;
  }
  if (received.length !== expected) {
    throw new Error(
      `${url.href}: paging returned ${received.length} polling districts, the layer counts ${expected}; try again`,
    );
  }
  const { features, problems, leftOut } = sortOutLayer(received, fields);
  const unusable = problems.total;
  if (unusable > MAX_UNUSABLE_SHARE * received.length) {
    const shapes = problems.counts['no-shape'] + problems.counts['unusable-shape'] > 0;
    throw new Error(
      `${url.href}: ${unusable} of the layer's ${received.length} features cannot be used as ` +
        `they came (${layerProblemCounts(problems)}), more than ${MAX_UNUSABLE_SHARE * 100}% ` +
        'of them: the layer may be being redrawn, ' +
        (shapes
          ? 'may not be a layer of polygons (or its server may not answer them in longitude ' +
            'and latitude, outSR=4326), '
          : '') +
        `or ${fields.code} and ${fields.ward} may not ` +
        `be its fields for a district's code and ward. ${CHECK_LAYER}, ${CHECK_FIELDS}; ` +
        'nothing was cached, try again later or fix the settings',
    );
  }
  const collection: PollingDistricts = { type: 'FeatureCollection', features };
  const { district } = options;
  const outside = district && pollingDistrictsOutside(collection, district);
  if (district && outside) {
    throw new Error(
      `${url.href}: ${outside}; nothing was cached. ${CHECK_LAYER}: it must be ` +
        `${district.name}'s council's`,
    );
  }
  const result: FetchedPollingDistricts =
    unusable === 0
      ? collection
      : {
          ...collection,
          problems: { counts: problems.counts, examples: problems.examples },
          ...(leftOut.length > 0 ? { leftOut } : {}),
        };
  log(`council polling districts: ${features.length} fetched`);
  const said = result.problems && layerProblemsText(result.problems);
  if (said) log(`council polling districts: ${said}`);
  // The layer and the fields read, beside the features (GeoJSON foreign members): a cache of
  // another layer, or read by other fields, is fetched again.
  await writeJsonAtomic(options.cacheFile, { ...result, layer: options.mapServerUrl, fields });
  return result;
}

/** Whether a cached district's code is one a crime can be given: text other than blanks. */
function usableCode(code: unknown): boolean {
  return typeof code === 'string' && code.trim() !== '';
}

/** A feature of the layer as it came: its code and ward as sent, and what names it. */
interface LayerFeature {
  code: string | null;
  ward: string | null;
  /** "OBJECTID 12", when the server sends one. */
  id: string | undefined;
  shape: Shape;
}

/** A feature's shape as GeoJSON, or why it has none the pipeline can use. */
type Shape =
  { geometry: Polygon | MultiPolygon } | { problem: 'no-shape' | 'unusable-shape'; detail: string };

const ringsSchema = z.array(z.array(z.tuple([z.number(), z.number()]).rest(z.number())));

/**
 * An ArcGIS feature's `geometry` as GeoJSON (ringsToGeometry), or why it cannot be used: none
 * (null, missing, no rings), or rings that make no polygon the pipeline can use (none of 4
 * positions, or one that polygonProblem refuses: not closed, positions not longitudes and
 * latitudes in England and Wales), named by their place in the answer ("geometry.rings.0.2").
 */
export function shapeOf(geometry: unknown): Shape {
  if (geometry === null || geometry === undefined) {
    return { problem: 'no-shape', detail: `geometry is ${geometry === null ? 'null' : 'missing'}` };
  }
  const rings = typeof geometry === 'object' ? (geometry as { rings?: unknown }).rings : undefined;
  if (rings === undefined || rings === null || (Array.isArray(rings) && rings.length === 0)) {
    return { problem: 'no-shape', detail: 'geometry has no rings' };
  }
  const parsed = ringsSchema.safeParse(rings);
  if (!parsed.success) {
    return {
      problem: 'unusable-shape',
      detail: `geometry.rings are not rings of [x, y] positions: ${shapeProblems(parsed.error)}`,
    };
  }
  // ringsToGeometry leaves out a ring of fewer than 4 positions (a point or a line, no area).
  const kept = parsed.data.flatMap((ring, r) => (ring.length >= 4 ? [{ ring, r }] : []));
  if (kept.length === 0) {
    return {
      problem: 'unusable-shape',
      detail:
        `geometry.rings holds no ring of 4 positions or more (${parsed.data.length} ring(s) ` +
        `of ${parsed.data.map((ring) => ring.length).join(', ')})`,
    };
  }
  for (const { ring, r } of kept) {
    const found = polygonProblem({ type: 'Polygon', coordinates: [ring] });
    if (found !== null) {
      const at = found.at.replace(/^geometry\.coordinates\.0/, `geometry.rings.${r}`);
      return { problem: 'unusable-shape', detail: `${at} ${found.problem}` };
    }
  }
  return { geometry: ringsToGeometry(parsed.data) };
}

/**
 * The polling districts of a layer's features, and the features not used as they came, by
 * LAYER_PROBLEMS (each under one, the first that applies): those without a usable shape (named
 * with their code, if any: there is no shape to keep as left out), those without a code, and
 * those whose code the layer also gives to another ward, are left out; those with a code and
 * no ward kept, with the ward "".
 */
export function sortOutLayer(
  received: readonly LayerFeature[],
  fields: PollingDistrictFields,
): {
  features: PollingDistricts['features'];
  problems: ReasonTally<LayerProblem>;
  leftOut: LeftOutShape[];
} {
  const problems = new ReasonTally(LAYER_PROBLEMS);
  const where = (feature: LayerFeature, i: number) => feature.id ?? `feature ${i + 1} as sent`;
  const codeOf = (feature: LayerFeature) => feature.code?.trim() ?? '';
  const wardOf = (feature: LayerFeature) => feature.ward?.trim() ?? '';
  /** code -> the wards the layer gives it (none for a feature without a ward). */
  const wards = new Map<string, Set<string>>();
  for (const feature of received) {
    const code = codeOf(feature);
    const ward = wardOf(feature);
    if (code === '' || ward === '') continue;
    wards.set(code, (wards.get(code) ?? new Set()).add(ward));
  }
  const features: PollingDistricts['features'] = [];
  const leftOut: LeftOutShape[] = [];
  received.forEach((feature, i) => {
    const code = codeOf(feature);
    const ward = wardOf(feature);
    const { shape } = feature;
    if ('problem' in shape) {
      const named = code === '' ? '' : ` (${fields.code} ${quoteOutside(code, 60)})`;
      problems.add(shape.problem, where(feature, i), `${shape.detail}${named}`);
      return;
    }
    const leaveOut = (problem: LayerProblem, detail: string) => {
      problems.add(problem, where(feature, i), detail);
      leftOut.push({
        type: 'Feature',
        properties: { where: where(feature, i) },
        geometry: shape.geometry,
      });
    };
    if (code === '') {
      const value = feature.code === null ? 'null' : quoteOutside(feature.code, 20);
      leaveOut('no-code', `${fields.code} is ${value}`);
      return;
    }
    const given = [...(wards.get(code) ?? [])];
    if (given.length > 1) {
      const others = given.filter((w) => w !== ward).map((w) => quoteOutside(w, 60));
      leaveOut(
        'code-in-several-wards',
        `${fields.code} ${quoteOutside(code, 60)} in ` +
          `${ward === '' ? 'no ward' : `ward ${quoteOutside(ward, 60)}`}, also in ${others.join(', ')}`,
      );
      return;
    }
    if (ward === '') {
      const value = feature.ward === null ? 'null' : quoteOutside(feature.ward, 20);
      problems.add('no-ward', where(feature, i), `${fields.ward} is ${value}`);
    }
    features.push({
      type: 'Feature',
      properties: { pollingDistrict: code, ward },
      geometry: shape.geometry,
    });
  });
  return { features, problems, leftOut };
}

/**
 * The cached polling districts, or undefined to fetch them again: no cache, one that cannot
 * be read, one of another layer than area.json names now (`asked.layer`; a cache that does not
 * say which was written before it was recorded, and is taken as the layer's), one read by
 * other fields (one without any was read by POLLING_DISTRICT_FIELDS), or one that a fetch
 * would refuse now (none at all, one district twice, one without a code, a shape that is not
 * a polygon the pipeline can use, or districts outside `district`), as earlier code or
 * area.json cached them. Served, such a cache would stop every run, or leave the area of the
 * district never sent without one, for as long as it is kept. Its `problems` are served as
 * this version counts them (kinds counted since it was written, none).
 */
async function readCached(
  file: string,
  log: Log,
  district: LayerDistrict | undefined,
  asked: { layer: string; fields: PollingDistrictFields },
): Promise<FetchedPollingDistricts | undefined> {
  let saved: FetchedPollingDistricts & { layer?: unknown; fields?: Partial<PollingDistrictFields> };
  try {
    saved = JSON.parse(await readFile(file, 'utf8')) as typeof saved;
  } catch {
    return undefined;
  }
  if (saved.type !== 'FeatureCollection' || !Array.isArray(saved.features)) return undefined;
  const { layer = asked.layer, fields: readBy = POLLING_DISTRICT_FIELDS, ...parsed } = saved;
  const { fields } = asked;
  if (layer !== asked.layer) {
    log(
      `council polling districts: the cached ${file} is of the layer ` +
        `${quoteOutside(String(layer), 200)}, not ${asked.layer}; fetching them again`,
    );
    return undefined;
  }
  if (readBy.code !== fields.code || readBy.ward !== fields.ward) {
    log(
      `council polling districts: the cached ${file} was read by the fields ` +
        `${quoteOutside(String(readBy.code), 60)} and ${quoteOutside(String(readBy.ward), 60)}, ` +
        `not ${fields.code} and ${fields.ward}; fetching them again`,
    );
    return undefined;
  }
  const contents = parsed.features.map((feature) => JSON.stringify(feature));
  const recorded =
    parsed.problems === undefined ? undefined : layerProblemsSchema.safeParse(parsed.problems);
  const shapes = unusableShapes(parsed);
  const problem =
    contents.length === 0
      ? 'holds no polling district'
      : new Set(contents).size < contents.length
        ? 'holds a polling district twice'
        : parsed.features.some(({ properties }) => !usableCode(properties?.pollingDistrict))
          ? 'holds a polling district without a code (written before such features were left out)'
          : shapes !== null
            ? `holds ${shapes} (written before such features were left out)`
            : recorded !== undefined && !recorded.success
              ? 'does not say in a form this version reads which features of the layer it left out'
              : undefined;
  if (problem !== undefined) {
    log(`council polling districts: the cached ${file} ${problem}; fetching them again`);
    return undefined;
  }
  // The problems as this version counts them: a cache of earlier code names fewer kinds.
  const served = recorded?.data === undefined ? parsed : { ...parsed, problems: recorded.data };
  // Another council's layer, cached before area.json named the district's own.
  const outside = district === undefined ? null : pollingDistrictsOutside(parsed, district);
  if (outside === null) return served;
  log(`council polling districts: the cached ${file}: ${outside}; fetching them again`);
  return undefined;
}

/**
 * ArcGIS rings -> GeoJSON. ArcGIS draws outer rings clockwise and holes counter-clockwise and
 * does not say which hole belongs to which outer ring; GeoJSON (RFC 7946) wants outer rings
 * counter-clockwise, each followed by its holes clockwise.
 */
export function ringsToGeometry(rings: readonly Position[][]): Polygon | MultiPolygon {
  const closed = rings.filter((ring) => ring.length >= 4);
  const outers = closed.filter((ring) => booleanClockwise(ring));
  const holes = closed.filter((ring) => !booleanClockwise(ring));
  // A server that ignores the convention sends only counter-clockwise rings: all outer then.
  const polygons: Position[][][] =
    outers.length > 0 ? outers.map((ring) => [[...ring].reverse()]) : holes.map((ring) => [ring]);
  if (outers.length > 0) {
    for (const hole of holes) {
      const first = hole[0] as Position;
      const owner = polygons.find((rings) =>
        booleanPointInPolygon(first, polygon([rings[0] as Position[]])),
      );
      if (owner) owner.push([...hole].reverse());
      else polygons.push([hole]);
    }
  }
  if (polygons.length === 0)
    throw new Error('an ArcGIS polygon has no ring with at least 4 points');
  return polygons.length === 1
    ? { type: 'Polygon', coordinates: polygons[0] as Position[][] }
    : { type: 'MultiPolygon', coordinates: polygons };
}

/** The official ward name for the council's spelling. */
export function wardName(councilName: string): string {
  return COUNCIL_WARD_NAME_FIXES[councilName] ?? councilName;
}

/** Merge the polling districts of each ward into one boundary per ward, ordered by name. */
export function dissolveWards(districts: PollingDistricts): WardBoundaries {
  const byWard = new Map<string, Feature<Polygon | MultiPolygon>[]>();
  for (const feature of districts.features) {
    const name = wardName(feature.properties.ward);
    byWard.set(name, [...(byWard.get(name) ?? []), feature]);
  }
  const features = [...byWard.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([ward, parts]) => {
      const merged = parts.length === 1 ? parts[0] : union(featureCollection(parts));
      if (!merged) throw new Error(`polling districts of ward ${ward} dissolve to nothing`);
      return { type: 'Feature' as const, properties: { ward }, geometry: merged.geometry };
    });
  return { type: 'FeatureCollection', features };
}
