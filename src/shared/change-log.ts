// ⚠️ This module ships to the browser: the "Data changes" page reads the change log with it.
// The change log (src/data/changes.json) records what each data refresh changed; the
// pipeline appends to it (pipeline/provenance.ts) and the site lists it.
import { z } from 'zod';
import { crimeTypeSchema, monthSchema, sourceKindSchema } from './schema.ts';

const countSchema = z.number().int().nonnegative();

/** Where a month's rows came from, as the change log shows it. */
const sourceSchema = z.object({ source: sourceKindSchema, snapshot: z.string().min(1) });

export const addedMonthSchema = sourceSchema.extend({ month: monthSchema, rows: countSchema });
export type AddedMonth = z.infer<typeof addedMonthSchema>;

export const revisedMonthSchema = z.object({
  month: monthSchema,
  before: sourceSchema.extend({ rows: countSchema }),
  after: sourceSchema.extend({ rows: countSchema }),
  /** Crime types whose count changed, with the counts before and after. */
  byType: z.array(z.object({ type: crimeTypeSchema, before: countSchema, after: countSchema })),
  /**
   * The codes of the wards whose counts in the month changed (a ward one build lacks among
   * them). Left out by entries written before they were recorded: read as every ward.
   */
  wards: z.array(z.string().min(1)).optional(),
});
export type RevisedMonth = z.infer<typeof revisedMonthSchema>;

export const approvedExceptionSchema = z.object({
  month: monthSchema,
  reason: z.string().min(1),
  approvedBy: z.string().min(1).optional(),
  /** The gate's findings the approval let through, as it worded them. */
  findings: z.array(z.string()),
});
export type ApprovedExceptionEntry = z.infer<typeof approvedExceptionSchema>;

/** A count of residents before and after a refresh. */
const residentsChangeSchema = z.object({ before: countSchema, after: countSchema });

/** A ward with its residents: one a new boundary brought, or one it replaced. */
const wardResidentsSchema = z.object({
  code: z.string().min(1),
  name: z.string().min(1),
  residents: countSchema,
});

/**
 * The Census 2021 residents that changed with the reference data (LSOA residents, boundaries
 * or postcodes): every rate per resident of the district or of these wards changed with them.
 * A ward's residents in the centre are those its rate without the centre divides by less.
 */
export const residentsChangedSchema = z.object({
  district: residentsChangeSchema.optional(),
  wards: z.array(
    residentsChangeSchema.extend({
      code: z.string().min(1),
      name: z.string().min(1),
      /** Of them, the residents in the centre, when those changed; left out otherwise. */
      centre: residentsChangeSchema.optional(),
    }),
  ),
  /** Wards of the new build whose code the previous one lacks (a boundary drawn anew). */
  wardsAdded: z.array(wardResidentsSchema).optional(),
  /** Wards of the previous build whose code the new one lacks. */
  wardsRemoved: z.array(wardResidentsSchema).optional(),
});
export type ResidentsChanged = z.infer<typeof residentsChangedSchema>;

export const changeEntrySchema = z.object({
  /** generatedAt of the site data this refresh published. */
  refreshedAt: z.iso.datetime(),
  /**
   * When the refresh's commit step published it. refreshedAt is the newest month's fetch, so
   * a refresh that fetched nothing new (its pipeline or reference data changed) shares it with
   * the one before; this moves. Left out by entries written before it was recorded.
   */
  publishedAt: z.iso.datetime().optional(),
  /** Newest month after the refresh. */
  dataTo: monthSchema,
  added: z.array(addedMonthSchema),
  revised: z.array(revisedMonthSchema),
  /** Months whose crime counts are unchanged but whose outcomes police.uk updated. */
  outcomesUpdated: z.array(monthSchema),
  /**
   * Months published before and not any more (only with a person's approval, in exceptions);
   * left out when none.
   */
  removed: z.array(monthSchema).optional(),
  /** What the validation gate refused and a person approved, with their reason. */
  exceptions: z.array(approvedExceptionSchema).optional(),
  /** Residents that changed (every rate with them); left out when none did. */
  residents: residentsChangedSchema.optional(),
});
export type ChangeEntry = z.infer<typeof changeEntrySchema>;

export const changeLogSchema = z.object({
  schemaVersion: z.literal(1),
  /** Newest refresh first. */
  entries: z.array(changeEntrySchema),
});
export type ChangeLog = z.infer<typeof changeLogSchema>;

export const EMPTY_CHANGE_LOG: ChangeLog = { schemaVersion: 1, entries: [] };

/** When `entry`'s change was published: publishedAt, or refreshedAt in an older entry. */
export function entryTime(entry: ChangeEntry): string {
  return entry.publishedAt ?? entry.refreshedAt;
}

/**
 * When the published figures last changed: the newest entry's time (entryTime), which only a
 * refresh that changed them writes. Before the log has any entry, `generatedAt`, the newest
 * fetch of the data as first published. A month fetched again with nothing changed adds no
 * entry, so leaves it; a revision that fetched nothing new (the pipeline or the reference
 * data changed) moves it. From committed files alone: every build of them gives the same.
 */
export function lastChange(log: ChangeLog, generatedAt: string): string {
  const newest = log.entries[0];
  return newest === undefined ? generatedAt : entryTime(newest);
}

/**
 * The anchor of `log.entries[index]` on the Data changes page, and the end of its feed entry's
 * id: "refresh-<refreshedAt>", then "-2", "-3" for later refreshes that published data with
 * the same refreshedAt (one that downloaded nothing new). Counted from the oldest entry, so
 * an entry's anchor never changes as newer ones are added.
 */
export function entryAnchor(log: ChangeLog, index: number): string {
  const { refreshedAt } = log.entries[index] as ChangeEntry;
  const earlier = log.entries.slice(index + 1).filter((e) => e.refreshedAt === refreshedAt);
  return `refresh-${refreshedAt}${earlier.length === 0 ? '' : `-${earlier.length + 1}`}`;
}
