// Step: ask postcodes.io about the snap points no LS postcode is near.
import { STREET_COLUMNS } from '../../src/shared/constants.ts';
import { coordinateKey } from '../../src/shared/coordinates.ts';
import { loadGeoContext } from '../geo-context.ts';
import type { Locator } from '../geo.ts';
import type { ArchiveEntry } from '../archive.ts';
import { loadInputs, type Inputs } from '../inputs.ts';
import type { MonthPlan } from '../merge.ts';
import { readMonthPostcodeGaps } from '../month-cache.ts';
import { monthKeys } from '../month-keys.ts';
import { normaliseArchiveRow, type Normalised } from '../normalise.ts';
import { monthRows } from '../process-month.ts';
import { filesToRead, readEachOnce } from '../read-once.ts';
import { formatCount } from '../../src/shared/format-count.ts';
import {
  DistrictError,
  geoFiles,
  planBytes,
  type NetworkStep,
  type RunContext,
} from '../run-context.ts';

export const postcodesStep: NetworkStep = {
  name: 'postcodes',
  description:
    "ask postcodes.io about snap points no listed postcode is near (parts of the district with other areas' postcodes, or far from every address)",
  network: true,
  run: async (ctx) => (await runPostcodes([ctx]))[0]!,
  runTogether: runPostcodes,
};

const NO_POSTCODE_LIST =
  'nothing asked: the area has no postcode reference, so postcode districts are left out';

/** A district with a postcode list: what it asks about, and the months it still has to read. */
interface District {
  ctx: RunContext;
  inputs: Inputs;
  locator: Locator;
  /** Snap points no listed postcode is near, by coordinate key. */
  gaps: Set<string>;
  toRead: MonthPlan[];
}

/**
 * For each district with a postcode list, find the snap points of every month to be
 * processed (archive and API months) that no listed postcode is near, and ask postcodes.io
 * about those it has not placed (new points, and those it answered no postcode near before:
 * see sources/postcodes.ts). A month in the month cache under its current key
 * (answers apart) keeps these points, so only the months not cached are read here: a monthly
 * run reads its new months, not every month. Cached months count too: an offline run may
 * have cached them with approximate districts, and their answers decide whether they stay
 * cached (month-cache.ts). A street file that several districts read is read once for all.
 * It reads the months the fetch step left and the reference alone; the answers it saves are
 * read by the local steps, whose geography is loaded after it.
 */
async function runPostcodes(contexts: readonly RunContext[]): Promise<string[]> {
  const districts: District[] = [];
  try {
    for (const ctx of contexts) {
      // Without a postcode reference postcode districts are left out, not looked up piecemeal.
      if (ctx.area.config.postcodes !== null) {
        districts.push(await ofDistrict(ctx, () => districtToAsk(ctx, contexts.length > 1)));
      }
    }
    await readMonths(districts);
    const summaries = new Map<RunContext, string>();
    for (const { ctx, gaps } of districts) {
      const points = [...gaps].map((key) => {
        const [lon = NaN, lat = NaN] = key.split(',').map(Number);
        return { lon, lat };
      });
      // The network client is loaded here: an offline run, which skips this step, never
      // loads it.
      const { runPostcodesStep } = await import('../sources/postcodes-step.ts');
      // A failure names the district's answer cache (in its own folder).
      const { summary } = await ofDistrict(ctx, () =>
        runPostcodesStep(points, ctx.options.fetch ?? {}, {
          cacheFile: ctx.paths.sources.postcodesCache,
          log: (message) => ctx.reporter.info(`  ${message}`),
        }),
      );
      summaries.set(ctx, summary);
    }
    return contexts.map((ctx) => summaries.get(ctx) ?? NO_POSTCODE_LIST);
  } finally {
    for (const { inputs } of districts) for (const archive of inputs.archives) archive.close();
  }
}

