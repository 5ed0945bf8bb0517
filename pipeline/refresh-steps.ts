// The refresh's three steps (see refresh.ts): run the pipeline into the staging folder,
// validate the staged data against HEAD, and publish and commit it when it passes and changed;
// and the watchdog's check that the published data kept up with police.uk.
import { execFile, spawn } from 'node:child_process';
import { appendFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { changeLogSchema, EMPTY_CHANGE_LOG, type ChangeLog } from '../src/shared/change-log.ts';
import { downloadsManifestSchema } from '../src/shared/open-data.ts';
import { issueLines, SchemaError, type SiteData } from '../src/shared/schema.ts';
import {
  approvalsPath,
  parseApprovals,
  readApprovals,
  sameApproval,
  type Approval,
} from './approvals.ts';
import { readAreaConfig } from './area.ts';
import { downloadsUnlikeManifest, yearlyFilesNotIn } from './downloads.ts';
import { isYearlyFileName } from '../src/shared/downloads-folder.ts';
import { exists, isInside } from './files.ts';
import { checkFreshness, type Freshness, type OtherDistrict } from './freshness.ts';
import {
  areaDataPaths,
  loadGateData,
  siteDataAtRef,
  textAtRef,
  type GateInputs,
} from './gate-inputs.ts';
import { DEFAULT_AREA, pipelinePaths, type PipelinePaths } from './paths.ts';
import {
  areaFilePath,
  areaNameProblem,
  areaSlugFromEnv,
  otherArea,
} from '../src/shared/area-paths.ts';
import { changeEntry, commitMessage, recordChange } from './provenance.ts';
import { downloadsMonths, mapDataMonths } from './output-months.ts';
import { monthsDifference } from '../src/shared/months.ts';
import { monthArguments } from './refresh-months.ts';
import { noteAnnotations, printReport } from './validate-cli.ts';
import { validateSiteData, type ValidationReport } from './validate.ts';
import { cleanUpInterruptedRuns } from './publish.ts';
import { interruptedPublishFiles, Staging, writeFileAtomic } from './write.ts';
import { errorMessage } from '../src/shared/error-message.ts';
import { ukDay } from '../src/shared/uk-date.ts';
import { shellWord } from '../src/shared/shell-word.ts';

/**
 * The change log sits with the site data it describes: src/data/changes.json for Leeds,
 * data/areas/<slug>/output/changes.json for another area (where src/lib/area.ts reads it).
 */
function changeLogFile(published: PipelinePaths): string {
  return path.join(path.dirname(published.siteData), 'changes.json');
}

export interface RefreshOptions {
  /** The repository's working tree. */
  root: string;
  /** The district refreshed (data/areas/<slug>/area.json); default leeds. */
  area?: string | undefined;
  /** Staging folder, relative to root: the pipeline's --out. */
  stageDir: string;
  /** Extra pipeline arguments (e.g. --range FROM TO); without months, refresh-months.ts chooses. */
  pipelineArgs: readonly string[];
  /** Environment for the pipeline (source base URLs) and GitHub outputs. */
  env: Readonly<Record<string, string | undefined>>;
  log: (line: string) => void;
  /**
   * No notes or progress: the pipeline runs with --quiet and its summary is not shown, and the
   * gate's report is shown only when it refuses. Errors still are.
   */
  quiet?: boolean;
  /**
   * Where the validate step writes the gate's notes as workflow commands (GitHub Actions
   * annotations, noteAnnotations()); none outside GitHub Actions.
   */
  annotate?: ((line: string) => void) | undefined;
  /**
   * The clock the commit step dates its change log entry by (publishedAt), and whose day in the
   * UK the freshness step takes as today without REFRESH_TODAY; default: now.
   */
  now?: (() => Date) | undefined;
}

export class RefreshError extends Error {}

/** The commit message the commit step writes in the staging folder, and commits with. */
const COMMIT_MESSAGE = 'commit-message.txt';

/**
 * The file in the staging folder that names the district whose refresh stages there (written
 * by its pipeline step). Two districts' refreshes in one folder would take away each other's
 * staged run, and the fetch step would take one district's cached police.uk months (its
 * forces' files alone) for the other's.
 */
const STAGED_FOR = 'refresh-area.txt';

/**
 * The district whose refresh the staging folder holds, and how that is known; null when it
 * names none and holds no cache. A cache there that names no district is the district whose
 * own folder it is (refreshStageDir): a cache the data workflow restores there comes without
 * the name, which is no cache of the folder. In another folder (REFRESH_DIR) it is the default
 * district's, from before folders named their district, when every refresh staged in one.
 */
async function stagingFolderArea(
  options: RefreshOptions,
): Promise<{ area: string; named: boolean } | null> {
  const text = await readIfThere(path.join(options.root, options.stageDir, STAGED_FOR));
  if (text !== null) return { area: text.trim(), named: true };
  return (await exists(paths(options).staged.cacheDir))
    ? { area: stagingFolderOwner(options.stageDir) ?? DEFAULT_AREA, named: false }
    : null;
}

/**
 * The district whose own staging folder `stageDir` is (refreshStageDir's inverse), or null
 * for a folder that is no district's own.
 */
function stagingFolderOwner(stageDir: string): string | null {
  const dir = path.posix.normalize(stageDir.split(path.sep).join('/')).replace(/\/$/, '');
  if (dir === refreshStageDir(DEFAULT_AREA)) return DEFAULT_AREA;
  // data/areas/<slug>/refresh: the folder's name above "refresh" is the candidate.
  const slug = path.posix.basename(path.posix.dirname(dir));
  if (areaNameProblem(slug) !== null) return null;
  return refreshStageDir(slug) === dir ? slug : null;
}

/**
 * Refuse a staging folder that holds another district's refresh (REFRESH_DIR naming it):
 * before anything in it is changed, read or published.
 */
async function refuseOtherDistrictsFolder(options: RefreshOptions): Promise<void> {
  const area = options.area ?? DEFAULT_AREA;
  const holds = await stagingFolderArea(options);
  if (holds === null || holds.area === area) return;
  const marker = path.join(options.stageDir, STAGED_FOR);
  const why = holds.named
    ? `${marker} says so`
    : stagingFolderOwner(options.stageDir) === holds.area
      ? `it names no district and holds a cache, and it is ${holds.area}'s own staging folder`
      : `it names no district, and its cache was made before a staging folder named one, when ` +
        `every refresh staged in one folder (if it is ${area}'s, write "${area}" in ${marker})`;
  throw new RefreshError(
    `The staging folder ${options.stageDir} holds the refresh of ${holds.area}, not ${area} ` +
      `(${why}). Each district's refresh stages its run and keeps its caches in a folder of ` +
      "its own: in one, each would take away the other's staged run, and the fetch step would " +
      "take one district's cached police.uk months for the other's. Nothing was changed. Leave " +
      `REFRESH_DIR unset (${area}'s own folder is ${refreshStageDir(area)}), or name a folder ` +
      `of ${area}'s own.`,
  );
}

/**
 * The staging folder of `area`'s refresh when REFRESH_DIR names none: the data workflow's
 * data/refresh for the default district, data/areas/<slug>/refresh for another.
 */
export function refreshStageDir(area: string = DEFAULT_AREA): string {
  const other = otherArea(area);
  return other === undefined ? DEFAULT_REFRESH_DIR : areaFilePath(other, 'refresh');
}

/** The default district's staging folder; the data workflow sets REFRESH_DIR to the same. */
export const DEFAULT_REFRESH_DIR = 'data/refresh';

/**
 * A staged output, or the change log the commit step adds to, that cannot be read as what it
 * is: the message names the file, what is wrong and what to do. Nothing is published then:
 * every such read comes before the publish.
 */
function unusableFile(
  file: string,
  problem: string,
  remedy: string,
  cause?: unknown,
): RefreshError {
  return new RefreshError(
    `${file} ${problem}. Nothing was published or committed: the published outputs are as ` +
      `they were. ${remedy}`,
    { cause },
  );
}

/**
 * `npm run refresh-data -- <step>` for the district refreshed: another than the default is
 * named (--area), as the command without it refreshes the default, in its own staging folder.
 */
function refreshCommand(options: RefreshOptions, step: string): string {
  const other = otherArea(options.area);
  return `npm run refresh-data -- ${other === undefined ? '' : `--area ${other} `}${step}`;
}

/**
 * `npm run build` for the district refreshed: another than the default is named (AREA), as
 * the build without it builds the default's site.
 */
function buildCommand(options: RefreshOptions): string {
  const other = otherArea(options.area);
  return other === undefined ? 'npm run build' : `AREA=${other} npm run build`;
}

/** What to do about a staged output that is damaged: the pipeline writes it again. */
function stageAgain(options: RefreshOptions): string {
  return (
    'It was cut short or changed after the pipeline wrote it: run the pipeline into the staging ' +
    `folder again (\`${refreshCommand(options, 'pipeline')}\`), then the commit step.`
  );
}

/**
 * What to do about a staged output the validate and commit steps read (the site data, the run
 * summary) that is not there or cannot be used: stage the whole run again.
 */
function runAgain(options: RefreshOptions): string {
  return (
    'Run the whole pipeline into the staging folder again ' +
    `(\`${refreshCommand(options, 'pipeline')}\`), then the validate and commit steps.`
  );
}

/**
 * `text`, the content of `file` (as messages name it), as JSON fitting `schema`; a
 * RefreshError naming the file, what is wrong and `remedy` when it is not.
 */
function parseFile<T>(schema: z.ZodType<T>, text: string, file: string, remedy: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw unusableFile(file, `is not valid JSON (${errorMessage(error)})`, remedy, error);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw unusableFile(
      file,
      `does not fit its schema (${issueLines(parsed.error).join('; ')})`,
      remedy,
    );
  }
  return parsed.data;
}

