// The gate's comparisons of like with like. For every month already published, the new figures
// are compared with the published ones by month, by ward and by crime type: police.uk's
// routine revisions (a few crimes moved, re-coded or withdrawn) pass and are listed; anything
// larger, a ward or a crime type that vanishes, or a new month far outside its season is a
// finding that refuses the data until a person approves it (see approvals.ts). A newer
// snapshot explains nothing by itself: every new archive re-issues 36 months. Pure.
import type { SiteData } from '../src/shared/schema.ts';
import { ANTI_SOCIAL_BEHAVIOUR } from '../src/shared/constants.ts';
import { addMonths } from '../src/shared/months.ts';
import { figures, type MonthFigures } from './month-figures.ts';
import { formatSigned } from './report.ts';
import { implausibleMonth } from './sanity-check.ts';
import { NO_OUTCOME } from './summarise.ts';

/**
 * A published month's total may move by this fraction in a routine revision. police.uk's
 * re-issues move a month by well under 1% (late-recorded and withdrawn crimes); a lost file,
 * a lost API piece or a half-read archive moves it by 5% or more.
 */
export const MONTH_TOLERANCE = 0.02;
/**
 * A ward's or a crime type's count in a month may move by this much: a fraction of it, or a
 * few crimes for small counts (a type of 40 a month moving by 8 is noise, not a loss).
 */
export const CELL_TOLERANCE = { fraction: 0.1, crimes: 10 } as const;
/**
 * A new month's total must lie within the range of its reference months (the 12 before it and
 * the same month of the two years before) widened by this fraction. Leeds' months vary by
 * about 15% over a year; a month 40% below its quietest neighbour is a fault.
 */
export const SEASONAL_MARGIN = 0.25;
/** Reference months needed to judge a new month's season; with fewer it is not judged (noted). */
export const SEASONAL_MIN_REFERENCE = 2;
/** A ward, type or force that averaged at least this many crimes a month cannot fall to none. */
export const MIN_EXPECTED_PRESENT = 10;

export type ComparisonCheck =
  'revision' | 'missing-ward' | 'missing-type' | 'missing-force' | 'seasonal-range' | 'sanity';

export interface Finding {
  check: ComparisonCheck;
  /** The month the finding is about: an approval for that month can let it through. */
  month?: string;
  message: string;
}

/** A change within the tolerances: passes, and is listed. */
export interface RoutineRevision {
  month: string;
  before: number;
  after: number;
  /** Wards and types whose counts moved, "Armley -3". */
  details: string[];
}

/** What the data must hold whatever the build: the wards of the reference data and every type. */
export interface Expected {
  /** The district, as messages name it ("Sheffield"): area.json's localAuthority.name. */
  district: string;
  /** The ward boundaries the wards come from, as area.json names them (for messages). */
  wardsFile: string;
  wards: readonly { code: string; name: string }[];
  crimeTypes: readonly string[];
  /**
   * The places every kept row must have (validate.ts REQUIRED_COVERAGE when not given): no
   * postcode district for an area without a postcode reference, which leaves it empty.
   */
  coverage?: readonly ('ward' | 'lsoa' | 'postcodeDistrict')[];
}

function beyondCell(before: number, after: number): boolean {
  return (
    Math.abs(after - before) > Math.max(CELL_TOLERANCE.crimes, CELL_TOLERANCE.fraction * before)
  );
}

function change(before: number, after: number): string {
  const delta = after - before;
  const pct =
    before === 0 ? '' : `, ${delta > 0 ? '+' : ''}${((delta / before) * 100).toFixed(1)}%`;
  return `${before} -> ${after} crimes (${delta > 0 ? '+' : ''}${delta}${pct})`;
}

