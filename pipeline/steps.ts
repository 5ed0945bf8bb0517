// The pipeline's steps, in order. The network steps get the run context
// (pipeline/run-context.ts); the local steps get the run's inputs as one frozen value
// (pipeline/local-run.ts), read after the network steps. Each step stages its outputs; the
// CLI renames every staged output into place only after the last selected step succeeded.
import type { Step } from './run-context.ts';
import { downloadsStep } from './steps/downloads.ts';
import { fetchStep } from './steps/fetch.ts';
import { mapDataStep } from './steps/map-data.ts';
import { masterCsvStep } from './steps/master-csv.ts';
import { monthsStep } from './steps/months.ts';
import { postcodesStep } from './steps/postcodes.ts';
import { siteDataStep } from './steps/site-data.ts';
import { stopSearchStep } from './steps/stop-search.ts';

/**
 * The steps, in order. The steps that download (network: true) come first: they save new
 * months into paths.sources (archive layout, API snapshots, manifests), polling districts
 * and postcodes.io answers, which the steps below then read like any local input.
 */
export const STEPS: readonly Step[] = [
  fetchStep,
  postcodesStep,
  monthsStep,
  stopSearchStep,
  masterCsvStep,
  downloadsStep,
  siteDataStep,
  mapDataStep,
];

/**
 * `steps`, when every network step comes before every local step: the local steps' inputs are
 * read once, after the network steps, so a download after them would go unseen.
 */
export function checkStepOrder(steps: readonly Step[]): readonly Step[] {
  const firstLocal = steps.findIndex((s) => !s.network);
  const late = steps.find((s, i) => s.network && firstLocal !== -1 && i > firstLocal);
  if (late) {
    throw new Error(
      `the ${late.name} step downloads but comes after the ${steps[firstLocal]!.name} step, which ` +
        'reads the local inputs: the steps that download must come first (pipeline/steps.ts)',
    );
  }
  return steps;
}
