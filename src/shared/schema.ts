// ⚠️ This module ships to the browser. It is the ONE definition of every data shape
// that crosses a boundary: the pipeline writes these shapes, the site reads them.
// Types are inferred from the schemas; validate once where data enters (parseOrThrow).
import { z } from 'zod';
import { CRIME_TYPES } from './constants.ts';
import { MONTH_PATTERN } from './months.ts';
import { PLACE_KINDS } from './place-kinds.ts';

export const monthSchema = z.string().regex(MONTH_PATTERN, 'expected a month as YYYY-MM');
export type Month = z.infer<typeof monthSchema>;

export const crimeTypeSchema = z.enum(CRIME_TYPES);

/** Where a month's rows came from. */
export const sourceKindSchema = z.enum(['archive', 'api']);
export type SourceKind = z.infer<typeof sourceKindSchema>;

/** Why a row was not kept. Every dropped row is counted under exactly one reason. */
export const DROP_REASONS = [
  'outside-district',
  'no-coordinates',
  'malformed-coordinates',
  'malformed-month',
  'malformed-crime-type',
  'duplicate',
] as const;
export const dropReasonSchema = z.enum(DROP_REASONS);
export type DropReason = z.infer<typeof dropReasonSchema>;
export const dropCountsSchema = z.record(dropReasonSchema, z.number().int().nonnegative());
export type DropCounts = Record<DropReason, number>;

/** One street-level crime, normalised from an archive row or an API row. */
export const crimeRecordSchema = z.object({
  /** police.uk Crime ID (API: persistent_id); empty for anti-social behaviour. */
  crimeId: z.string(),
  month: monthSchema,
  reportedBy: z.string(),
  fallsWithin: z.string(),
  longitude: z.number().min(-180).max(180),
  latitude: z.number().min(-90).max(90),
  /** "On or near ..." */
  location: z.string(),
  lsoaCode: z.string(),
  lsoaName: z.string(),
  crimeType: crimeTypeSchema,
  /** police.uk's "Last outcome category" as the street file (or API) gives it, unmodified. */
  lastOutcome: z.string(),
  context: z.string(),
});
export type CrimeRecord = z.infer<typeof crimeRecordSchema>;

/**
 * What local geography adds to a record. Empty string = not known. The one guess, a postcode
 * district taken from the nearest listed postcode beyond the usual radius, is marked as one.
 */
export const enrichmentSchema = z.object({
  wardName: z.string(),
  wardCode: z.string(),
  /** The 2021 LSOA containing the point (police.uk's own LSOA code may be of 2011). */
  lsoa21Code: z.string(),
  postcodeDistrict: z.string(),
  /**
   * Whether `postcodeDistrict` is only an estimate: the nearest listed postcode's district
   * beyond the usual radius, for a point without a postcodes.io answer (Place).
   */
  postcodeDistrictEstimated: z.boolean(),
  pollingDistrict: z.string(),
});
export type Enrichment = z.infer<typeof enrichmentSchema>;

export const enrichedCrimeSchema = crimeRecordSchema.extend(enrichmentSchema.shape).extend({
  /**
   * The crime's latest known outcome: the latest one the outcomes files give for its Crime ID
   * when they give one, else `lastOutcome`. The site's outcome figures count this.
   */
  outcome: z.string(),
});
export type EnrichedCrime = z.infer<typeof enrichedCrimeSchema>;

export const coverageSchema = z.object({
  lsoa: z.number().int().nonnegative(),
  ward: z.number().int().nonnegative(),
  postcodeDistrict: z.number().int().nonnegative(),
  pollingDistrict: z.number().int().nonnegative(),
});
export type Coverage = z.infer<typeof coverageSchema>;

/**
 * Rows by the force that reported them and the force whose area they fall within, as
 * police.uk names them ("Reported by", "Falls within"): the site names forces only from these.
 */
export const forceCountsSchema = z.array(
  z.object({
    reportedBy: z.string(),
    fallsWithin: z.string(),
    count: z.number().int().positive(),
  }),
);
export type ForceCounts = z.infer<typeof forceCountsSchema>;

/** Counts indexed like CRIME_TYPES. */
const typeCountsSchema = z.array(z.number().int().nonnegative()).length(CRIME_TYPES.length);

/** Where one month came from, recorded for every month the site shows. */
export const monthProvenanceSchema = z.object({
  month: monthSchema,
  source: sourceKindSchema,
  /** Archive file name (e.g. "2025-03.zip", "sample") or API snapshot (e.g. "api:2025-04"). */
  snapshot: z.string().min(1),
  fetchedAt: z.iso.datetime(),
  rows: z.number().int().nonnegative(),
  /**
   * The month's kept rows by force, sorted by reportedBy then fallsWithin: each force's file
   * is a part of the month that a re-issue can lose whole, which the gate checks by force.
   */
  forces: forceCountsSchema,
});
export type MonthProvenance = z.infer<typeof monthProvenanceSchema>;

/**
 * Everything the site needs from one month, mergeable across months. The pipeline caches
 * one per month, so a monthly run only processes the new month.
 */
