// The pipeline step that downloads: new or revised months into the cache (archive layout and
// API snapshots, see cache.ts) and the council's polling districts, which the later steps
// read like any local input. Skipped with --offline.
import { fetchPollingDistricts, type LayerDistrict } from './polling-districts.ts';
import {
  checkedBaseUrl,
  resolveSourceConfig,
  SOURCE_ENV_VARS,
  type SourceConfig,
} from './config.ts';
import { HttpClient, type HttpClientOptions } from './http.ts';
import type { MonthSelection } from './fetch-options.ts';
import { fetchSources, type FetchedMonth } from './index.ts';
import { stderrProgress } from './progress.ts';
import type { SourcePaths } from './cache.ts';
import type { RunDownloads } from './run-downloads.ts';
import { forceName } from '../../src/shared/police-forces.ts';
import type { PollingDistrictFields } from '../../src/shared/area.ts';
import { LEFT_OUT, type LayerProblems } from '../polling-district-layer.ts';

export interface FetchStepOptions {
  /** Default: the latest published month. */
  selection?: MonthSelection;
  overrides?: Partial<SourceConfig>;
  /** Retry and timeout settings for every source (tests shorten the backoff). */
  http?: Omit<HttpClientOptions, 'bucket' | 'log'>;
}

export interface FetchStepContext {
  sources: SourcePaths;
  /** The district's outline (the API is asked about it). */
  outlineFile: string;
  /** police.uk forces whose files hold the district's crimes, the territorial force first. */
  forces: readonly string[];
  /**
   * The council's polling-district layer and the fields it is read by; null: the district has
   * none, nothing is fetched.
   */
  pollingDistricts: { url: string; fields: PollingDistrictFields } | null;
  /** The district the layer must cover: its polling districts lie in its outline. */
  district: LayerDistrict;
  log: (message: string) => void;
  /** A note for the user, kept in the run summary (a month that is a gap). */
  note: (text: string) => void;
  /** What the run fetched for its other districts (a run for several): not fetched again. */
  downloads?: RunDownloads | undefined;
}

export async function runFetchStep(
  options: FetchStepOptions,
  context: FetchStepContext,
): Promise<string> {
  const config = resolveSourceConfig(process.env, options.overrides);
  const result = await fetchSources({
    selection: options.selection ?? { latest: true },
    config,
    cacheRoot: context.sources.root,
    outlineFile: context.outlineFile,
    forces: context.forces,
    log: context.log,
    progress: stderrProgress(),
    ...(context.downloads ? { downloads: context.downloads } : {}),
    ...(options.http ? { http: options.http } : {}),
  });
  // LEEDS_MAPSERVER_URL (or its option) points the layer elsewhere, e.g. at a replay server.
  const overridden =
    options.overrides?.leedsMapServerUrl ?? process.env[SOURCE_ENV_VARS.leedsMapServerUrl];
  const layer = context.pollingDistricts;
  const districts =
    layer === null
      ? null
      : await fetchPollingDistricts({
          client: new HttpClient({ ...options.http, log: context.log }),
          mapServerUrl:
            overridden === undefined
              ? checkedBaseUrl('pollingDistricts.url', layer.url, layer.url)
              : config.leedsMapServerUrl,
          fields: layer.fields,
          cacheFile: context.sources.pollingDistrictsCache,
          log: context.log,
          district: context.district,
        });
  const fetched = result.months
    .filter((m) => m.status === 'fetched')
    .map((m) => `${m.month} (${m.snapshot})`);
  const unchanged = result.months.filter((m) => m.status === 'unchanged').length;
  const gaps = result.months.filter((m) => m.status === 'gap');
  const kept = result.months.filter((m) => m.status === 'kept');
  for (const note of fetchNotes(result.months, context.forces[0] as string)) context.note(note);
  return (
    `${fetched.length > 0 ? `fetched ${fetched.join(', ')}` : 'nothing new'}` +
    `${unchanged > 0 ? `, ${unchanged} month(s) unchanged` : ''}` +
    `${kept.length > 0 ? `, ${kept.length} kept against a re-issue: ${kept.map((m) => m.month).join(', ')}` : ''}` +
    `${gaps.length > 0 ? `, ${gaps.length} gap(s): ${gaps.map((m) => m.month).join(', ')}` : ''}; ` +
    `${result.stats.requests} police.uk requests, ${result.stats.bytesReceived} bytes; ` +
    (districts === null
      ? 'no polling districts (the area has none)'
      : `${districts.features.length} polling districts${layerProblemsSummary(districts.problems)}`)
  );
}

/** The layer's features not used as they came, in a few words ("" for none); the note says more. */
function layerProblemsSummary(problems: LayerProblems | undefined): string {
  if (problems === undefined) return '';
  const leftOut = LEFT_OUT.reduce((n, problem) => n + problems.counts[problem], 0);
  const words = [
    ...(leftOut > 0 ? [`${leftOut} shape(s) of the layer left out`] : []),
    ...(problems.counts['no-ward'] > 0 ? [`${problems.counts['no-ward']} without a ward`] : []),
  ];
  return words.length === 0 ? '' : ` (${words.join(', ')})`;
}

/**
 * What the run's summary says of the months fetched: each gap, and each month whose cached
 * copy was kept against a re-issue (lacking some of its files, or with two that differ under
 * one name). `force`: the territorial force.
 */
export function fetchNotes(months: readonly FetchedMonth[], force: string): string[] {
  return months.flatMap((m) =>
    m.status === 'gap'
      ? [m.note ?? gapNote(m.month, m.snapshot, force)]
      : m.status === 'kept' && m.note !== undefined
        ? [m.note]
        : [],
  );
}

/** What a run says of a month missing from its archive: `force` is the territorial force's slug. */
export function gapNote(month: string, snapshot: string, force: string): string {
  return (
    `${month} is a gap: police.uk's ${snapshot}, the archive that holds it, has no ` +
    `${forceName(force)} street file for it, so it is left out of every output (never shown as zero)`
  );
}
