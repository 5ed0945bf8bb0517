// The README's benchmark table, written from a results.json so the figures there are never
// typed by hand: `npx node bench/summary.ts [bench/results.json]`.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { printFailure } from '../pipeline/command-failure.ts';
import { REPO_ROOT } from './paths.ts';
import { OUTCOMES_SCENARIO } from './outcomes-files.ts';
import type { Results } from './run.ts';
import { errorMessage } from '../src/shared/error-message.ts';
import { formatCount } from '../src/shared/format-count.ts';

/** A Markdown table of every target with its result, and the machine and input it came from. */
export function markdownSummary(results: Results): string {
  const m = results.machine;
  const lines = [
    `Measured ${results.date.slice(0, 10)}${results.commit ? ` at commit ${results.commit}` : ''} ` +
      `on ${m.cpu} (${m.cores} cores, ${m.memoryGiB} GiB), ${m.os}, Node ${m.node}; ` +
      `input: ${results.input.months} synthetic months, ${formatCount(results.input.rows)} rows ` +
      `(${formatCount(results.input.leeds)} in Leeds). Medians; the full figures ` +
      '(min, max, per step, per kind of change) are in `bench/results.json`.',
    '',
    '| Measure | Result | Target | |',
    '| --- | ---: | --- | --- |',
    ...results.targets.map(
      (t) =>
        `| ${t.label} | ${t.value === null ? 'not measured' : `${t.value} ${t.unit}`} | ${t.target.replace(/^<= /, 'at most ').replace(/^< /, 'under ')} | ${t.text} |`,
    ),
  ];
  const steal = results.pipeline?.stealMs;
  if (steal) {
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    lines.push(
      '',
      `CPU time the hypervisor gave to other machines during the full runs (steal, ` +
        `\`bench/steal.ts\`): ${s(steal.median)} (min ${s(steal.min)}, max ${s(steal.max)}, ` +
        `${steal.n} runs). Runs with more steal are slower whatever the code.`,
    );
  }
  const a = results.areas;
  if (a) {
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    lines.push(
      '',
      `Two districts in one run (\`--area ${a.areas.join(',')}\`, the input plus Sheffield's ` +
        `sample): ${a.together.forceFiles} force files read, each at most ` +
        `${a.together.maxReadsPerFile} time(s), in ${s(a.together.wallMs.median)}; a run for ` +
        `each took ${s(a.alone.wallMs.median)} together (CPU: ${s(a.together.cpuMs.median)} ` +
        `against ${s(a.alone.cpuMs.median)}) and read force files ${a.alone.reads} times ` +
        `(${a.alone.filesReadTwice} file(s) by both).`,
    );
  }
  const withOutcomes = results.incremental?.scenarios[OUTCOMES_SCENARIO];
  if (withOutcomes) {
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const rows = results.incremental?.outcomeRows;
    lines.push(
      '',
      `Incremental month with an outcomes file a month (not judged: the targets' input has ` +
        `none; \`bench/outcomes-files.ts\`${rows ? `, ${formatCount(rows)} outcome rows in all` : ''}): ` +
        `${s(withOutcomes.wallMs.median)} (min ${s(withOutcomes.wallMs.min)}, max ` +
        `${s(withOutcomes.wallMs.max)}), CPU ${s(withOutcomes.cpuMs.median)}, peak ` +
        `${withOutcomes.maxRssMiB.median.toFixed(0)} MiB, ${withOutcomes.monthsFromCache} of ` +
        `${withOutcomes.months} months from the cache; the new outcomes file revises crimes of ` +
        `the 11 months before it, which are processed again.`,
    );
  }
  const b = results.browser;
  // Results written before the changes were measured in several pages have no session list.
  if (b?.sessionP95Ms) {
    const ms = (list: readonly (number | null)[]) =>
      list.map((p) => p?.toFixed(1) ?? 'none redrawn').join(', ');
    lines.push(
      '',
      `Filter changes on the map page: ${b.allChangesMs.n} in ${b.sessions} fresh page(s), pooled ` +
        `for the figures above (p95 of work ${b.allChangesMs.p95.toFixed(1)} ms, input to painted ` +
        `frame ${b.allChangesTotalMs.p95.toFixed(1)} ms); each page's own p95: work ` +
        `${ms(b.sessionP95Ms.work)} ms, input to painted frame ${ms(b.sessionP95Ms.total)} ms.`,
    );
    // Results written before the input delay was measured have none.
    const delay = b.allChangesInputDelayMs;
    if (delay) {
      lines.push(
        '',
        `Both count from the input event, so both hold the browser's wait before it dispatches ` +
          `the event to the page (a pointer move waits for the next frame the browser makes): ` +
          `median ${delay.median.toFixed(1)} ms, p95 ${delay.p95.toFixed(1)} ms, max ` +
          `${delay.max.toFixed(1)} ms.`,
      );
    }
  }
  if (b?.slowLink) {
    const { link, interactiveMs: slow } = b.slowLink;
    lines.push(
      '',
      `Map page interactive on a ${link.downloadMbps} Mbit/s link with ${link.latencyMs} ms ` +
        `latency (Chromium's network emulation): ${slow.median.toFixed(0)} ms (min ` +
        `${slow.min.toFixed(0)}, max ${slow.max.toFixed(0)}, ${slow.n} loads), against ` +
        `${b.interactiveMs.median.toFixed(0)} ms on 127.0.0.1.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const file = process.argv[2] ?? path.join(REPO_ROOT, 'bench/results.json');
  const results = JSON.parse(await readFile(file, 'utf8')) as Results;
  process.stdout.write(markdownSummary(results));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    printFailure(`bench/summary.ts: ${errorMessage(error)}`, error);
    process.exit(1);
  });
}