/** `file`'s text; null when it is not there. */
async function readIfThere(file: string): Promise<string | null> {
  return readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
}

/** The files a refresh publishes: staged path -> committed path. */
function publishedFiles(staged: PipelinePaths, published: PipelinePaths) {
  return [
    { from: staged.siteData, to: published.siteData, required: true },
    { from: staged.mapData, to: published.mapData, required: false },
    { from: staged.wardShapes, to: published.wardShapes, required: false },
    { from: staged.postcodeIndex, to: published.postcodeIndex, required: false },
  ];
}

/** The yearly record files, their README and manifest (pipeline/downloads.ts), as staged. */
async function downloadFiles(staged: PipelinePaths, published: PipelinePaths) {
  const names = await readdir(staged.downloads.dir).catch(() => [] as string[]);
  return [
    { from: staged.downloads.manifest, to: published.downloads.manifest, required: false },
    ...names.map((name) => ({
      from: path.join(staged.downloads.dir, name),
      to: path.join(published.downloads.dir, name),
      required: false,
    })),
  ];
}

/**
 * The outputs that describe the site data's months, each with the pipeline step that writes
 * it (its name in the run summary's steps, pipeline/steps/) and how to read its months. The
 * ward outlines and the postcode index describe places, not months: left as committed beside
 * new site data, they still fit it.
 */
