// Where the pipeline reads and writes. By default the repository's own locations; with
// `--out DIR` every output and cache goes into DIR instead (the committed site data is then
// left alone), while the reference geography is still read from the repository. An area
// other than the default (Leeds) writes into data/areas/<slug>/output/ unless --out says.
import path from 'node:path';
import { MAP_DATA_FILE_NAME, WARD_SHAPES_FILE_NAME } from '../src/shared/map-data.ts';
import { areaOutputPath, DEFAULT_AREA } from '../src/shared/area-paths.ts';
import { POSTCODE_INDEX_FILE_NAME } from '../src/shared/postcode-index.ts';
import { sourcePaths, type SourcePaths } from './sources/cache.ts';

export interface PipelinePaths {
  /** Reference geography (wards, LSOAs, outline, postcodes, population). */
  referenceDir: string;
  /** Default input: the area's sample months in archive layout. */
  sampleArchiveDir: string;
  /** The master dataset (MASTER_COLUMNS); an output, not committed. */
  masterCsv: string;
  /** Leeds stop-and-search rows with their ward. */
  stopSearchCsv: string;
  /** What the last run read, kept and dropped. */
  runSummary: string;
  /** The renames of a publish in progress (see write.ts Staging); absent between runs. */
  publishJournal: string;
  /** The site's data (committed). */
  siteData: string;
  /** The map island's binary data (committed). */
  mapData: string;
  /** Simplified ward outlines for the choropleth (committed). */
  wardShapes: string;
  /** The place search's postcode index (public/data/postcodes.json). */
  postcodeIndex: string;
  /** The records as one compressed CSV per year (committed, served) and their manifest. */
  downloads: { dir: string; manifest: string };
  /** The repository's published downloads (the same as `downloads` without --out). */
  publishedDownloads: { dir: string; manifest: string };
  /** Caches: month results and what the fetch step downloaded. */
  cacheDir: string;
  /**
   * Per-month enriched rows, summaries and the postcodes.io answers each used: YYYY-MM.csv,
   * YYYY-MM.summary.json, YYYY-MM.postcodes.json.
   */
  monthsCacheDir: string;
  /** The wards derived from the reference geography (see ward-cache.ts). */
  wardsCache: string;
  /** The months step's folds of the months so far (see month-fold-checkpoint.ts). */
  monthFoldsCheckpoint: string;
  /** What the outcomes files' rows were, for a run that does not read them (outcome-counts.ts). */
  outcomeCounts: string;
  /** The outcome index and its rows' counts, for the next run to add to (outcome-index-cache.ts). */
  outcomeIndex: string;
  /** The yearly downloads' content hashes, by the month files read (see downloads.ts). */
  downloadsContentCache: string;
  /** The ward outlines and postcode index, by geography and wards (see geography-outputs.ts). */
  geographyOutputsCache: string;
  /** The month files the master CSV was last written from (see master-csv-parts.ts). */
  masterCsvParts: string;
  /**
   * The fetch step's downloads: months in archive layout (`archiveDir`), API month snapshots
   * (`apiDir`, YYYY-MM.json), month manifests, polling districts (`pollingDistrictsCache`).
   */
  sources: SourcePaths;
}

export { DEFAULT_AREA };

/**
 * Where an area other than the default writes when no --out is given: the same layout as
 * --out DIR, which `AREA=<slug> npm run build` reads (see src/lib/area-data.ts).
 */
export function areaOutputDir(root: string, area: string): string {
  return path.resolve(root, areaOutputPath(area));
}

export function pipelinePaths(
  options: { root?: string; out?: string | undefined; area?: string | undefined } = {},
): PipelinePaths {
  const root = path.resolve(options.root ?? '.');
  const area = options.area ?? DEFAULT_AREA;
  const fromRoot = (...parts: string[]) => path.join(root, ...parts);
  const out =
    options.out !== undefined
      ? path.resolve(root, options.out)
      : area === DEFAULT_AREA
        ? undefined
        : areaOutputDir(root, area);
  const cacheDir = out === undefined ? fromRoot('data', 'cache') : path.join(out, 'cache');
  const processed = out ?? fromRoot('data', 'processed');
  const publicData = out ?? fromRoot('public', 'data');
  return {
    referenceDir: fromRoot('data', 'reference'),
    sampleArchiveDir:
      area === DEFAULT_AREA
        ? fromRoot('data', 'sample', 'archive')
        : fromRoot('data', 'areas', area, 'sample', 'archive'),
    masterCsv: path.join(processed, `${area}_street_combined.csv`),
    stopSearchCsv: path.join(processed, `${area}_stop_and_search.csv`),
    runSummary: path.join(processed, 'run-summary.json'),
    publishJournal: path.join(processed, 'publish-journal.json'),
    siteData:
      out === undefined
        ? fromRoot('src', 'data', 'site-data.json')
        : path.join(out, 'site-data.json'),
    mapData: path.join(publicData, MAP_DATA_FILE_NAME),
    wardShapes: path.join(publicData, WARD_SHAPES_FILE_NAME),
    postcodeIndex: path.join(publicData, POSTCODE_INDEX_FILE_NAME),
    downloads: {
      dir: out === undefined ? fromRoot('public', 'downloads') : path.join(out, 'downloads'),
      manifest:
        out === undefined
          ? fromRoot('src', 'data', 'downloads.json')
          : path.join(out, 'downloads.json'),
    },
    publishedDownloads:
      area === DEFAULT_AREA
        ? {
            dir: fromRoot('public', 'downloads'),
            manifest: fromRoot('src', 'data', 'downloads.json'),
          }
        : {
            dir: path.join(areaOutputDir(root, area), 'downloads'),
            manifest: path.join(areaOutputDir(root, area), 'downloads.json'),
          },
    cacheDir,
    monthsCacheDir: path.join(cacheDir, 'months'),
    wardsCache: path.join(cacheDir, 'wards.json'),
    monthFoldsCheckpoint: path.join(cacheDir, 'month-folds.v8'),
    outcomeCounts: path.join(cacheDir, 'months', 'outcomes.v8'),
    outcomeIndex: path.join(cacheDir, 'months', 'outcome-index.v8'),
    downloadsContentCache: path.join(cacheDir, 'downloads-content.json'),
    geographyOutputsCache: path.join(cacheDir, 'geography-outputs.json'),
    masterCsvParts: path.join(cacheDir, 'master-csv-parts.json'),
    sources: sourcePaths(cacheDir),
  };
}

/** What the pipeline only reads, or what only the refresh's publish writes (`--out` aside). */
const NOT_WRITTEN_BY_A_RUN = new Set<keyof PipelinePaths>([
  'referenceDir',
  'sampleArchiveDir',
  'publishedDownloads',
]);

/**
 * Every file and folder a run writes (outputs, caches, the publish journal), read off `paths`
 * itself rather than listed by hand, so a path added to PipelinePaths is covered at once.
 */
export function writtenPaths(paths: PipelinePaths): string[] {
  const found: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') found.push(value);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(collect);
  };
  for (const [key, value] of Object.entries(paths)) {
    if (!NOT_WRITTEN_BY_A_RUN.has(key as keyof PipelinePaths)) collect(value);
  }
  return found;
}
