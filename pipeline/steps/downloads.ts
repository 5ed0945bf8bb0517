// Step: the records as one compressed CSV per year, with a manifest of rows, sizes and
// checksums (public/downloads/, src/data/downloads.json).
import { districtWords } from '../../src/shared/open-data.ts';
import { writeYearlyDownloads } from '../downloads.ts';
import { formatCount } from '../../src/shared/format-count.ts';
import type { LocalRun } from '../local-run.ts';
import type { Step } from '../run-context.ts';

export const downloadsStep: Step = {
  name: 'downloads',
  description: 'the records as one compressed CSV per year, with checksums (downloads/)',
  run: runDownloads,
};

async function runDownloads(ctx: LocalRun): Promise<string> {
  const months = (await ctx.months()).map((m) => ({
    month: m.plan.month,
    csv: m.csv,
    rows: m.summary.kept,
    pollingDistricts: m.summary.coverage.pollingDistrict,
  }));
  const { downloads, publishedDownloads } = ctx.paths;
  const { slug, siteName } = ctx.area.config;
  const { files } = await writeYearlyDownloads(
    months,
    ctx.staging,
    downloads,
    [downloads, publishedDownloads],
    { slug, siteName, words: districtWords(ctx.area.config) },
    ctx.paths.downloadsContentCache,
  );
  const bytes = files.reduce((n, f) => n + f.bytes, 0);
  return `${files.length} yearly file(s), ${formatCount(bytes)} bytes`;
}