function monthOutputs(staged: PipelinePaths, published: PipelinePaths) {
  return [
    { from: staged.siteData, to: published.siteData, step: 'site-data', months: null },
    {
      from: staged.downloads.manifest,
      to: published.downloads.manifest,
      step: 'downloads',
      months: async (bytes: Uint8Array, file: string) =>
        downloadsMonths(Buffer.from(bytes).toString('utf8'), file),
    },
    { from: staged.mapData, to: published.mapData, step: 'map-data', months: mapDataMonths },
  ];
}

/** The part of the pipeline's run summary that says which steps made the staged outputs. */
const runStepsSchema = z.object({ steps: z.array(z.object({ name: z.string() })) });

/**
 * The steps of the run that staged the outputs; null when there is no run summary. One that
 * does not say is refused: without it, outputs an earlier run left would pass for this run's.
 */
async function stepsRun(
  runSummary: string,
  file: string,
  remedy: string,
): Promise<string[] | null> {
  const text = await readIfThere(runSummary);
  if (text === null) return null;
  return parseFile(runStepsSchema, text, file, remedy).steps.map((step) => step.name);
}

/**
 * What went wrong, in words: the error's message, or its cause's when it has none (a gzip
 * stream cut short fails with an empty TypeError whose cause says "unexpected end of file").
 */
function reasonOf(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  return errorMessage(error) || (cause === undefined ? '' : errorMessage(cause)) || String(error);
}

/** The months a staged output describes, read by `months`; refused naming it when it cannot be read. */
async function monthsOf(
  months: (bytes: Uint8Array, file: string) => Promise<string[]>,
  from: string,
  file: string,
  remedy: string,
): Promise<string[]> {
  try {
    return await months(await readFile(from), file);
  } catch (error) {
    const problem =
      error instanceof SchemaError
        ? `does not fit its schema (${error.issues.join('; ')})`
        : error instanceof SyntaxError
          ? `is not valid JSON (${error.message})`
          : `cannot be read (${reasonOf(error)})`;
    throw unusableFile(file, problem, remedy, error);
  }
}

/**
 * Refuse to publish new site data beside outputs of its months (the downloads, the map data)
 * that the same run did not make: one not staged while an earlier run's is published (a
 * pipeline run with --to, --from or --step), one staged by an earlier run than the run summary
 * names, or one that holds other months. An output neither staged nor published has nothing
 * stale to leave behind.
 */
async function refuseStaleOutputs(options: RefreshOptions, siteMonths: string[]): Promise<void> {
  const { staged, published } = paths(options);
  const relative = (file: string) => path.relative(options.root, file);
  const remedy = stageAgain(options);
  const steps = await stepsRun(staged.runSummary, relative(staged.runSummary), remedy);
  const stale: string[] = [];
  for (const { from, to, step, months } of monthOutputs(staged, published)) {
    if (!(await exists(from))) {
      if (await exists(to)) {
        stale.push(
          `${relative(to)} was not staged (the ${step} step did not run), so an earlier run's would stay`,
        );
      }
      continue;
    }
    if (steps !== null && !steps.includes(step)) {
      stale.push(
        `${relative(from)} is an earlier run's: the run in ${relative(staged.runSummary)} did not run the ${step} step`,
      );
      continue;
    }
    const difference =
      months && monthsDifference(siteMonths, await monthsOf(months, from, relative(from), remedy));
    if (difference) stale.push(`${relative(from)} ${difference}`);
  }
  if (stale.length === 0) return;
  throw new RefreshError(
    'The staged site data changes the published data, but the outputs that describe its ' +
      `months were not all made by the run that made it: ${stale.join('; ')}. Published ` +
      "together, the site's map or downloads would describe other data than its pages. " +
      'Nothing was published or committed. Run the whole pipeline into the staging folder ' +
      `(\`${refreshCommand(options, 'pipeline')}\`, with no --step, --from or --to), then the commit ` +
      'step again.',
  );
}

/**
 * Refuse to publish staged yearly downloads that are not the files the staged manifest lists
 * (pipeline/downloads.ts): a year missing (the published one would be taken away, as a year
 * the data no longer holds), one whose size or SHA-256 differs (cut short, or changed after
 * the run), or one it does not list, or any staged with no manifest. The site's Data page
 * gives each file's size and SHA-256 from the manifest.
 */
