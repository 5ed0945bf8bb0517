// The per-month cache: each processed month's enriched rows (YYYY-MM.csv), summary
// (YYYY-MM.summary.json, a MonthSummary plus the cache key and drop examples) and the
// postcodes.io answers it used (YYYY-MM.postcodes.json). A month is reprocessed only when its
// key changes (its input files (month-keys.ts), the reference geography, or the code that
// processes it and the packages that code runs), an answer it used changed, an outcomes
// file revises one of its crimes (YYYY-MM.outcomes, month-outcomes.ts), or its rows file no
// longer has the size it was committed with (cut short, added to or gone).
import { createHash } from 'node:crypto';
import { open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { compareCodeUnits } from '../src/shared/compare.ts';
import { isCoordinateKey } from '../src/shared/coordinates.ts';
import type { MonthSummary } from '../src/shared/schema.ts';
import { codeFingerprint } from './code-fingerprint.ts';
import { sizeAndTime, sizeAndTimeIfThere } from './files.ts';
import { monthOutcomesFile } from './month-outcomes.ts';
import type { MonthProvenanceInfo } from './process-month.ts';
import { DropTally, type Disagreement, type TallyData } from './report.ts';
import type { TextRepair } from './text-repair.ts';
import { createAtomicWriteStream, writeFileAtomic, type AtomicWriteStream } from './write.ts';

/**
 * The code a cached month depends on: the modules that read, normalise, locate, enrich and
 * summarise a month, in a worker (month-worker.ts) or in the main thread (process-month.ts),
 * and everything they import (see code-fingerprint.ts). Hashing the source rather than
 * keeping a version number to bump by hand means a change to any of them can never be
 * served stale months, while a change to the site or to a later step keeps the cache.
 */
export const MONTH_STAGE_ENTRIES = [
  'pipeline/month-worker.ts',
  'pipeline/process-month.ts',
] as const;

/**
 * What a month's rows and figures depend on. Provenance labels (snapshot, fetchedAt) are not
 * part of it: a newer month joining the input relabels every archive month (its snapshot is
 * the input's latest month) without changing a byte of them, so a cached month is relabelled
 * (see withProvenance) rather than processed again.
 */
export interface MonthCacheKeyParts {
  month: string;
  source: string;
  /**
   * Fingerprints of the month's input files. Not the outcomes files, which revise the latest
   * outcome of its crimes: which of them a cached month was made with is kept beside it, and
   * a new one processes it again only when it lists one of its crimes (month-outcomes.ts).
   */
  inputs: readonly string[];
  /** Fingerprint of the reference geography (and polling districts, when present). */
  geography: string;
  /**
   * The district and its force's districts (area.json): they decide which rows are kept and
   * how a row outside is counted, so editing them processes the months again.
   */
  district: { name: string; forceDistricts: readonly string[] | null };
}

export function monthCacheKey(parts: MonthCacheKeyParts): string {
  const { month, source, inputs, geography, district } = parts;
  return createHash('sha256')
    .update(
      JSON.stringify({
        code: codeFingerprint(MONTH_STAGE_ENTRIES),
        month,
        source,
        inputs,
        geography,
        district: { name: district.name, forceDistricts: district.forceDistricts },
      }),
    )
    .digest('hex');
}

export function monthCacheFiles(
  dir: string,
  month: string,
): { csv: string; summary: string; postcodes: string } {
  return {
    csv: path.join(dir, `${month}.csv`),
    summary: path.join(dir, `${month}.summary.json`),
    postcodes: path.join(dir, `${month}.postcodes.json`),
  };
}

/** The postcodes.io answers a run has (geo-context.ts), by coordinate key; null: none near. */
export type PostcodeAnswers = ReadonlyMap<string, { district: string } | null>;

/**
 * The answers a month was processed with: for each of its snap points that no postcode of
 * the area's list is near (Place.postcodeGap), by coordinate key in code-unit order, the
 * district postcodes.io answered, or null (not asked yet, or none near: either way the
 * month used the nearest listed district, approximate). Its rows depend on the answers for
 * these points and on no other, so a month is checked against them alone (readMonthCache)
 * rather than keyed on every answer: a new answer for a point elsewhere keeps it cached.
 */
export type PostcodeAnswersUsed = Record<string, string | null>;

/** The answers in `answers` for `points` (coordinate keys), as a month keeps them. */
export function postcodeAnswersUsed(
  points: Iterable<string>,
  answers: PostcodeAnswers,
): PostcodeAnswersUsed {
  const used: PostcodeAnswersUsed = {};
  for (const point of [...points].sort(compareCodeUnits)) {
    used[point] = answers.get(point)?.district ?? null;
  }
  return used;
}

/** Whether `answers` gives each point of `used` the district the month was processed with. */
function sameAnswers(used: PostcodeAnswersUsed, answers: PostcodeAnswers): boolean {
  return Object.entries(used).every(
    ([point, district]) => (answers.get(point)?.district ?? null) === district,
  );
}

/**
 * An answers file is one JSON object written by commit alone, in this exact shape:
 * `{"cacheKey":"<sha256>","sha256":"<sha256 of ANSWERS>","answers":ANSWERS}`, ANSWERS being
 * the PostcodeAnswersUsed. Like a summary's BODY, ANSWERS is checked against its hash, so an
 * edited or damaged file is not trusted; its points become the postcodes step's questions, so
 * its shape is checked too.
 */
const ANSWERS_HEAD = /^\{"cacheKey":"([0-9a-f]{64})","sha256":"([0-9a-f]{64})","answers":/;
const ANSWERS_TAIL = '}\n';

function answersFileText(key: string, answers: PostcodeAnswersUsed): string {
  const text = JSON.stringify(answers);
  return (
    `{"cacheKey":${JSON.stringify(key)},"sha256":"${sha256(text)}",` +
    `"answers":${text}${ANSWERS_TAIL}`
  );
}

/**
 * The answers in a month's answers file made under `key`, or null when it is missing, damaged
 * or of another key.
 */
async function readAnswersUsed(file: string, key: string): Promise<PostcodeAnswersUsed | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  const head = ANSWERS_HEAD.exec(text);
  if (head === null || head[1] !== key || !text.endsWith(ANSWERS_TAIL)) return null;
  const body = text.slice(head[0].length, -ANSWERS_TAIL.length);
  if (sha256(body) !== head[2]) return null;
  let answers: unknown;
  try {
    answers = JSON.parse(body);
  } catch {
    return null;
  }
  return isAnswersUsed(answers) ? answers : null;
}

/** Whether `value` is an object (not an array) of coordinate keys to a district or null. */
function isAnswersUsed(value: unknown): value is PostcodeAnswersUsed {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.entries(value).every(
      ([point, district]) =>
        isCoordinateKey(point) && (district === null || typeof district === 'string'),
    )
  );
}

