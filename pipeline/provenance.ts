// What a refresh changed: months added, months revised (with their differences), months
// whose outcomes moved. Pure: feeds the validation gate, the change log and the commit message.
import { isDeepStrictEqual } from 'node:util';
import type { CrimeType } from '../src/shared/constants.ts';
import type {
  ChangeEntry,
  ChangeLog,
  ResidentsChanged,
  RevisedMonth,
} from '../src/shared/change-log.ts';
import type { MonthProvenance, SiteData } from '../src/shared/schema.ts';
import { monthList, sourceLabel } from '../src/shared/months.ts';
import { oneLine, quoteOutside } from './log-safe.ts';

import { formatSigned } from './report.ts';

/** The most of an approval's reason, or of who gave it, the commit message quotes. */
const REASON_QUOTED = 500;
const APPROVER_QUOTED = 100;

export interface MonthChange {
  month: string;
  before: MonthProvenance;
  after: MonthProvenance;
  /** (after.rows - before.rows) / before.rows */
  fraction: number;
  /** police.uk published newer data for the month (a newer archive, or archive for API). */
  newSnapshot: boolean;
  byType: RevisedMonth['byType'];
  /** The codes of the wards whose counts changed, in `next`'s order, then those it lacks. */
  wards: string[];
}

/** Months new in `next` and months whose figures differ from `previous`. */
export function diffMonths(
  previous: SiteData | null,
  next: SiteData,
): { added: string[]; revised: MonthChange[] } {
  if (!previous) return { added: [...next.months], revised: [] };
  const before = new Set(previous.months);
  const added = next.months.filter((m) => !before.has(m));
  const revised: MonthChange[] = [];
  next.months.forEach((month, j) => {
    const i = previous.months.indexOf(month);
    const was = previous.provenance[i];
    const now = next.provenance[j];
    if (i < 0 || !was || !now) return;
    const oldCounts = wardCounts(previous, i);
    const newCounts = wardCounts(next, j);
    if (was.rows === now.rows && isDeepStrictEqual(oldCounts, newCounts)) return;
    revised.push({
      month,
      before: was,
      after: now,
      fraction: was.rows === 0 ? 1 : (now.rows - was.rows) / was.rows,
      newSnapshot: isNewerSource(was, now),
      byType: typeDifferences(previous, oldCounts, newCounts),
      wards: [...new Set([...Object.keys(newCounts), ...Object.keys(oldCounts)])].filter(
        (code) => !isDeepStrictEqual(oldCounts[code], newCounts[code]),
      ),
    });
  });
  return { added, revised };
}

/**
 * Whether `after` is data police.uk published later than `before`. Archives are named after
 * their newest month ("2025-04.zip", "archive:2025-04"), so a later name is a newer archive;
 * otherwise (API snapshots, a change of kind) the one fetched later is newer.
 */
export function isNewerSource(
  before: Pick<MonthProvenance, 'source' | 'snapshot' | 'fetchedAt'>,
  after: Pick<MonthProvenance, 'source' | 'snapshot' | 'fetchedAt'>,
): boolean {
  if (before.source === after.source && before.snapshot === after.snapshot) return false;
  const archiveMonth = (p: typeof before) =>
    p.source === 'archive' ? /\b(\d{4}-\d{2})\b/.exec(p.snapshot)?.[1] : undefined;
  const [a, b] = [archiveMonth(before), archiveMonth(after)];
  if (a !== undefined && b !== undefined) return b > a;
  return after.fetchedAt > before.fetchedAt;
}

/** One month's counts by ward code (ward order may differ between builds). */
function wardCounts(data: SiteData, monthIndex: number): Record<string, number[]> {
  return Object.fromEntries(
    data.wards.map((ward, w) => [ward.code, data.counts[w]?.[monthIndex] ?? []]),
  );
}

function typeDifferences(
  data: SiteData,
  before: Record<string, number[]>,
  after: Record<string, number[]>,
): RevisedMonth['byType'] {
  const total = (counts: Record<string, number[]>, t: number) =>
    Object.values(counts).reduce((sum, c) => sum + (c[t] ?? 0), 0);
  return data.crimeTypes
    .map((type: CrimeType, t) => ({ type, before: total(before, t), after: total(after, t) }))
    .filter((d) => d.before !== d.after);
}