async function refuseDownloadsUnlikeManifest(options: RefreshOptions): Promise<void> {
  const { staged } = paths(options);
  const relative = (file: string) => path.relative(options.root, file);
  const manifestFile = relative(staged.downloads.manifest);
  const text = await readIfThere(staged.downloads.manifest);
  const problems =
    text === null
      ? (await yearlyFilesNotIn(staged.downloads.dir, new Set())).map(
          (file) => `${path.basename(file)} is staged with no manifest`,
        )
      : await downloadsUnlikeManifest(
          staged.downloads.dir,
          parseFile(downloadsManifestSchema, text, manifestFile, stageAgain(options)),
        );
  if (problems.length === 0) return;
  throw new RefreshError(
    `The staged yearly downloads in ${relative(staged.downloads.dir)} are not the files ` +
      `${manifestFile} lists: ${problems.join('; ')}. Published so, the Data page would offer ` +
      'files whose size and SHA-256 it gives wrongly, or years without their file. Nothing ' +
      'was published or committed: the published downloads are as they were. Run the whole ' +
      `pipeline into the staging folder again (\`${refreshCommand(options, 'pipeline')}\`), then the ` +
      'commit step.',
  );
}

/** The district refreshed, when it is another than the default: its name as area.json gives it. */
async function otherDistrictName(options: RefreshOptions): Promise<string | undefined> {
  const slug = otherArea(options.area);
  if (slug === undefined) return undefined;
  return (await readAreaConfig(slug, { root: options.root })).localAuthority.name;
}

/**
 * The district the data workflow refreshes on schedule: SCHEDULED_AREA (the watch sets it to the
 * repository variable AREA, empty when unset), else AREA, as for the build; unset, the default.
 * The watch's AREA is the district it checks, which a run by hand may name otherwise.
 */
function scheduledDistrict(env: RefreshOptions['env']): string {
  return areaSlugFromEnv({ AREA: env['SCHEDULED_AREA'] ?? env['AREA'] });
}

/**
 * The district the watchdog checks, as its messages name it, and whether the data workflow
 * refreshes it on schedule; undefined for the default district while it does ("the published
 * data", as ever). The default district is named too while the schedule refreshes another: no
 * scheduled refresh publishes it then either.
 */
async function watchedDistrict(options: RefreshOptions): Promise<OtherDistrict | undefined> {
  const slug = options.area ?? DEFAULT_AREA;
  const scheduledArea = scheduledDistrict(options.env);
  if (slug === DEFAULT_AREA && scheduledArea === DEFAULT_AREA) return undefined;
  const config = await readAreaConfig(slug, { root: options.root });
  return {
    name: config.localAuthority.name,
    slug,
    scheduled: scheduledArea === slug,
    scheduledArea,
  };
}

function paths(options: RefreshOptions) {
  return {
    staged: pipelinePaths({ root: options.root, out: options.stageDir, area: options.area }),
    published: pipelinePaths({ root: options.root, area: options.area }),
  };
}

/** Step 1: run the pipeline (live sources, not --offline) into the staging folder. */
export async function pipelineStep(options: RefreshOptions): Promise<void> {
  const { staged, published } = paths(options);
  await refuseOtherDistrictsFolder(options);
  await mkdir(path.join(options.root, options.stageDir), { recursive: true });
  await writeFileAtomic(
    path.join(options.root, options.stageDir, STAGED_FOR),
    `${options.area ?? DEFAULT_AREA}\n`,
  );
  // Outputs of an earlier run must not pass for this run's; the caches stay. A run killed
  // while it published them is completed first: otherwise its journal would put back its
  // outputs outside the downloads folder (their temporary files are beside them) but not its
  // yearly files (theirs go with the folder), which a commit step after a failed run would
  // publish as one run's.
  for (const note of await cleanUpInterruptedRuns(staged)) options.log(note);
  for (const { from } of publishedFiles(staged, published)) await rm(from, { force: true });
  await rm(staged.runSummary, { force: true });
  await rm(staged.downloads.dir, { recursive: true, force: true });
  await rm(staged.downloads.manifest, { force: true });
  // Months come from what the fetch step keeps in the staged cache, never from the sample.
  const input = options.pipelineArgs.includes('--archive-dir')
    ? []
    : ['--archive-dir', path.relative(options.root, staged.sources.archiveDir)];
  await mkdir(staged.sources.archiveDir, { recursive: true });
  const months = await monthArguments({ ...options, ref: 'HEAD' });
  const args = [
    'run',
    '--silent',
    'pipeline',
    '--',
    '--out',
    options.stageDir,
    ...(options.area === undefined ? [] : ['--area', options.area]),
    ...input,
    ...months,
    ...options.pipelineArgs,
    ...(options.quiet ? ['--quiet'] : []),
  ];
  options.log(`Running: npm ${args.join(' ')}`);
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('npm', args, {
      cwd: options.root,
      env: { ...process.env, ...options.env },
      // The pipeline's summary is a note here (none with --quiet): stdout carries this
      // command's own result. Its errors and warnings come on its stderr.
      stdio: ['inherit', options.quiet ? 'ignore' : process.stderr, 'inherit'],
    });
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) {
    throw new RefreshError(
      `The pipeline failed (exit code ${code}); nothing was validated or committed. ` +
        'Its output above says which month or source failed.',
    );
  }
}

function gateInputs(options: RefreshOptions): GateInputs {
  const { staged } = paths(options);
  return {
    area: options.area,
    candidate: path.relative(options.root, staged.siteData),
    previous: { ref: 'HEAD' },
    runSummary: path.relative(options.root, staged.runSummary),
    approvals: approvalsPath(options.area),
    // The data workflow's `approve` input ("YYYY-MM: reason"), passed through the environment.
    approve: options.env['DATA_APPROVAL'],
    approveGivenAs: "the workflow's approve input, DATA_APPROVAL",
    writeAgain: runAgain(options),
  };
}