/**
 * The crimes the re-issued published months lost, each within its own tolerance, may add up to
 * this fraction of the crimes of the months that lost them, or to one month's own tolerance,
 * whichever is more. police.uk's re-issues move a month by well under 1% (late-recorded and
 * withdrawn crimes), and the months' losses together are a share of their crimes no larger
 * than the largest month's, so routine revisions stay under it; a loss spread thin (1-2% of
 * every re-issued month, each inside MONTH_TOLERANCE, its wards and types inside
 * CELL_TOLERANCE) adds up to thousands of crimes over a re-issue's 36 months and goes over it.
 * Of the months that lost crimes only: those a re-issue left as they were, or that gained
 * (the newest months, with their late-recorded crimes), would water it down.
 */
export const RUN_REVISION_TOLERANCE = 0.01;

/** Every published month compared with its new figures, by month, ward and type. */
export function compareRevisions(
  previous: SiteData,
  next: SiteData,
): { findings: Finding[]; routine: RoutineRevision[] } {
  const findings: Finding[] = [];
  const routine: RoutineRevision[] = [];
  const withinMonth: MonthExcess[] = [];
  const wardNames = new Map(
    [...previous.wards, ...next.wards].map((ward) => [ward.code, ward.name] as const),
  );
  for (const month of previous.months) {
    const was = figures(previous, month);
    const now = figures(next, month);
    if (!was || !now) continue; // a month that vanished is the missing-month check's.
    const found: Finding[] = [];
    const details: string[] = [];
    const fraction = was.total === 0 ? 1 : Math.abs(now.total - was.total) / was.total;
    if (fraction > MONTH_TOLERANCE) {
      found.push({
        check: 'revision',
        month,
        message:
          `${month}: the month went from ${change(was.total, now.total)}, beyond a routine ` +
          `revision (±${MONTH_TOLERANCE * 100}%)`,
      });
    }
    for (const [code, before] of was.byWard) {
      const after = now.byWard.get(code) ?? 0;
      const ward = `ward ${wardNames.get(code) ?? code} (${code})`;
      if (before > 0 && after === 0) {
        found.push({
          check: 'missing-ward',
          month,
          message: `${month}, ${ward}: ${change(before, 0)}: the ward has no crimes any more`,
        });
      } else if (beyondCell(before, after)) {
        found.push({
          check: 'revision',
          month,
          message: `${month}, ${ward}: ${change(before, after)}, beyond a routine revision (±${CELL_TOLERANCE.crimes} crimes or ±${CELL_TOLERANCE.fraction * 100}%)`,
        });
      } else if (before !== after) {
        details.push(`${wardNames.get(code) ?? code} ${formatSigned(after - before)}`);
      }
    }
    for (const [type, before] of was.byType) {
      const after = now.byType.get(type) ?? 0;
      if (before > 0 && after === 0) {
        found.push({
          check: 'missing-type',
          month,
          message: `${month}, crime type "${type}": ${change(before, 0)}: the type has no crimes any more`,
        });
      } else if (beyondCell(before, after)) {
        found.push({
          check: 'revision',
          month,
          message: `${month}, crime type "${type}": ${change(before, after)}, beyond a routine revision (±${CELL_TOLERANCE.crimes} crimes or ±${CELL_TOLERANCE.fraction * 100}%)`,
        });
      } else if (before !== after) {
        details.push(`${type} ${formatSigned(after - before)}`);
      }
    }
    // A month from the API on either side cannot be told apart by force (month-figures.ts);
    // with one force, its change is the month's, so forces are listed only when there are more.
    const forceCount = new Set([...(was.byForce?.keys() ?? []), ...(now.byForce?.keys() ?? [])])
      .size;
    for (const [force, before] of now.byForce === null ? [] : (was.byForce ?? [])) {
      const after = now.byForce?.get(force) ?? 0;
      // A force falling to none is refused however few its crimes, as a ward or a type is:
      // its file is gone from the month, whatever it held.
      if ((before > 0 && after === 0) || beyondCell(before, after)) {
        // A force's rows come from its own file (British Transport Police's beside the
        // territorial force's): a re-issue without it takes them all, about 1% of a month,
        // within the month's routine tolerance.
        found.push({
          check: after === 0 ? 'missing-force' : 'revision',
          month,
          message:
            `${month}, crimes reported by ${force}: ${change(before, after)}` +
            (after === 0
              ? ': the force has no crimes in the month any more (is its file missing?)'
              : `, beyond a routine revision (±${CELL_TOLERANCE.crimes} crimes or ±${CELL_TOLERANCE.fraction * 100}%)`),
        });
      } else if (before !== after && forceCount > 1) {
        details.push(`${force} ${formatSigned(after - before)}`);
      }
    }
    findings.push(...found);
    if (found.length === 0 && details.length > 0) {
      routine.push({ month, before: was.total, after: now.total, details });
    }
    if (found.length === 0 && (details.length > 0 || now.total !== was.total)) {
      withinMonth.push({
        month,
        excess: Math.max(0, was.total - now.total),
        crimes: was.total,
        tolerance: MONTH_TOLERANCE * was.total,
      });
    }
  }
  const spread = spreadBeyond(withinMonth, RUN_REVISION_TOLERANCE, '-');
  if (spread) {
    findings.push({
      check: 'revision',
      month: spread.most,
      message:
        `the published months lost ${spread.excess} crimes over ${spread.months} of the ` +
        `${spread.of} months revised each within a routine revision (most: ` +
        `${spread.named}), beyond a routine revision of the ${spread.months} together ` +
        `(${spread.tolerance}): police.uk's ` +
        're-issues move a month by well under 1%, so crimes were lost a few in every month, ' +
        "as when part of each month's street files is missing or cannot be read, or the " +
        "district's boundaries lost their edges. Check the run's notes and each month's rows " +
        'dropped, then download the months again; if police.uk did withdraw these crimes, ' +
        `approve ${spread.most} (the month that lost most) to publish them.`,
    });
  }
  return { findings, routine };
}

