// The pipeline step that asks postcodes.io about the snap points the local LS postcode list
// cannot place (the WF and BD parts of Leeds). It runs before the months are located, so
// their rows get the answers in the same run; points the answer cache has a postcode for
// are not asked again, those it holds as "no postcode near" are (see postcodes.ts). Skipped
// with --offline: the months then use the answer cache as it is, and points without a
// postcode in it get the nearest LS district, marked approximate.
import { resolveSourceConfig } from './config.ts';
import type { FetchStepOptions } from './fetch-step.ts';
import { describeError } from './http-errors.ts';
import { HttpClient } from './http.ts';
import { reverseGeocode, WIDE_RADIUS_METRES, type Coordinate } from './postcodes.ts';
import { formatCount } from '../../src/shared/format-count.ts';
import { formatTallyExamples } from '../report.ts';

export interface PostcodesStepContext {
  /** The answer cache (sources/postcodes-io.json), read by the months step. */
  cacheFile: string;
  log: (message: string) => void;
}

export interface PostcodesStepResult {
  /** Snap points sent to postcodes.io now: new ones, and those it placed no postcode near before. */
  asked: number;
  /** One line for the run's step summary. */
  summary: string;
}

/** Place `gaps` (snap points no listed postcode is near) with postcodes.io, through its cache. */
export async function runPostcodesStep(
  gaps: readonly Coordinate[],
  options: FetchStepOptions,
  context: PostcodesStepContext,
): Promise<PostcodesStepResult> {
  const config = resolveSourceConfig(process.env, options.overrides);
  let result;
  try {
    result = await reverseGeocode(gaps, {
      client: new HttpClient({ ...options.http, log: context.log }),
      postcodesBaseUrl: config.postcodesBaseUrl,
      cacheFile: context.cacheFile,
      log: context.log,
    });
  } catch (error) {
    throw new Error(
      `postcodes.io could not place the ${gaps.length} snap point(s) that no listed postcode ` +
        `is near: ${describeError(error)}. Answers received before the failure are kept in ` +
        `${context.cacheFile}. Run again later, or with --offline (the Postcode District of ` +
        'those rows is then the nearest listed one, marked as an estimate).',
      { cause: error },
    );
  }
  const unplaced = [...result.places.values()].filter((place) => place === null).length;
  return {
    asked: result.asked,
    summary:
      `${gaps.length} snap point(s) with no listed postcode near: ${result.fromCache} ` +
      `placed before, ${result.asked} asked` +
      (result.askedAgain > 0 ? ` (${result.askedAgain} again: no postcode near before)` : '') +
      ` in ${result.requests} request(s)` +
      (unplaced > 0
        ? `; ${unplaced} with no postcode within ${formatCount(WIDE_RADIUS_METRES)} m`
        : '') +
      (result.refused.total > 0
        ? `; ${formatCount(result.refused.total)} answer(s) refused, their postcode district ` +
          `not an outward code, so not used and asked again next run ` +
          `(${formatTallyExamples(result.refused)})`
        : ''),
  };
}