/**
 * Step 2: the validation gate on the staged data against HEAD. Throws when refused, and
 * without the staged run summary (refuseWithoutRunSummary), as the commit step would. The
 * report's notes are annotated (options.annotate), and the report added to the job summary,
 * unless `annotate` is false: the commit step validates again after the validate step did
 * both, and a job summary holding the report twice would read as two checks. A refusal then
 * (the staged data changed between the steps) is added all the same.
 */
export async function validateStep(
  options: RefreshOptions,
  { annotate = true }: { annotate?: boolean } = {},
): Promise<{ report: ValidationReport; previous: SiteData | null }> {
  await refuseOtherDistrictsFolder(options);
  // The staged outputs are read whole: a publish the pipeline was killed in is completed first
  // (the run summary may be among the files it renames into place).
  for (const note of await cleanUpInterruptedRuns(paths(options).staged)) options.log(note);
  await refuseWithoutRunSummary(options);
  const data = await loadGateData(gateInputs(options), options.root);
  const spent = await approvalsSpentUncommitted(options);
  for (const { month, reason } of spent) {
    options.log(
      `Using again the approval of ${month} ("${reason}"): an earlier commit step spent it, ` +
        'but its commit never happened.',
    );
  }
  const report = validateSiteData({ ...data, approvals: [...data.approvals, ...spent] });
  // A note of the refresh, on stderr: its stdout carries the step's result (--json's too).
  // Left out with --quiet, but for a refusal; the job summary has it either way (once a job).
  await printReport(
    report,
    { approvals: approvalsPath(options.area), area: options.area },
    options.quiet && report.ok ? null : (text) => console.error(text),
    annotate || !report.ok,
  );
  if (annotate && options.annotate) {
    for (const line of noteAnnotations(report.notes)) options.annotate(line);
  }
  if (!report.ok) {
    throw new RefreshError('Validation refused the new data; nothing was committed.');
  }
  return { report, previous: data.previous };
}

async function git(root: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('git', [...args], { cwd: root });
    return stdout.trim();
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new RefreshError(`git ${args.join(' ')} failed: ${stderr}`, { cause: error });
  }
}

/**
 * The change log committed at HEAD, beside the site data the gate compared with: not the
 * working tree's, which a commit step killed after its publish left holding an entry for a
 * change that was never committed.
 */
async function committedChangeLog(root: string, file: string): Promise<ChangeLog> {
  const relative = path.relative(root, file);
  const text = await textAtRef('HEAD', root, relative);
  if (text === null) return EMPTY_CHANGE_LOG;
  return parseFile(
    changeLogSchema,
    text,
    `${relative} as committed at HEAD`,
    'The commit step adds its entry to the committed change log: commit the file mended ' +
      `(\`git log -- ${shellWord(relative)}\` shows its last good version), then run the commit step again.`,
  );
}

/** The change log in the working tree (none: empty), as a commit step left it. */
async function workingChangeLog(root: string, file: string): Promise<ChangeLog> {
  const text = await readIfThere(file);
  if (text === null) return EMPTY_CHANGE_LOG;
  const relative = path.relative(root, file);
  return parseFile(
    changeLogSchema,
    text,
    relative,
    `Restore it as committed (\`git checkout HEAD -- ${shellWord(relative)}\`), then run the ` +
      'commit step again.',
  );
}

/**
 * The approvals committed at HEAD that an earlier commit step spent in a publish it never
 * committed (its `git commit` failed, or it was stopped after publishing): gone from the
 * working tree's approvals file, and recorded as exceptions by a change log entry in the
 * working tree that HEAD's log lacks. They were never spent in a commit, so this run may use
 * them again, and spends them in its own; without them it would refuse the very data they
 * approved. An approval a person took out of the file is in no such entry: it stays out.
 */
async function approvalsSpentUncommitted(options: RefreshOptions): Promise<Approval[]> {
  const approvals = approvalsPath(options.area);
  const headText = await textAtRef('HEAD', options.root, approvals);
  if (headText === null) return [];
  const current = await readApprovals(path.join(options.root, approvals));
  const gone = parseApprovals(headText, `${approvals} at HEAD`, approvals).filter(
    (approval) => !current.some((c) => sameApproval(approval, c)),
  );
  if (gone.length === 0) return [];
  const file = changeLogFile(paths(options).published);
  const committed = new Set(
    (await committedChangeLog(options.root, file)).entries.map((e) => JSON.stringify(e)),
  );
  const recorded = (await workingChangeLog(options.root, file)).entries
    .filter((entry) => !committed.has(JSON.stringify(entry)))
    .flatMap((entry) => entry.exceptions ?? []);
  return gone.filter((approval) => recorded.some((e) => sameApproval(approval, e)));
}

async function setOutputs(options: RefreshOptions, outputs: Record<string, string>): Promise<void> {
  const file = options.env['GITHUB_OUTPUT'];
  if (!file) return;
  const lines = Object.entries(outputs).map(([k, v]) => `${k}=${v}\n`);
  await appendFile(file, lines.join(''));
}