/**
 * The snap points of a month made under `key` that no postcode of the area's list is near
 * (coordinate keys), or null when the cache does not have them. They depend on what the key
 * covers and not on the answers, so the postcodes step takes them from here even for a month
 * whose answers have changed, instead of reading the month's files.
 */
export async function readMonthPostcodeGaps(
  dir: string,
  month: string,
  key: string,
): Promise<string[] | null> {
  const used = await readAnswersUsed(monthCacheFiles(dir, month).postcodes, key);
  return used === null ? null : Object.keys(used);
}

export interface CachedMonth {
  summary: MonthSummary;
  drops: DropTally;
  csv: string;
}

/**
 * A summary file is one JSON object written by writeSummary alone, in this exact shape:
 * `{"cacheKey":"<sha256>","sha256":"<sha256 of BODY>","csvBytes":<n>,"snapshot":...,
 * "fetchedAt":...,"body":BODY}`.
 * BODY (the summary without its provenance labels, and the drop examples) is checked against
 * its hash rather than against the schema: the key covers the code that wrote it (so its shape
 * is this code's), and the hash catches a damaged or edited file, at a fraction of the cost of
 * a schema check of the ~95 cached months a monthly run reads. The labels sit outside BODY, so
 * relabelling a month rewrites the file around the same BODY text. `csvBytes` is the size of
 * the month's rows file as committed: a rows file cut short, added to or gone is not the
 * month's, which is then processed again rather than published without its rows (a rows file
 * is not hashed: reading every cached month's rows would cost a monthly run more than all
 * the rest of its months step).
 */