/** The outcome a crime has until an outcome is recorded for it. */
export const PENDING_OUTCOME = 'Under investigation';

/**
 * The outcomes that are no recorded outcome: awaiting one, or none given (anti-social
 * behaviour, and every crime whose street file's Last outcome category is empty and whose
 * outcomes file lists nothing for it).
 */
export const UNRECORDED_OUTCOMES = [PENDING_OUTCOME, NO_OUTCOME] as const;

/**
 * The crimes of `month` by each of UNRECORDED_OUTCOMES, in its order, or undefined when the
 * month is not there.
 */
function unrecordedOutcomes(data: SiteData, month: string): number[] | undefined {
  const m = data.months.indexOf(month);
  if (m < 0) return undefined;
  return UNRECORDED_OUTCOMES.map((outcome) => {
    const o = data.outcomeCategories.indexOf(outcome);
    return o < 0 ? 0 : data.outcomes.reduce((sum, byMonth) => sum + (byMonth[m]?.[o] ?? 0), 0);
  });
}

function total(counts: readonly number[]): number {
  return counts.reduce((a, b) => a + b, 0);
}

/**
 * The crimes without a recorded outcome of the published months a re-issue changed may rise
 * together beyond the crimes added to them by this fraction of their crimes, or by as much as
 * one of them may on its own (a routine revision of the month), whichever is more. Outcomes only move on from
 * these, so a routine re-issue leaves only what a month's net gain hides: crimes withdrawn
 * with an outcome while as many late ones were added, a small part of a re-issue's movement
 * (well under 1% of a month). A loss spread thin stays under each month's own tolerance: an
 * outcomes file missing from a re-issue takes back outcomes recorded for crimes of many
 * earlier months, and British Transport Police's outcomes are about 1% of a Leeds month.
 * So may the crimes of the new archive months that came without an outcome (of which the real
 * months of both samples have none): a backfill's months each with a few.
 */
export const RUN_OUTCOME_TOLERANCE = 0.0025;
/** The months that rose most, named in the run-wide finding. */
const RUN_OUTCOME_MONTHS_NAMED = 5;