/** Which of `files` (relative to root) HEAD has. */
async function filesAtHead(root: string, files: readonly string[]): Promise<Set<string>> {
  if (files.length === 0) return new Set();
  const listed = await git(root, ['ls-tree', '-r', '--name-only', 'HEAD', '--', ...files]);
  return new Set(listed.split('\n').filter((line) => line !== ''));
}

/** `files` as shell words, one after another. */
function shellWords(files: readonly string[]): string {
  return files.map(shellWord).join(' ');
}

/**
 * The commands that put `files` (relative to root) back as committed: those HEAD has are
 * checked out from it, in the index too; the others are taken out of the index (a commit
 * step's `git add` put them there) and deleted.
 */
async function restoreCommands(root: string, files: readonly string[]): Promise<string[]> {
  const atHead = await filesAtHead(root, files);
  const restore = files.filter((file) => atHead.has(file));
  const added = files.filter((file) => !atHead.has(file));
  return [
    ...(restore.length > 0 ? [`\`git checkout HEAD -- ${shellWords(restore)}\``] : []),
    ...(added.length > 0
      ? [
          `\`git rm -q --cached --ignore-unmatch -- ${shellWords(added)}\``,
          `\`rm -f -- ${shellWords(added)}\``,
        ]
      : []),
  ];
}

/**
 * What the commit step publishes, relative to root: the outputs, the downloads folder, the
 * change log and the approvals file it spends approvals from.
 */
function publishedPaths(options: RefreshOptions): string[] {
  const { staged, published } = paths(options);
  return [
    ...publishedFiles(staged, published).map(({ to }) => to),
    published.downloads.manifest,
    published.downloads.dir,
    changeLogFile(published),
    path.join(options.root, approvalsPath(options.area)),
  ].map((file) => path.relative(options.root, file));
}

/**
 * The published files that differ from HEAD in the working tree or the index, relative to
 * root, new files the index does not hold yet included.
 */
async function uncommittedOutputs(options: RefreshOptions): Promise<string[]> {
  const pathspec = ['--', ...publishedPaths(options)];
  const changed = await git(options.root, [
    'diff',
    'HEAD',
    '--name-only',
    '--no-renames',
    '-z',
    ...pathspec,
  ]);
  const added = await git(options.root, [
    'ls-files',
    '--others',
    '--exclude-standard',
    '-z',
    ...pathspec,
  ]);
  const files = [...changed.split('\0'), ...added.split('\0')].filter((file) => file !== '');
  return [...new Set(files)].sort();
}

/**
 * With nothing new to commit, refuse to end while an earlier commit step's publish, killed
 * half-way, is pending: the working tree holds a mix of HEAD's outputs and that run's, which
 * was never committed, and the next build (npm's complete-publish hook) would complete it and
 * build the site from it. Changes no file; the change path completes it (cleanUpInterruptedRuns).
 */
async function refuseInterruptedPublish(options: RefreshOptions): Promise<void> {
  const journal = paths(options).published.publishJournal;
  let files: { outputs: string[]; temporary: string[] } | null | undefined;
  try {
    files = await interruptedPublishFiles(journal);
  } catch {
    files = undefined; // there, but not readable: what it lists is unknown
  }
  if (files === null) return;
  const relative = (file: string) => path.relative(options.root, file);
  const inRoot = (list: readonly string[]) =>
    list.filter((file) => isInside(file, options.root)).map(relative);
  const outputs = inRoot(files?.outputs ?? []);
  const atHead = await filesAtHead(options.root, outputs);
  const restore = outputs.filter((file) => atHead.has(file));
  const remove = [
    ...outputs.filter((file) => !atHead.has(file)),
    ...inRoot(files?.temporary ?? []),
    relative(journal),
  ];
  const steps =
    files === undefined
      ? [
          'restore each output `git status` shows changed with `git checkout HEAD -- <file>` ' +
            '(deleting those HEAD does not have)',
        ]
      : restore.length > 0
        ? [`\`git checkout HEAD -- ${shellWords(restore)}\``]
        : [];
  steps.push(`\`rm -f -- ${shellWords(remove)}\``);
  const what =
    files === undefined
      ? 'it cannot be read, so which outputs it changed is unknown'
      : `it lists ${files.outputs.length} file(s)`;
  throw new RefreshError(
    'Nothing new since the committed data, but an earlier commit step was stopped while ' +
      `publishing outputs that were never committed: its journal ${journal} is still there ` +
      `(${what}), and the working tree holds a mix of those outputs and HEAD's. Nothing was ` +
      `changed or committed. The next \`${buildCommand(options)}\` (or dev, validate-data) ` +
      'would complete that publish and build the site from it. Restore the published outputs as committed, ' +
      `in ${options.root}: ${steps.join(', then ')}; then run the refresh again.`,
  );
}

/**
 * With nothing new to commit, refuse to end while the published files in the working tree
 * differ from HEAD: an earlier commit step published them and its `git commit` failed or was
 * stopped (or a person changed them), and the next build would publish data never committed.
 * The approvals file alone differing is a person's approval not committed yet, not a publish.
 * Changes no file; the change path publishes this run's outputs over them and commits them.
 */