const SUMMARY_HEAD =
  /^\{"cacheKey":"([0-9a-f]{64})","sha256":"([0-9a-f]{64})","csvBytes":(\d{1,15}),"snapshot":("(?:[^"\\]|\\.)*"),"fetchedAt":("(?:[^"\\]|\\.)*"),"body":/;
const SUMMARY_TAIL = '}\n';

interface SummaryBody {
  summary: Omit<MonthSummary, 'snapshot' | 'fetchedAt'>;
  dropExamples: DropTally['examples'];
  outside?: DropTally['outside'];
  disagreements?: TallyData<Disagreement>;
  repaired?: TallyData<TextRepair>;
}

interface SummaryFile {
  labels: MonthProvenanceInfo;
  body: string;
  /** sha256 of body, already checked. */
  bodyHash: string;
  /** The size of the month's rows file as committed. */
  csvBytes: number;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The labels, BODY text and BODY hash of a summary file made under `key`, or null. */
function readSummaryFile(text: string, key: string): SummaryFile | null {
  const head = SUMMARY_HEAD.exec(text);
  if (head === null || head[1] !== key || !text.endsWith(SUMMARY_TAIL)) return null;
  const body = text.slice(head[0].length, -SUMMARY_TAIL.length);
  const bodyHash = sha256(body);
  if (bodyHash !== head[2]) return null;
  try {
    const snapshot: unknown = JSON.parse(head[4]!);
    const fetchedAt: unknown = JSON.parse(head[5]!);
    if (typeof snapshot !== 'string' || typeof fetchedAt !== 'string') return null;
    return { labels: { snapshot, fetchedAt }, body, bodyHash, csvBytes: Number(head[3]) };
  } catch {
    return null;
  }
}

function summaryFileText(
  key: string,
  labels: MonthProvenanceInfo,
  body: string,
  csvBytes: number,
  bodyHash = sha256(body),
): string {
  return (
    `{"cacheKey":${JSON.stringify(key)},"sha256":"${bodyHash}","csvBytes":${csvBytes},` +
    `"snapshot":${JSON.stringify(labels.snapshot)},"fetchedAt":${JSON.stringify(labels.fetchedAt)},` +
    `"body":${body}${SUMMARY_TAIL}`
  );
}

/**
 * The cached month, or null when it is missing, damaged, was made under another key, or
 * used an answer for one of its points that `answers` no longer gives. With
 * `labels`, the month is also relabelled (its summary rewritten around the same BODY) from
 * the text just read: a monthly run relabels every cached month (the input's snapshot moves
 * on), and reading each summary file and hashing its BODY once rather than twice is a tenth
 * of that run's time.
 */
export async function readMonthCache(
  dir: string,
  month: string,
  key: string,
  answers: PostcodeAnswers,
  labels?: MonthProvenanceInfo,
): Promise<CachedMonth | null> {
  const files = monthCacheFiles(dir, month);
  let file: SummaryFile | null;
  try {
    file = readSummaryFile(await readFile(files.summary, 'utf8'), key);
  } catch {
    return null;
  }
  if (file === null || !(await hasSize(files.csv, file.csvBytes))) return null;
  const used = await readAnswersUsed(files.postcodes, key);
  if (used === null || !sameAnswers(used, answers)) return null;
  const {
    summary: unlabelled,
    dropExamples,
    outside,
    disagreements,
    repaired,
  } = JSON.parse(file.body) as SummaryBody;
  if (unlabelled.month !== month) return null;
  let current = file.labels;
  if (labels && !sameLabels(current, labels)) {
    await writeFileAtomic(
      files.summary,
      summaryFileText(key, labels, file.body, file.csvBytes, file.bodyHash),
    );
    current = { snapshot: labels.snapshot, fetchedAt: labels.fetchedAt };
  }
  const { month: _, source, ...figures } = unlabelled;
  const summary: MonthSummary = { month, source, ...current, ...figures };
  const drops = new DropTally();
  drops.merge({
    counts: summary.dropped,
    examples: dropExamples,
    outside,
    disagreements,
    repaired,
  });
  return { summary, drops, csv: files.csv };
}

/** The cache key, BODY hash and rows file size at the head of a cached month's summary file. */
export interface MonthCacheStamp {
  key: string;
  sha256: string;
  csvBytes: number;
}

const STAMP_HEAD =
  /^\{"cacheKey":"([0-9a-f]{64})","sha256":"([0-9a-f]{64})","csvBytes":(\d{1,15}),/;
const STAMP_BYTES = '{"cacheKey":"","sha256":"","csvBytes":,'.length + 2 * 64 + 15;

/**
 * The key, BODY hash and rows file size a cached month's summary file starts with (its BODY
 * is not read, nor checked against the hash), or null when there is none. For what was read
 * in full before (see month-fold-checkpoint.ts): a month processed again since, or removed,
 * has another stamp or none, unless it was processed again to the same BODY.
 */
export async function readMonthCacheStamp(
  dir: string,
  month: string,
): Promise<MonthCacheStamp | null> {
  const bytes = Buffer.alloc(STAMP_BYTES);
  try {
    const file = await open(monthCacheFiles(dir, month).summary, 'r');
    try {
      const { bytesRead } = await file.read(bytes, 0, bytes.length, 0);
      const head = STAMP_HEAD.exec(bytes.toString('utf8', 0, bytesRead));
      return head === null ? null : { key: head[1]!, sha256: head[2]!, csvBytes: Number(head[3]) };
    } catch {
      return null;
    } finally {
      await file.close();
    }
  } catch {
    return null;
  }
}

/**
 * Whether the cache still holds `month` as `stamp` says, and would serve it to a run with
 * these postcodes.io `answers` (readMonthCache's check): its summary file starts with the
 * same key, BODY hash and rows file size, its rows file has that size, and each answer the
 * month used is still the run's.
 */
export async function monthCacheHolds(
  dir: string,
  month: string,
  stamp: MonthCacheStamp,
  answers: PostcodeAnswers,
): Promise<boolean> {
  const current = await readMonthCacheStamp(dir, month);
  if (
    current === null ||
    current.key !== stamp.key ||
    current.sha256 !== stamp.sha256 ||
    current.csvBytes !== stamp.csvBytes
  ) {
    return false;
  }
  const files = monthCacheFiles(dir, month);
  if (!(await hasSize(files.csv, current.csvBytes))) return false;
  const used = await readAnswersUsed(files.postcodes, stamp.key);
  return used !== null && sameAnswers(used, answers);
}

/** Whether `file` is there with `bytes` bytes. */
async function hasSize(file: string, bytes: number): Promise<boolean> {
  return (await sizeAndTimeIfThere(file))?.size === bytes;
}

function sameLabels(a: MonthProvenanceInfo, b: MonthProvenanceInfo): boolean {
  return a.snapshot === b.snapshot && a.fetchedAt === b.fetchedAt;
}

async function writeSummary(
  file: string,
  summary: MonthSummary,
  drops: DropTally,
  key: string,
  csvBytes: number,
): Promise<void> {
  const { snapshot, fetchedAt, ...unlabelled } = summary;
  const body: SummaryBody = {
    summary: unlabelled,
    dropExamples: drops.examples,
    outside: drops.outside,
    disagreements: { counts: drops.disagreements.counts, examples: drops.disagreements.examples },
    repaired: { counts: drops.repaired.counts, examples: drops.repaired.examples },
  };
  await writeFileAtomic(
    file,
    summaryFileText(key, { snapshot, fetchedAt }, JSON.stringify(body), csvBytes),
  );
}

/**
 * Start writing a month to the cache. Write the rows to `rows`, then commit(summary); the
 * summary goes last, so a month whose rows (or answers) were not completely written is never
 * trusted.
 */
export async function openMonthCacheWriter(dir: string, month: string) {
  const files = monthCacheFiles(dir, month);
  // The old summary goes first: until the new one is written the month is simply not cached.
  // So does the record of the outcomes files it was made with (month-outcomes.ts), written
  // again once the run is done with its months: a run that stops before then leaves the month
  // made with outcomes files it records none of, processed again, never taken as made with
  // the old record's.
  await rm(files.summary, { force: true });
  await rm(files.postcodes, { force: true });
  await rm(monthOutcomesFile(dir, month), { force: true });
  const rows: AtomicWriteStream = await createAtomicWriteStream(files.csv);
  return {
    rows,
    async commit(
      summary: MonthSummary,
      drops: DropTally,
      key: string,
      answers: PostcodeAnswersUsed,
    ): Promise<void> {
      await rows.commit();
      const { size } = await sizeAndTime(files.csv);
      await writeFileAtomic(files.postcodes, answersFileText(key, answers));
      await writeSummary(files.summary, summary, drops, key, size);
    },
    abort: () => rows.abort(),
  };
}