/** One month's outcome counts keyed "wardCode|outcome", zeros left out. */
function monthOutcomes(data: SiteData, monthIndex: number): Record<string, number> {
  const entries: [string, number][] = [];
  data.wards.forEach((ward, w) => {
    data.outcomeCategories.forEach((outcome, o) => {
      const n = data.outcomes[w]?.[monthIndex]?.[o] ?? 0;
      if (n > 0) entries.push([`${ward.code}|${outcome}`, n]);
    });
  });
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}

/** The site data without what changes on every run even when the data does not. */
function content(data: SiteData): unknown {
  return {
    ...data,
    generatedAt: undefined,
    provenance: data.provenance.map((p) => ({ ...p, fetchedAt: undefined })),
  };
}

/**
 * The change-log entry for publishing `next` over `previous`, or null when nothing but
 * timestamps differ (a refresh that found nothing new publishes nothing).
 */
export function changeEntry(previous: SiteData | null, next: SiteData): ChangeEntry | null {
  if (previous && isDeepStrictEqual(content(previous), content(next))) return null;
  const { added, revised } = diffMonths(previous, next);
  const revisedMonths = new Set(revised.map((r) => r.month));
  const outcomesUpdated = previous
    ? next.months.filter((month, j) => {
        const i = previous.months.indexOf(month);
        return (
          i >= 0 &&
          !revisedMonths.has(month) &&
          !isDeepStrictEqual(monthOutcomes(previous, i), monthOutcomes(next, j))
        );
      })
    : [];
  const removed = previous ? previous.months.filter((month) => !next.months.includes(month)) : [];
  const residents = previous ? residentsChanged(previous, next) : null;
  const provenanceOf = (month: string) =>
    next.provenance.find((p) => p.month === month) as MonthProvenance;
  return {
    refreshedAt: next.generatedAt,
    dataTo: next.months.at(-1) as string,
    added: added.map((month) => {
      const { source, snapshot, rows } = provenanceOf(month);
      return { month, rows, source, snapshot };
    }),
    revised: revised.map(({ month, before, after, byType, wards }) => ({
      month,
      before: { source: before.source, snapshot: before.snapshot, rows: before.rows },
      after: { source: after.source, snapshot: after.snapshot, rows: after.rows },
      byType,
      wards,
    })),
    outcomesUpdated,
    ...(removed.length > 0 ? { removed } : {}),
    ...(residents ? { residents } : {}),
  };
}

/**
 * The residents of the district and of each ward that differ between two builds (the ward's
 * name as `next` has it), its residents in the centre among them, and the wards one build has
 * and the other lacks; null when none do. Residents change only with the reference data (or
 * the centre), which a commit of its own changes first; the change log says which rates moved
 * with them.
 */
function residentsChanged(previous: SiteData, next: SiteData): ResidentsChanged | null {
  const before = new Map(previous.wards.map((ward) => [ward.code, ward]));
  const codes = new Set(next.wards.map((ward) => ward.code));
  const wards = next.wards.flatMap((ward) => {
    const was = before.get(ward.code);
    if (
      was === undefined ||
      (was.population === ward.population && was.cityCentreResidents === ward.cityCentreResidents)
    ) {
      return [];
    }
    return [
      {
        code: ward.code,
        name: ward.name,
        before: was.population,
        after: ward.population,
        ...(was.cityCentreResidents === ward.cityCentreResidents
          ? {}
          : { centre: { before: was.cityCentreResidents, after: ward.cityCentreResidents } }),
      },
    ];
  });
  const withResidents = (ward: SiteData['wards'][number]) => ({
    code: ward.code,
    name: ward.name,
    residents: ward.population,
  });
  const wardsAdded = next.wards.filter((ward) => !before.has(ward.code)).map(withResidents);
  const wardsRemoved = previous.wards.filter((ward) => !codes.has(ward.code)).map(withResidents);
  const district =
    previous.districtPopulation === next.districtPopulation
      ? undefined
      : { before: previous.districtPopulation, after: next.districtPopulation };
  if (
    wards.length === 0 &&
    district === undefined &&
    wardsAdded.length === 0 &&
    wardsRemoved.length === 0
  ) {
    return null;
  }
  return {
    ...(district ? { district } : {}),
    wards,
    ...(wardsAdded.length > 0 ? { wardsAdded } : {}),
    ...(wardsRemoved.length > 0 ? { wardsRemoved } : {}),
  };
}

/**
 * The log with `entry` first. Every entry before it stays, even one with the same refreshedAt
 * or the same content: generatedAt is the newest month's fetchedAt, so a refresh that
 * downloaded nothing new (the pipeline or its reference data changed) shares it with the
 * refresh before, and two such refreshes that only recalculated derived figures record the
 * same entry. The commit step builds on the log committed at HEAD, so a commit step run again
 * after its commit failed does not find its own entry there.
 */
