// A council's polling districts layer, and whether it is the district's: checked when the
// fetch step downloads it or finds it cached (sources/polling-districts.ts), and whenever a run
// locates crimes with the cached layer (geo-context.ts), an offline run or one from a later
// step too, so another council's layer never leaves every row without a polling district.
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import type { FeatureCollection, Geometry, MultiPolygon, Polygon } from 'geojson';
import { z } from 'zod';
import { formatCount } from '../src/shared/format-count.ts';
import type { PolygonGeometry } from '../src/shared/geometry.ts';
import { middleOf } from './district-middle.ts';
import { quoteOutside } from './log-safe.ts';
import { polygonProblem } from './polygon-problem.ts';
import type { TallyData } from './report.ts';

export interface PollingDistrictProperties {
  pollingDistrict: string;
  ward: string;
}
export type PollingDistricts = FeatureCollection<Polygon | MultiPolygon, PollingDistrictProperties>;

/**
 * The features of a council's layer not used as they came, in the order reported: left out,
 * having no shape (ArcGIS sends `geometry: null`, or no rings, for a feature without one) or a
 * shape that is not a polygon the pipeline can use (no ring of 4 positions, a ring not closed,
 * positions not longitudes and latitudes in England and Wales), no code (null, empty or blank)
 * or a code the layer gives to features of different wards (which of them is the district is
 * not the run's to decide); or kept without a ward, their code being what a crime is given.
 */
export const LAYER_PROBLEMS = [
  'no-shape',
  'unusable-shape',
  'no-code',
  'code-in-several-wards',
  'no-ward',
] as const;
export type LayerProblem = (typeof LAYER_PROBLEMS)[number];
/** The problems of a layer by kind, with examples: kept beside the cached layer. */
export type LayerProblems = TallyData<LayerProblem>;

/** Of LAYER_PROBLEMS, those whose features are left out of the polling districts. */
export const LEFT_OUT: readonly LayerProblem[] = [
  'no-shape',
  'unusable-shape',
  'no-code',
  'code-in-several-wards',
];

/**
 * Of LAYER_PROBLEMS, those a cache written before they were counted does not name: it holds
 * none of them, as the fetch then stopped on a feature without a usable shape (and a cache
 * holding one it took is fetched again, see unusableShapes).
 */
const COUNTED_SINCE_SHAPES: readonly LayerProblem[] = ['no-shape', 'unusable-shape'];

const PROBLEM_WORDS: Record<LayerProblem, string> = {
  'no-shape': 'without a shape',
  'unusable-shape': 'with a shape that is not a polygon the pipeline can use',
  'no-code': 'without a code',
  'code-in-several-wards': 'with a code the layer also gives to another ward',
  'no-ward': 'without a ward',
};

/** LayerProblems as a cache holds them (a cache of earlier code holds none). */
export const layerProblemsSchema = z.object({
  counts: z.object(
    Object.fromEntries(
      LAYER_PROBLEMS.map((p) => {
        const count = z.number().int().nonnegative();
        return [p, COUNTED_SINCE_SHAPES.includes(p) ? count.default(0) : count];
      }),
    ) as Record<LayerProblem, z.ZodNumber | z.ZodDefault<z.ZodNumber>>,
  ),
  examples: z.partialRecord(
    z.enum(LAYER_PROBLEMS),
    z.array(z.object({ where: z.string(), detail: z.string() })),
  ),
});

/** `problems` of the kinds `kinds` with their counts and examples, e.g. "2 without a code (e.g. ...)". */
export function layerProblemCounts(
  problems: LayerProblems,
  kinds: readonly LayerProblem[] = LAYER_PROBLEMS,
): string {
  return kinds
    .filter((problem) => problems.counts[problem] > 0)
    .map((problem) => {
      const examples = (problems.examples[problem] ?? []).map((e) => `${e.where}: ${e.detail}`);
      return `${formatCount(problems.counts[problem])} ${PROBLEM_WORDS[problem]} (e.g. ${examples.join('; ')})`;
    })
    .join(', ');
}

/**
 * What a run says of a layer's `problems` (null for none): how many features were left out and
 * kept without a ward, by kind, with examples (each feature's OBJECTID, or its place in the
 * layer), and that the crimes in the features left out have no polling district.
 */