/**
 * Every published month's crimes without a recorded outcome (UNRECORDED_OUTCOMES), against
 * the new figures. Outcomes only move on from "Under investigation", a recorded outcome is
 * never taken back to none, and the crimes added to a month in a revision (late-recorded)
 * start without one: a rise beyond those, and beyond a routine revision of the month, means
 * outcome records were lost, e.g. an outcomes file missing from a re-issue (its crimes fall
 * back to the street file's Last outcome category) or a street file whose Last outcome
 * category came empty (every crime "No outcome recorded"), which leave the counts by ward and
 * type as they were. Either way, or both, is the one loss. The months within their own
 * tolerance are then judged together (RUN_OUTCOME_TOLERANCE): each one's rise beyond its
 * crimes added, where it rose, so outcomes recorded in one month never hide those lost in
 * another.
 */
export function compareOutcomes(previous: SiteData, next: SiteData): Finding[] {
  const findings: Finding[] = [];
  const withinMonth: MonthExcess[] = [];
  for (const month of previous.months) {
    const before = unrecordedOutcomes(previous, month);
    const after = unrecordedOutcomes(next, month);
    const was = figures(previous, month);
    const now = figures(next, month);
    if (before === undefined || after === undefined || !was || !now) continue;
    const [wasTotal, nowTotal] = [total(before), total(after)];
    const added = Math.max(0, now.total - was.total);
    const tolerance = Math.max(CELL_TOLERANCE.crimes, MONTH_TOLERANCE * was.total);
    const rise = nowTotal - wasTotal - added;
    if (rise <= tolerance) {
      // Judged with the others where it rose (spreadBeyond): a month left as it was, as the
      // months since 2018 that no re-issue brings any more are, neither rose nor counts as
      // revised.
      if (now.total !== was.total || nowTotal !== wasTotal) {
        withinMonth.push({ month, excess: Math.max(0, rise), crimes: was.total, tolerance });
      }
      continue;
    }
    const each = UNRECORDED_OUTCOMES.map(
      (outcome, i) => `"${outcome}" ${before[i]} -> ${after[i]}`,
    ).join(', ');
    findings.push({
      check: 'revision',
      month,
      message:
        `${month}: crimes without a recorded outcome went from ${change(wasTotal, nowTotal)} ` +
        `(${each}) while the month gained ${added}, beyond a routine revision ` +
        `(±${CELL_TOLERANCE.crimes} crimes or ±${MONTH_TOLERANCE * 100}% of the month): ` +
        'outcomes only move on from these, so recorded outcomes were lost. Check that the ' +
        "month's outcomes file is there and that its street file gives each crime's Last " +
        'outcome category, then download the month again.',
    });
  }
  const spread = spreadOutcomeLoss(withinMonth);
  return spread ? [...findings, spread] : findings;
}

/** A month within its own tolerance: by how much it went the wrong way, of its crimes. */
interface MonthExcess {
  month: string;
  /** Crimes beyond what the month explains (none where it went the right way). */
  excess: number;
  crimes: number;
  /** The month's own tolerance. */
  tolerance: number;
}

/**
 * The months each within their own tolerance, judged together: the excesses of those that went
 * the wrong way against `fraction` of those months' crimes, or the largest such month's own
 * tolerance; undefined within it. Months that went the right way (crimes gained, outcomes
 * recorded) or not at all count for neither: they would raise the tolerance by their crimes and
 * so let the others lose more. Else the total, the tolerance, the months that went the wrong
 * way of how many judged, the month with most (an approval of it lets the finding through)
 * and the months with most in words, each excess with `sign` ("2025-02 +120, 2024-03 +90").
 */
function spreadBeyond(
  months: readonly MonthExcess[],
  fraction = RUN_OUTCOME_TOLERANCE,
  sign: '+' | '-' = '+',
) {
  const over = months.filter((m) => m.excess > 0).sort((a, b) => b.excess - a.excess);
  const excess = total(over.map((m) => m.excess));
  const crimes = total(over.map((m) => m.crimes));
  const tolerance = Math.max(
    Math.round(fraction * crimes),
    ...over.map((m) => Math.floor(m.tolerance)),
  );
  if (excess <= tolerance) return undefined;
  const named = over.slice(0, RUN_OUTCOME_MONTHS_NAMED).map((m) => `${m.month} ${sign}${m.excess}`);
  const others = over.length - named.length;
  return {
    excess,
    months: over.length,
    of: months.length,
    most: (over[0] as MonthExcess).month,
    named: `${named.join(', ')}${others > 0 ? `, and ${others} more` : ''}`,
    tolerance:
      `at most ${tolerance} crimes: ${fraction * 100}% of their ${crimes}, or one ` +
      "month's own tolerance, whichever is more",
  };
}

