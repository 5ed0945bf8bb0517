// The pipeline's steps, in order. Each step (pipeline/steps/) reads what it needs through
// the run context (pipeline/run-context.ts) and stages its outputs; the CLI renames every
// staged output into place only after the last selected step succeeded.
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