export function layerProblemsText(problems: LayerProblems): string | null {
  const leftOut = LEFT_OUT.reduce((n, problem) => n + problems.counts[problem], 0);
  const sentences = [
    ...(leftOut === 0
      ? []
      : [
          `${formatCount(leftOut)} polling-district shape(s) of the council's layer were left ` +
            'out, so the crimes in them have no polling district: ' +
            layerProblemCounts(problems, LEFT_OUT),
        ]),
    ...(problems.counts['no-ward'] === 0
      ? []
      : [
          "polling-district shape(s) of the council's layer kept by their code: " +
            layerProblemCounts(problems, ['no-ward']),
        ]),
  ];
  return sentences.length === 0 ? null : sentences.join('; ');
}

/** Shapes of a cached layer named in a message before "and N more". */
const UNUSABLE_SHAPES_NAMED = 3;

/**
 * The shapes of a cached layer (its `features`, and the shapes left out, `leftOut`) that are
 * not polygons the pipeline can use (polygonProblem), counted with up to 3 named by their path
 * in the file and their code (or what names a shape left out); null for none. A cache written
 * before the fetch left such features out holds them as the council sent them (a ring not
 * closed, positions in other units): locating crimes with it would stop every run.
 */
export function unusableShapes(layer: unknown): string | null {
  const found = (['features', 'leftOut'] as const).flatMap((member) => {
    const shapes = (layer as Partial<Record<typeof member, unknown>> | null)?.[member];
    if (!Array.isArray(shapes)) return [];
    return shapes.flatMap((shape: unknown, i) => {
      const { geometry = null, properties } = (shape ?? {}) as {
        geometry?: Geometry | null;
        properties?: { pollingDistrict?: unknown; where?: unknown } | null;
      };
      const problem = polygonProblem(geometry);
      if (problem === null) return [];
      const name = properties?.pollingDistrict ?? properties?.where;
      const named = name === undefined ? '' : ` (${quoteOutside(String(name), 60)})`;
      return [`${member}.${i}${named}: ${problem.at} ${problem.problem}`];
    });
  });
  if (found.length === 0) return null;
  const more = found.length - UNUSABLE_SHAPES_NAMED;
  return (
    `${formatCount(found.length)} shape(s) that are not polygons the pipeline can use: ` +
    found.slice(0, UNUSABLE_SHAPES_NAMED).join('; ') +
    (more > 0 ? `; and ${formatCount(more)} more` : '')
  );
}

/** The district a polling districts layer must cover. */
export interface LayerDistrict {
  /** "Leeds" */
  name: string;
  outline: PolygonGeometry;
  /** Where the outline comes from, for messages: area.json's boundaries.outline.file. */
  outlineFile: string;
}

/**
 * Why `districts` are not `district`'s, or null: those whose middle (middleOf, inside the
 * polygon, not rounded, as the wards and LSOAs are judged) lies outside its outline, with up
 * to 3 named. A council's districts tile its district, so any outside is another council's, or
 * a layer of a wider area.
 */
export function pollingDistrictsOutside(
  districts: PollingDistricts,
  district: LayerDistrict,
): string | null {
  const outside = districts.features.filter((feature) => {
    const [lat, lon] = middleOf(feature.geometry as PolygonGeometry);
    return !booleanPointInPolygon([lon, lat], district.outline);
  });
  if (outside.length === 0) return null;
  const named = outside.slice(0, 3).map(({ properties }) => {
    // A layer cached by earlier code names its districts POLLING_DI, and may give no ward.
    const { pollingDistrict, POLLING_DI, ward } = properties as Partial<
      PollingDistrictProperties & { POLLING_DI: string }
    >;
    const code = quoteOutside(String(pollingDistrict ?? POLLING_DI ?? ''), 60);
    return typeof ward === 'string' ? `${code} (ward ${quoteOutside(ward, 60)})` : code;
  });
  return (
    `${outside.length} of its ${districts.features.length} polling districts lie outside ` +
    `${district.name}'s outline (${district.outlineFile}), e.g. ${named.join(', ')}, so it is ` +
    `not ${district.name}'s layer`
  );
}