export const monthSummarySchema = monthProvenanceSchema.extend({
  read: z.number().int().nonnegative(),
  kept: z.number().int().nonnegative(),
  /**
   * Of `kept`, the rows of the territorial force's file (an archive month's first file; every
   * row of an API month): the month's rows file holds them first, before another force's.
   */
  territorialKept: z.number().int().nonnegative(),
  dropped: dropCountsSchema,
  /**
   * The month's rows with a Crime ID, by the file that holds them (in the order of the month's
   * files: the territorial force's street file first; an API month's snapshot alone), and of
   * them those dropped as a repeat of a Crime ID read before in the month: part of
   * dropped.duplicate, which counts the repeats of earlier months too. The gate refuses a
   * month with many, a file read twice whose anti-social behaviour (no Crime ID) counts twice.
   */
  crimeIdsByFile: z.array(
    z.object({
      rows: z.number().int().nonnegative(),
      repeated: z.number().int().nonnegative(),
    }),
  ),
  coverage: coverageSchema,
  /**
   * Of coverage.postcodeDistrict, rows whose district is only the nearest LS one (no LS
   * postcode within reach and no postcodes.io answer): approximate.
   */
  postcodeDistrictApproximate: z.number().int().nonnegative(),
  /** wardCode -> counts by crime type. */
  wardType: z.record(z.string(), typeCountsSchema),
  /** wardCode -> outcome category -> count ("" outcome is stored as "No outcome recorded"). */
  wardOutcome: z.record(z.string(), z.record(z.string(), z.number().int().nonnegative())),
  /** wardCode -> location text -> count. */
  wardStreet: z.record(z.string(), z.record(z.string(), z.number().int().nonnegative())),
  /** One entry per distinct coordinate (police.uk snap point). */
  points: z.array(
    z.object({
      lon: z.number(),
      lat: z.number(),
      ward: z.string(),
      postcodeDistrict: z.string(),
      counts: typeCountsSchema,
    }),
  ),
});
export type MonthSummary = z.infer<typeof monthSummarySchema>;

export const wardSchema = z.object({
  code: z.string().regex(/^E05\d{6}$/),
  name: z.string().min(1),
  /** Stable URL slug, e.g. "little-london-and-woodhouse". */
  slug: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
  /**
   * Census 2021 usual residents, from the LSOAs: whole where an LSOA lies in the ward, else
   * by the share of the LSOA's postcodes in the ward (by area without LS postcodes).
   */
  population: z.number().int().positive(),
  /** Of `population`, residents in the city-centre postcode districts (same apportionment). */
  cityCentreResidents: z.number().int().nonnegative(),
  /** Of `population`, residents placed by area share (LSOAs with no LS postcode). */
  residentsByArea: z.number().int().nonnegative(),
  /** Codes of wards sharing a boundary. */
  neighbours: z.array(z.string()),
});
export type Ward = z.infer<typeof wardSchema>;

/** The site's data: committed as src/data/site-data.json, read by every page at build time. */
export const siteDataSchema = z.object({
  schemaVersion: z.literal(1),
  generatedAt: z.iso.datetime(),
  /**
   * The area configuration the data was built from (areaBuildInputs in ./area.ts), which the
   * build compares with the area's area.json; the pipeline always writes it.
   */
  builtFrom: z.record(z.string(), z.unknown()).optional(),
  crimeTypes: z.array(crimeTypeSchema),
  /** Months that have data, ascending. A month absent here is a gap, never a zero. */
  months: z.array(monthSchema),
  provenance: z.array(monthProvenanceSchema),
  /** The 33 wards, ordered by name. */
  wards: z.array(wardSchema),
  districtPopulation: z.number().int().positive(),
  /** counts[ward][month][type], indexed like wards, months and crimeTypes. */
  counts: z.array(z.array(typeCountsSchema)),
  outcomeCategories: z.array(z.string()),
  /** outcomes[ward][month][outcome], indexed like wards, months and outcomeCategories. */
  outcomes: z.array(z.array(z.array(z.number().int().nonnegative()))),
  /**
   * The streets with most crimes in each ward over `window` (the latest 12 months): the
   * TOP_STREETS_PER_WARD most, ties at the cut taken by name. A location police.uk names only
   * by a kind of place ("On or near Supermarket", PLACE_KINDS) adds up every such place of the
   * ward: it is no street, so it is never in `byWard` but in `placeKinds`.
   */
  topStreets: z.object({
    window: z.object({ from: monthSchema, to: monthSchema }),
    byWard: z.array(
      z.array(z.object({ location: z.string(), count: z.number().int().positive() })),
    ),
    /** By ward: the locations left out with the same count as the last one listed. */
    tiedBeyond: z.array(z.number().int().nonnegative()),
    /**
     * By ward: the crimes at each kind of place police.uk names without a street, every place
     * of the kind in the ward added together, over the same window; most first, then by kind.
     */
    placeKinds: z.array(
      z.array(z.object({ kind: z.enum(PLACE_KINDS), count: z.number().int().positive() })),
    ),
  }),
  quality: z.object({
    read: z.number().int().nonnegative(),
    kept: z.number().int().nonnegative(),
    dropped: dropCountsSchema,
    coverage: coverageSchema,
  }),
  /** Kept rows by force over every month, most first. */
  forces: forceCountsSchema,
  /**
   * Kept rows by how their postcode district was found: `exact` from an LS postcode within
   * reach or a postcodes.io answer, `approximate` the nearest LS district (WF and BD parts of
   * Leeds without an answer), `none` without a district.
   */
  postcodeDistricts: z.object({
    exact: z.number().int().nonnegative(),
    approximate: z.number().int().nonnegative(),
    none: z.number().int().nonnegative(),
  }),
});
export type SiteData = z.infer<typeof siteDataSchema>;

/** Thrown when data at a boundary does not fit its schema; lists every bad field. */
export class SchemaError extends Error {
  readonly issues: readonly string[];
  constructor(what: string, issues: readonly string[]) {
    super(`${what} does not fit the schema:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'SchemaError';
    this.issues = issues;
  }
}

/** Validate `value` against `schema`; on failure throw a SchemaError naming `what` and every bad field. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new SchemaError(what, issueLines(result.error));
}

/** A schema failure's problems, one a field: "months.0.month: Invalid input". */
export function issueLines(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
}