/** The published months within their own tolerance whose outcomes went, judged together. */
function spreadOutcomeLoss(months: readonly MonthExcess[]): Finding | undefined {
  const spread = spreadBeyond(months);
  if (!spread) return undefined;
  return {
    check: 'revision',
    month: spread.most,
    message:
      `crimes without a recorded outcome rose by ${spread.excess} beyond the crimes added, over ` +
      `${spread.months} of the ${spread.of} published months revised, each within a ` +
      `routine revision (most: ${spread.named}), beyond a routine revision of the ` +
      `${spread.months} together (${spread.tolerance}): outcomes only move on from these, ` +
      'so recorded outcomes were lost a few in each month, as when an outcomes file (one ' +
      "month's, or one force's such as British Transport Police's) is missing from the " +
      "re-issue. Check that the archive holds every month's outcomes file of every force, " +
      `then download it again; if police.uk did take these outcomes back, approve ${spread.most} ` +
      '(the month that rose most) to publish them.',
  };
}

/**
 * New archive months whose crimes came without an outcome. police.uk's street files give every
 * crime a Last outcome category ("Under investigation" until one is recorded); only
 * anti-social behaviour has none. More crimes than a routine few with "No outcome recorded"
 * means the month's street file came with that column empty, and no outcomes file listed them:
 * the counts by ward and type are whole, so nothing else sees it, and compareOutcomes judges
 * a month only once it is published (a re-issue that gives the outcomes back passes, as
 * outcomes move on), so the month would be published without its outcomes until then. An API
 * month is not judged: its outcomes come from the API's outcome status, not the street file's
 * column, and the samples hold none to tell what share of its crimes routinely lack one.
 */
export function checkNewMonthOutcomes(next: SiteData, added: readonly string[]): Finding[] {
  const antisocial = next.crimeTypes.indexOf(ANTI_SOCIAL_BEHAVIOUR);
  const given = next.outcomeCategories.flatMap((c, o) => (c === NO_OUTCOME ? [] : [o]));
  const findings: Finding[] = [];
  const withinMonth: MonthExcess[] = [];
  for (const month of added) {
    const m = next.months.indexOf(month);
    const provenance = next.provenance[m];
    if (m < 0 || provenance?.source !== 'archive') continue;
    const asb = next.counts.reduce((n, byMonth) => n + (byMonth[m]?.[antisocial] ?? 0), 0);
    const crimes = provenance.rows - asb;
    // Those with a category, recorded or awaiting one: the others have none.
    const withCategory = next.outcomes.reduce(
      (n, byMonth) => n + given.reduce((k, o) => k + (byMonth[m]?.[o] ?? 0), 0),
      0,
    );
    const withoutOutcome = crimes - withCategory;
    const tolerance = Math.max(CELL_TOLERANCE.crimes, MONTH_TOLERANCE * crimes);
    if (withoutOutcome <= tolerance) {
      withinMonth.push({ month, excess: Math.max(0, withoutOutcome), crimes, tolerance });
      continue;
    }
    findings.push({
      check: 'sanity',
      month,
      message:
        `${month} (new): ${withoutOutcome} of its ${crimes} crimes (anti-social behaviour ` +
        `aside) have "${NO_OUTCOME}", beyond a few (±${CELL_TOLERANCE.crimes} crimes or ` +
        `±${MONTH_TOLERANCE * 100}%): police.uk's street files give every crime a Last ` +
        `outcome category ("${PENDING_OUTCOME}" until one is recorded), so the month's ` +
        `street file (from ${provenance.snapshot}) came with that column empty. Check the file, ` +
        'then download the month again.',
    });
  }
  // A few in each of many new months (a backfill): one force's street files, such as British
  // Transport Police's (about 1% of a Leeds month), with the column empty.
  const spread = spreadBeyond(withinMonth);
  if (spread) {
    findings.push({
      check: 'sanity',
      month: spread.most,
      message:
        `${spread.excess} crimes (anti-social behaviour aside) of ${spread.months} of the ` +
        `${spread.of} new months that each have a few have "${NO_OUTCOME}" (most: ` +
        `${spread.named}), beyond a few of those ${spread.months} together (${spread.tolerance}): ` +
        "police.uk's street files give every crime a Last outcome category, so street files " +
        "of these months came with that column empty, as one force's would (British " +
        "Transport Police's). Check the months' street files, then download them again; " +
        `if police.uk did publish them so, approve ${spread.most} (the month with most).`,
    });
  }
  return findings;
}

