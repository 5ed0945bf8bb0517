import { configDefaults, defineConfig } from 'vitest/config';

const BROWSER_TESTS = 'tests/browser/**/*.test.ts';
// Builds a site and drives Chromium like the browser tests, so it runs with them, not among
// the fast unit tests.
const BENCH_SMOKE_TEST = 'tests/bench/run.test.ts';
// Whole pipeline runs, the monthly refresh in a scratch repository, the network clients
// against the replay server and the benchmark input generator: seconds each, so they stay
// out of the fast unit subset (`npm run test:unit`).
const INTEGRATION_TESTS = [
  'tests/pipeline/add-area.test.ts',
  'tests/pipeline/approvals.test.ts',
  'tests/pipeline/area-cli.test.ts',
  'tests/pipeline/area-run.test.ts',
  'tests/site/area-site.test.ts',
  'tests/site/year-without-data.test.ts',
  'tests/site/last-change-pages.test.ts',
  'tests/site/uk-dates-pages.test.ts',
  'tests/site/map-data-version.test.ts',
  'tests/site/download-version.test.ts',
  'tests/site/share-image-version.test.ts',
  'tests/site/outputs-of-another-run.test.ts',
  'tests/site/small-counts.test.ts',
  'tests/site/quiet-centre-ward.test.ts',
  'tests/site/one-month.test.ts',
  'tests/pipeline/bench-slice-run.test.ts',
  'tests/pipeline/cli.test.ts',
  'tests/pipeline/crime-ids.test.ts',
  'tests/pipeline/inputs.test.ts',
  'tests/pipeline/interrupted-run.test.ts',
  'tests/pipeline/log-safe.test.ts',
  'tests/pipeline/month-folds-run.test.ts',
  'tests/pipeline/month-keys.test.ts',
  'tests/pipeline/month-worker-entry.test.ts',
  'tests/pipeline/steps/master-csv.test.ts',
  'tests/pipeline/refresh.test.ts',
  'tests/pipeline/refresh-areas.test.ts',
  'tests/pipeline/sources/**/*.test.ts',
  'tests/bench/generate.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 300_000,
    pool: 'forks',
    projects: [
      {
        // Pure modules and single stages on real fixtures: `npm run test:unit`.
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: [
            ...configDefaults.exclude,
            BROWSER_TESTS,
            BENCH_SMOKE_TEST,
            ...INTEGRATION_TESTS,
          ],
        },
      },
      {
        extends: true,
        test: { name: 'integration', include: INTEGRATION_TESTS },
      },
      {
        // Browser tests build and serve the site once per run (global setup, which runs only
        // when a browser test is selected); they run after the other tests.
        extends: true,
        test: {
          name: 'browser',
          include: [BROWSER_TESTS, BENCH_SMOKE_TEST],
          globalSetup: ['tests/browser/global-setup.ts'],
          sequence: { groupOrder: 1 },
          // Each file drives its own Chromium; one at a time keeps a 2-core machine responsive.
          fileParallelism: false,
        },
      },
    ],
  },
});
