// A scratch git repository holding the committed Leeds site data, for tests of the refresh's
// commit step, which publishes into the working tree and commits there: made before each test
// of the calling file and removed after.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { RefreshOptions } from '../../pipeline/refresh-steps.ts';
import { STEPS } from '../../pipeline/steps.ts';
import { wholeMonth } from './month-quality.ts';
import { committedSiteData } from './site-data.ts';

/** The staging folder of the refresh in the scratch repository. */
export const STAGE_DIR = 'data/refresh';

/**
 * Registers the scratch repository for the calling test file: its first commit publishes the
 * committed Leeds site data, an empty change log and what the gate reads (Leeds's area.json and
 * wards). Returns how to work in it.
 */
export function refreshRepository(prefix: string) {
  let root = '';
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  /** Write `value` as JSON at `file`, relative to the repository. */
  const write = (file: string, value: unknown) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), `${JSON.stringify(value, null, 2)}\n`);
  };
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), prefix));
    git('init', '--quiet');
    git('config', 'user.name', 'Refresh test');
    git('config', 'user.email', 'refresh@example.invalid');
    for (const file of ['data/areas/leeds/area.json', 'data/reference/wards.geojson']) {
      mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
      copyFileSync(file, path.join(root, file));
    }
    write('src/data/site-data.json', committedSiteData());
    write('src/data/changes.json', { schemaVersion: 1, entries: [] });
    git('add', '--all');
    git('commit', '--quiet', '-m', 'published');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  /** Make the repository's pre-commit hook refuse every commit (`refuse`) or let it be. */
  const preCommitHook = (refuse: boolean) => {
    const hook = path.join(root, '.git', 'hooks', 'pre-commit');
    const body = refuse ? 'echo "pre-commit: refused by the hook" >&2\nexit 1' : 'exit 0';
    writeFileSync(hook, `#!/bin/sh\n${body}\n`);
    chmodSync(hook, 0o755);
  };
  /**
   * Stage `siteData` in STAGE_DIR with the run summary a run of `steps` (names; every step by
   * default) writes beside it, as the pipeline step stages them: each month of the site data
   * accounted for as read and kept whole, every row placed.
   */
  const stageRun = (siteData: unknown, steps: readonly string[] = STEPS.map((s) => s.name)) => {
    write(`${STAGE_DIR}/site-data.json`, siteData);
    write(`${STAGE_DIR}/run-summary.json`, {
      months: wholeMonths(siteData),
      steps: steps.map((name, i) => ({ number: i + 1, name, ms: 0, result: '' })),
    });
  };
  return {
    /** The repository's working tree. */
    root: () => root,
    git,
    write,
    stageRun,
    preCommitHook,
    /** The refresh of Leeds in the repository, staging in STAGE_DIR, printing nothing. */
    options: (env: Record<string, string> = {}): RefreshOptions => ({
      root,
      stageDir: STAGE_DIR,
      pipelineArgs: [],
      env,
      log: () => {},
    }),
  };
}

/**
 * The run summary's accounting of each month of `siteData` (its provenance's rows): read and
 * kept whole, every row placed; none for data without provenance (a test's broken site data).
 */
function wholeMonths(siteData: unknown): object[] {
  const provenance = (siteData as { provenance?: unknown } | null)?.provenance;
  if (!Array.isArray(provenance)) return [];
  return provenance.map(({ month, rows }: { month: string; rows: number }) =>
    wholeMonth(month, rows),
  );
}