/** A month's reference months: the 12 before it and the same month of the two years before. */
function referenceMonths(month: string): string[] {
  return [
    ...Array.from({ length: 12 }, (_, i) => addMonths(month, -(i + 1))),
    addMonths(month, -24),
    addMonths(month, -36),
  ];
}

/**
 * New months against their season: the total within the range of the reference months, and
 * no ward or type that is always present falling to none. The reference months are the
 * published ones; a new month with fewer than SEASONAL_MIN_REFERENCE of them (a backfill: the
 * first live run adds every month since the first month setting) is judged on its own as a
 * first build's months are (implausibleMonth), and against the run's other new months among
 * its reference months, so one short month among many is still found. Returns notes for
 * what could not be judged.
 */
export function checkNewMonths(
  previous: SiteData,
  next: SiteData,
  added: readonly string[],
  expected: Pick<Expected, 'district'>,
): { findings: Finding[]; notes: string[] } {
  const findings: Finding[] = [];
  const notes: string[] = [];
  const newMonths = new Set(added);
  const known = (month: string): SiteData | undefined =>
    previous.months.includes(month)
      ? previous
      : next.months.includes(month) && !newMonths.has(month)
        ? next
        : undefined;
  for (const month of added) {
    const now = figures(next, month);
    if (!now) continue;
    const candidates = referenceMonths(month);
    const published = candidates.flatMap((m) => {
      const data = known(m);
      const f = data && figures(data, m);
      return f ? [{ month: m, ...f }] : [];
    });
    let reference = published;
    if (published.length < SEASONAL_MIN_REFERENCE) {
      findings.push(
        ...implausibleMonth(next, month, expected, 'new, with too few published months to compare'),
      );
      const fromRun = candidates.flatMap((m) => {
        const f = newMonths.has(m) ? figures(next, m) : undefined;
        return f ? [{ month: m, ...f }] : [];
      });
      reference = [...published, ...fromRun];
      if (reference.length < SEASONAL_MIN_REFERENCE) {
        notes.push(
          `${month} is new and has ${reference.length} reference month(s) (the 12 before it ` +
            'and the same month 1 and 2 years before, published or new in this run): its ' +
            'season is not judged, only its size for the district and its wards and types',
        );
        continue;
      }
      notes.push(
        `${month} is new and has ${published.length} published reference month(s): its season ` +
          `is judged against ${fromRun.length} month(s) new in this run too ` +
          `(${fromRun.map((r) => r.month).join(', ')})`,
      );
    }
    const totals = reference.map((r) => r.total);
    const quietest = Math.min(...totals);
    const busiest = Math.max(...totals);
    const low = Math.floor(quietest * (1 - SEASONAL_MARGIN));
    const high = Math.ceil(busiest * (1 + SEASONAL_MARGIN));
    const listed = reference.map((r) => `${r.month} ${r.total}`).join(', ');
    if (now.total < low || now.total > high) {
      findings.push({
        check: 'seasonal-range',
        month,
        message:
          `${month} (new): ${now.total} crimes, outside its seasonal range ${low} to ${high} ` +
          `(${listed}, ±${SEASONAL_MARGIN * 100}%)`,
      });
    } else if (now.total < quietest || now.total > busiest) {
      // Within the margin, so published; but a month part-published by police.uk looks like
      // this, so the report says so rather than passing it in silence.
      notes.push(
        `${month} is new with ${now.total} crimes, ${now.total < quietest ? 'below' : 'above'} ` +
          `every reference month (${quietest} to ${busiest}: ${listed}) though within ` +
          `±${SEASONAL_MARGIN * 100}% of them: check that police.uk's month is complete`,
      );
    }
    const mean = (pick: (f: MonthFigures) => number) =>
      reference.reduce((sum, r) => sum + pick(r), 0) / reference.length;
    for (const ward of next.wards) {
      const expected = mean((f) => f.byWard.get(ward.code) ?? 0);
      if (expected >= MIN_EXPECTED_PRESENT && (now.byWard.get(ward.code) ?? 0) === 0) {
        findings.push({
          check: 'missing-ward',
          month,
          message: `${month} (new), ward ${ward.name} (${ward.code}): 0 crimes, where it averaged ${Math.round(expected)} a month`,
        });
      }
    }
    for (const type of next.crimeTypes) {
      const expected = mean((f) => f.byType.get(type) ?? 0);
      if (expected >= MIN_EXPECTED_PRESENT && (now.byType.get(type) ?? 0) === 0) {
        findings.push({
          check: 'missing-type',
          month,
          message: `${month} (new), crime type "${type}": 0 crimes, where it averaged ${Math.round(expected)} a month`,
        });
      }
    }
    for (const { force, expected } of missingForces(now, reference)) {
      findings.push({
        check: 'missing-force',
        month,
        message: `${month} (new), crimes reported by ${force}: 0 crimes, where it averaged ${Math.round(expected)} a month (is its file missing?)`,
      });
    }
  }
  return { findings, notes };
}