async function refuseUncommittedOutputs(options: RefreshOptions): Promise<void> {
  const files = await uncommittedOutputs(options);
  if (!files.some((file) => file !== approvalsPath(options.area))) return;
  const messageFile = path.join(options.stageDir, COMMIT_MESSAGE);
  const message = (await exists(path.join(options.root, messageFile)))
    ? ` (with \`--file ${shellWord(messageFile)}\`, the message the last commit step wrote)`
    : '';
  const restore = await restoreCommands(options.root, files);
  throw new RefreshError(
    'Nothing new since the committed data, but the published files in the working tree differ ' +
      `from HEAD: ${files.join(', ')}. An earlier commit step published them and its git commit ` +
      `failed or was stopped, or they were changed by hand; the next \`${buildCommand(options)}\` ` +
      `would publish them. Nothing was changed or committed. In ${options.root}, restore them as ` +
      `committed: ${restore.join(', then ')}; or, to publish them, commit them: ` +
      `\`git add -- ${shellWords(files)}\`, then \`git commit -- ${shellWords(files)}\`${message}. ` +
      'Then run the refresh again.',
  );
}

/**
 * Refuse a staging folder without the run summary: the pipeline writes it with the outputs it
 * stages, so without it the folder is not one run's (a run stopped before its end, files put
 * there by hand), each month's row accounting cannot be checked, and outputs an earlier run
 * left would pass for this run's (refuseStaleOutputs reads which steps the run ran from it).
 */
async function refuseWithoutRunSummary(options: RefreshOptions): Promise<void> {
  const { runSummary } = paths(options).staged;
  if (await exists(runSummary)) return;
  throw unusableFile(
    path.relative(options.root, runSummary),
    'is not there, though the pipeline writes it with the outputs it stages: the staging ' +
      "folder does not hold one run's outputs (a run stopped before its end, or files put " +
      "there by hand), so neither each month's row accounting nor which outputs are this " +
      "run's can be checked",
    runAgain(options),
  );
}

/**
 * Step 3: validate again (the commit must never depend on an earlier step having been run),
 * then publish and commit if anything but timestamps changed, with the gate's notes in the
 * commit message. Refused without the staged run summary, by the validation. The
 * notes are annotated, and the report added to the job summary, when `annotate` (no validate
 * step ran before it: the `all` step).
 */
export async function commitStep(
  options: RefreshOptions,
  { annotate = false }: { annotate?: boolean } = {},
): Promise<{ changed: boolean; sha: string }> {
  const { report, previous } = await validateStep(options, { annotate });
  const next = report.data as SiteData;
  const entry = changeEntry(previous, next);
  if (entry === null) {
    await refuseInterruptedPublish(options);
    await refuseUncommittedOutputs(options);
    const sha = await git(options.root, ['rev-parse', 'HEAD']);
    options.log('Nothing new since the committed data: no commit.');
    await setOutputs(options, { changed: 'false', sha });
    return { changed: false, sha };
  }

  await refuseStaleOutputs(options, next.months);
  await refuseDownloadsUnlikeManifest(options);
  // Read before anything is published: the commit message names another area's district.
  const district = await otherDistrictName(options);
  const { staged, published } = paths(options);
  for (const note of await cleanUpInterruptedRuns(published)) options.log(note);
  // The published files, the change log and the approvals are replaced together, in one
  // publish (write.ts Staging), so the working tree never holds a mix of two refreshes.
  const staging = new Staging(published.publishJournal);
  const changed: string[] = [];
  /** Files taken away that HEAD never had: out of the index, and out of the commit. */
  const uncommitted: string[] = [];
  try {
    const files = [
      ...publishedFiles(staged, published),
      ...(await downloadFiles(staged, published)),
    ];
    for (const { from, to, required } of files) {
      if (!(await exists(from))) {
        if (required) {
          throw unusableFile(path.relative(options.root, from), 'is not there', runAgain(options));
        }
        options.log(`Not staged, left as committed: ${path.relative(options.root, to)}`);
        continue;
      }
      await staging.writeFile(to, await readFile(from));
      changed.push(path.relative(options.root, to));
    }
    // A published year the staged downloads no longer hold is taken away with the rest. One
    // HEAD lacks (an earlier run published it and its `git add` or `git commit` failed) is
    // not committed, as git knows no such path, only taken out of the index and the tree.
    const stagedDownloads = await readdir(staged.downloads.dir).catch(() => null);
    if (stagedDownloads !== null) {
      const kept = new Set(stagedDownloads);
      const stale = (await yearlyFilesNotIn(published.downloads.dir, kept)).map((file) =>
        path.relative(options.root, file),
      );
      const atHead = await filesAtHead(options.root, stale);
      for (const file of stale) {
        staging.remove(path.join(options.root, file));
        (atHead.has(file) ? changed : uncommitted).push(file);
      }
      // And those the index holds but the tree has not: an earlier commit step took them
      // away and failed before its `git rm` or commit. Committed gone, or out of the index.
      const downloads = path.relative(options.root, published.downloads.dir);
      const listed = (await git(options.root, ['ls-files', '-z', '--', downloads]))
        .split('\0')
        .filter((file) => {
          const name = path.basename(file);
          return isYearlyFileName(name) && !kept.has(name) && !stale.includes(file);
        });
      const listedAtHead = await filesAtHead(options.root, listed);
      for (const file of listed) (listedAtHead.has(file) ? changed : uncommitted).push(file);
    }
    const changeLog = changeLogFile(published);
    if (report.approved.length > 0) entry.exceptions = report.approved;
    // When it was published, never before the data it publishes was fetched: the feeds date a
    // change by it, as a refresh that fetched nothing new keeps refreshedAt.
    const now = (options.now?.() ?? new Date()).toISOString();
    entry.publishedAt = now > entry.refreshedAt ? now : entry.refreshedAt;
    const log = recordChange(await committedChangeLog(options.root, changeLog), entry);
    await staging.writeFile(changeLog, `${JSON.stringify(log, null, 2)}\n`);
    changed.push(path.relative(options.root, changeLog));
    const approvals = approvalsPath(options.area);
    if (await spendApprovals(options.root, approvals, report.usedApprovals, staging)) {
      changed.push(approvals);
    }
    await staging.commit();
  } catch (error) {
    await staging.abort();
    throw error;
  }

  const message = commitMessage(entry, report.notes, district);
  const messageFile = path.join(options.root, options.stageDir, COMMIT_MESSAGE);
  await writeFileAtomic(messageFile, message);
  try {
    if (uncommitted.length > 0) {
      await git(options.root, ['rm', '-q', '--cached', '--ignore-unmatch', '--', ...uncommitted]);
    }
    await git(options.root, ['add', '--', ...changed]);
    await git(options.root, ['commit', '--quiet', '--file', messageFile, '--', ...changed]);
  } catch (error) {
    throw new RefreshError(
      await notCommittedMessage(options, changed, uncommitted, messageFile, errorMessage(error)),
      { cause: error },
    );
  }
  const sha = await git(options.root, ['rev-parse', 'HEAD']);
  options.log(`Committed ${sha.slice(0, 12)}: ${message.split('\n')[0]}`);
  await setOutputs(options, { changed: 'true', sha });
  return { changed: true, sha };
}