export function recordChange(log: ChangeLog, entry: ChangeEntry): ChangeLog {
  return { ...log, entries: [entry, ...log.entries] };
}

/**
 * The data commit's message: the subject names the months added and revised; the body says
 * what changed in each, then the exceptions a person approved (each approval's month, reason
 * and approver, and the gate's findings it let through), then the validation gate's `notes`
 * (what it passed but could not judge, or asks a person to check), so the commit that
 * published the data says so. Text from outside (a reason, a finding quoting the data) is
 * quoted or kept to one line, inert (log-safe.ts), as it cannot then forge a line of its own.
 * `district`: the district another area's data is of (area.json's localAuthority.name), which
 * the subject names first, as one repository holds several districts' data commits; none for
 * the default district, whose commits read as they always have.
 */
export function commitMessage(
  entry: ChangeEntry,
  notes: readonly string[] = [],
  district?: string,
): string {
  const parts: string[] = [];
  if (entry.added.length > 0) parts.push(`add ${monthList(entry.added.map((a) => a.month))}`);
  if (entry.revised.length > 0)
    parts.push(`revise ${monthList(entry.revised.map((r) => r.month))}`);
  const removed = entry.removed ?? [];
  if (removed.length > 0) parts.push(`remove ${monthList(removed)}`);
  if (parts.length === 0 && entry.outcomesUpdated.length > 0) {
    parts.push(`update outcomes of ${monthList(entry.outcomesUpdated)}`);
  }
  if (parts.length === 0 && entry.residents) parts.push('update residents and rates');
  if (parts.length === 0) parts.push('update derived figures');
  const body: string[] = [];
  for (const a of entry.added) {
    body.push(`Added ${a.month}: ${a.rows} crimes from ${sourceLabel(a)}.`);
  }
  for (const r of entry.revised) {
    const types = r.byType.map((t) => `${t.type} ${formatSigned(t.after - t.before)}`).join(', ');
    body.push(
      `Revised ${r.month}: ${r.before.rows} -> ${r.after.rows} crimes ` +
        `(${formatSigned(r.after.rows - r.before.rows)}), ${sourceLabel(r.before)} -> ${sourceLabel(r.after)}` +
        (types ? `; ${types}.` : '.'),
    );
  }
  if (removed.length > 0)
    body.push(`Removed ${removed.join(', ')}: published before, not any more.`);
  if (entry.outcomesUpdated.length > 0) {
    body.push(`Outcomes updated: ${entry.outcomesUpdated.join(', ')}.`);
  }
  if (entry.residents) body.push(residentsLine(entry.residents));
  const exceptions = entry.exceptions ?? [];
  if (exceptions.length > 0) {
    body.push('', 'The validation refused these findings, and a person approved them:');
    for (const e of exceptions) {
      const by =
        e.approvedBy === undefined ? '' : ` by ${quoteOutside(e.approvedBy, APPROVER_QUOTED)}`;
      body.push(`Approved for ${e.month}${by}: ${quoteOutside(e.reason, REASON_QUOTED)}.`);
      for (const finding of e.findings) body.push(`Finding let through: ${oneLine(finding)}.`);
    }
  }
  if (notes.length > 0) {
    body.push('', 'The validation passed the data with these notes: check them.');
    for (const note of notes) body.push(`Note: ${oneLine(note)}.`);
  }
  const data = district === undefined ? 'Data' : `${oneLine(district)} data`;
  return `${data} to ${entry.dataTo}: ${parts.join('; ')}\n\n${body.join('\n')}\n`;
}

/** The commit message's line for residents that changed. */
function residentsLine({ district, wards, wardsAdded, wardsRemoved }: ResidentsChanged): string {
  const changes = [
    ...(district ? [`the district ${district.before} -> ${district.after}`] : []),
    ...wards.map(
      (w) =>
        `${w.name} (${w.code}) ${w.before} -> ${w.after}` +
        (w.centre ? `, in the centre ${w.centre.before} -> ${w.centre.after}` : ''),
    ),
    ...(wardsAdded ?? []).map((w) => `new ward ${w.name} (${w.code}) ${w.residents}`),
    ...(wardsRemoved ?? []).map((w) => `ward gone ${w.name} (${w.code}) ${w.residents}`),
  ];
  return `Residents changed with the reference data, and every rate with them: ${changes.join('; ')}.`;
}