/**
 * The forces that averaged MIN_EXPECTED_PRESENT crimes a month in the archive months of
 * `reference` and have none in `now`, with that average. By force only between archive
 * months: an API month's crimes carry no force, so none when `now` is one.
 */
function missingForces(
  now: MonthFigures,
  reference: readonly MonthFigures[],
): { force: string; expected: number }[] {
  const byForce = reference.flatMap((r) => (r.byForce === null ? [] : [r.byForce]));
  const forces = now.byForce === null ? [] : new Set(byForce.flatMap((f) => [...f.keys()]));
  return [...forces].flatMap((force) => {
    const expected = byForce.reduce((sum, f) => sum + (f.get(force) ?? 0), 0) / byForce.length;
    return expected >= MIN_EXPECTED_PRESENT && (now.byForce?.get(force) ?? 0) === 0
      ? [{ force, expected }]
      : [];
  });
}

/**
 * Published months from the API now taken from an archive, by force. compareRevisions cannot
 * compare them so (the API names every crime's force as the territorial one), so an archive
 * without a force's file (British Transport Police's, about 1% of a month, within the month's
 * routine tolerance) would replace the API month unseen: each force that averaged
 * MIN_EXPECTED_PRESENT crimes a month in the published archive months among its reference
 * months must have crimes in it, as a new month must.
 */
export function checkForcesAfterApi(previous: SiteData, next: SiteData): Finding[] {
  return previous.months.flatMap((month) => {
    const was = figures(previous, month);
    const now = figures(next, month);
    if (!was || !now || was.byForce !== null || now.byForce === null) return [];
    const reference = referenceMonths(month).flatMap((m) => figures(previous, m) ?? []);
    const snapshot = next.provenance[next.months.indexOf(month)]?.snapshot;
    return missingForces(now, reference).map(({ force, expected }) => ({
      check: 'missing-force' as const,
      month,
      message:
        `${month} (from the API before, from ${snapshot} now), crimes reported by ${force}: ` +
        `0 crimes, where it averaged ${Math.round(expected)} a month in its archive reference ` +
        'months (is its file missing?)',
    }));
  });
}