/** `run`'s result, or its failure as `ctx`'s district's. */
async function ofDistrict<T>(ctx: RunContext, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new DistrictError(ctx.area.config.slug, error);
  }
}

/**
 * A district's inputs and locator, with the points of its cached months and the months to
 * read; `several`: the run has several districts, so what it logs names this one.
 */
async function districtToAsk(ctx: RunContext, several: boolean): Promise<District> {
  const inputs = await loadInputs(ctx);
  try {
    // The notes (missing polling districts) are the local steps' to give.
    const geography = await loadGeoContext(geoFiles(ctx.paths, ctx.area), {
      note: () => {},
      reference: (await ctx.geography()).geography,
    });
    const keyOf = monthKeys(inputs, geography.fingerprint, ctx.district());
    const gaps = new Set<string>();
    const toRead: MonthPlan[] = [];
    for (const plan of inputs.choice.months) {
      const cached = await readMonthPostcodeGaps(ctx.paths.monthsCacheDir, plan.month, keyOf(plan));
      if (cached === null) toRead.push(plan);
      else for (const point of cached) gaps.add(point);
    }
    const from = inputs.choice.months.length - toRead.length;
    ctx.reporter.info(
      `  ${several ? `${ctx.area.config.slug}: ` : ''}` +
        `${from} month(s) from the month cache, ${toRead.length} to read`,
    );
    return { ctx, inputs, locator: geography.locator, gaps, toRead };
  } catch (error) {
    for (const archive of inputs.archives) archive.close();
    throw error;
  }
}

/**
 * Add to each district's gaps those of the months it has to read: an archive month's street
 * files read once for every district whose month holds them, an API month (one district's)
 * on its own.
 */
async function readMonths(districts: readonly District[]): Promise<void> {
  const archiveMonths = new Map<string, { district: District; entries: ArchiveEntry[] }[]>();
  const apiMonths: { district: District; plan: MonthPlan }[] = [];
  for (const district of districts) {
    for (const plan of district.toRead) {
      if (plan.source === 'api') {
        apiMonths.push({ district, plan });
        continue;
      }
      const parts = archiveMonths.get(plan.month) ?? [];
      parts.push({ district, entries: plan.entries });
      archiveMonths.set(plan.month, parts);
    }
  }
  const groups = [...archiveMonths.values()];
  if (groups.length + apiMonths.length === 0) return;
  const bytes =
    groups.reduce((sum, parts) => sum + filesToRead(parts.map((p) => p.entries)).bytes, 0) +
    apiMonths.reduce((sum, { plan }) => sum + planBytes(plan), 0);
  const progress = districts[0]!.ctx.reporter.progress(
    `coordinates of ${groups.length + apiMonths.length} month(s) not cached`,
    bytes,
  );
  const onBytes = (n: number) => progress.advance(n);
  // Unusable rows are dropped and counted by the months step; here they are only skipped.
  const add = (district: District, result: Normalised) => {
    if (!result.ok) return;
    const { longitude, latitude } = result.record;
    if (district.locator.locate(longitude, latitude)?.postcodeGap) {
      district.gaps.add(coordinateKey(longitude, latitude));
    }
  };
  for (const parts of groups) {
    await readEachOnce(
      parts.map((p) => p.entries),
      STREET_COLUMNS,
      (readers, _entries, { values }) => {
        const result = normaliseArchiveRow(values);
        for (const r of readers) add(parts[r]!.district, result);
        return undefined;
      },
      { onBytes },
    );
  }
  for (const { district, plan } of apiMonths) {
    await ofDistrict(district.ctx, async () => {
      for await (const { result } of monthRows(plan, onBytes)) add(district, result);
    });
  }
  progress.done(
    districts
      .map(
        ({ ctx, gaps }) =>
          `${districts.length > 1 ? `${ctx.area.config.slug}: ` : ''}` +
          `${formatCount(gaps.size)} snap point(s) no listed postcode is near`,
      )
      .join('; '),
  );
}