/**
 * What a commit step whose `git add` or `git commit` failed says: the outputs are published
 * in the working tree (some staged) but HEAD is unchanged, and how to commit them or restore
 * them. Until one or the other, a refresh with nothing new refuses to end
 * (refuseUncommittedOutputs).
 */
async function notCommittedMessage(
  options: RefreshOptions,
  files: readonly string[],
  taken: readonly string[],
  messageFile: string,
  failure: string,
): Promise<string> {
  // The files taken away that HEAD never had may still be in the index (its `git rm` failed):
  // out of it whichever way is taken (the commit step run again finds them there), so no
  // later commit takes them.
  const restore = await restoreCommands(options.root, [...files, ...taken]);
  const unstage =
    taken.length > 0
      ? `\`git rm -q --cached --ignore-unmatch -- ${shellWords(taken)}\`, then `
      : '';
  const message = shellWord(path.relative(options.root, messageFile));
  return (
    `${failure}. The outputs are published in the working tree but not committed (HEAD is ` +
    `unchanged): ${files.join(', ')}; the next \`${buildCommand(options)}\` would publish them. Fix what ` +
    `stopped git, then, in ${options.root}, either commit them: ${unstage}` +
    `\`git add -- ${shellWords(files)}\`, ` +
    `then \`git commit --file ${message} -- ${shellWords(files)}\`; or run the commit step ` +
    'again, which publishes the staged data again and commits it; or restore them as committed: ' +
    `${restore.join(', then ')}.`
  );
}

/**
 * Remove the committed approvals this refresh used: each is spent once, so it never lets a
 * later fault in the same month through. Returns whether the file differs from HEAD's, so is
 * to be committed: a commit step killed after its publish, or whose commit failed, leaves the
 * approvals it spent spent in the working tree only, and the next one, using them again
 * (approvalsSpentUncommitted), must commit them spent.
 */
async function spendApprovals(
  root: string,
  approvals: string,
  used: readonly Approval[],
  staging: Staging,
): Promise<boolean> {
  const isUsed = (a: Approval) => used.some((u) => sameApproval(a, u));
  const file = path.join(root, approvals);
  const current = await readApprovals(file);
  const headText = await textAtRef('HEAD', root, approvals);
  const atHead =
    headText === null ? [] : parseApprovals(headText, `${approvals} at HEAD`, approvals);
  if (!current.some(isUsed) && !atHead.some(isUsed)) return false;
  const text = `${JSON.stringify({ approvals: current.filter((a) => !isUsed(a)) }, null, 2)}\n`;
  await staging.writeFile(file, text);
  return text !== headText;
}

/**
 * The watchdog: the published site data's newest month (none when HEAD has no site data)
 * against the one police.uk normally has out today (REFRESH_TODAY, YYYY-MM-DD, or the clock's
 * day in the UK).
 * Throws when the data fell behind.
 */
export async function freshnessStep(options: RefreshOptions): Promise<Freshness> {
  // What is published: the site data committed at HEAD, as the gate reads it.
  const { siteData } = areaDataPaths(options.area);
  const data = await siteDataAtRef('HEAD', options.root, siteData);
  // The day in the UK, where police.uk publishes and the site is read (uk-date.ts).
  const today = options.env['REFRESH_TODAY'] ?? ukDay(options.now?.() ?? new Date());
  const district = await watchedDistrict(options);
  let result: Freshness;
  try {
    result = checkFreshness(data?.months.at(-1), today, district);
  } catch (error) {
    throw new RefreshError(`REFRESH_TODAY: ${errorMessage(error)}`, { cause: error });
  }
  if (!result.ok) throw new RefreshError(result.message);
  options.log(result.message);
  return result;
}
