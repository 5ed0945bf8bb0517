// The refresh's three steps (see refresh.ts): run the pipeline into the staging folder,
// validate the staged data against HEAD, and publish and commit it when it passes and changed;
// and the watchdog's check that the published data kept up with police.uk.
import { execFile, spawn } from 'node:child_process';
import { appendFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { changeLogSchema, EMPTY_CHANGE_LOG, type ChangeLog } from '../src/shared/change-log.ts';
import { parseOrThrow, type SiteData } from '../src/shared/schema.ts';
import { APPROVALS_PATH, parseApprovals, readApprovals, type Approval } from './approvals.ts';
import { yearlyFilesNotIn } from './downloads.ts';
import { exists, isInside } from './files.ts';
import { checkFreshness, type Freshness } from './freshness.ts';
import {
  areaDataPaths,
  loadGateData,
  siteDataAtRef,
  textAtRef,
  type GateInputs,
} from './gate-inputs.ts';
import { pipelinePaths, type PipelinePaths } from './paths.ts';
import { changeEntry, commitMessage, recordChange } from './provenance.ts';
import { monthArguments } from './refresh-months.ts';
import { printReport } from './validate-cli.ts';
import { validateSiteData, type ValidationReport } from './validate.ts';
import { cleanUpInterruptedRuns } from './publish.ts';
import { interruptedPublishFiles, Staging, writeFileAtomic } from './write.ts';
import { errorMessage } from '../src/shared/error-message.ts';

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
  /** Pass --quiet to the pipeline: no notes or progress. */
  quiet?: boolean;
}

export class RefreshError extends Error {}

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

function paths(options: RefreshOptions) {
  return {
    staged: pipelinePaths({ root: options.root, out: options.stageDir, area: options.area }),
    published: pipelinePaths({ root: options.root, area: options.area }),
  };
}

/** Step 1: run the pipeline (live sources, not --offline) into the staging folder. */
export async function pipelineStep(options: RefreshOptions): Promise<void> {
  const { staged, published } = paths(options);
  // Outputs of an earlier run must not pass for this run's; the caches stay.
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
      // The pipeline's summary is a note here: stdout carries this command's own result.
      stdio: ['inherit', process.stderr, 'inherit'],
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
    approvals: APPROVALS_PATH,
    // The data workflow's `approve` input ("YYYY-MM: reason"), passed through the environment.
    approve: options.env['DATA_APPROVAL'],
  };
}

/** Step 2: the validation gate on the staged data against HEAD. Throws when refused. */
export async function validateStep(
  options: RefreshOptions,
): Promise<{ report: ValidationReport; previous: SiteData | null }> {
  // The staged outputs are read whole: a publish the pipeline was killed in is completed first.
  for (const note of await cleanUpInterruptedRuns(paths(options).staged)) options.log(note);
  const data = await loadGateData(gateInputs(options), options.root);
  const report = validateSiteData(data);
  await printReport(report);
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
  return parseOrThrow(changeLogSchema, JSON.parse(text), `${relative} at HEAD`);
}

async function setOutputs(options: RefreshOptions, outputs: Record<string, string>): Promise<void> {
  const file = options.env['GITHUB_OUTPUT'];
  if (!file) return;
  const lines = Object.entries(outputs).map(([k, v]) => `${k}=${v}\n`);
  await appendFile(file, lines.join(''));
}

/** `file` as a shell word: quoted unless it needs no quotes. */
function shellWord(file: string): string {
  return /^[\w./@:+-]+$/.test(file) ? file : `'${file.replaceAll("'", "'\\''")}'`;
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
  const atHead = new Set(
    outputs.length === 0
      ? []
      : (await git(options.root, ['ls-tree', '-r', '--name-only', 'HEAD', '--', ...outputs]))
          .split('\n')
          .filter((line) => line !== ''),
  );
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
        ? [`\`git checkout HEAD -- ${restore.map(shellWord).join(' ')}\``]
        : [];
  steps.push(`\`rm -f -- ${remove.map(shellWord).join(' ')}\``);
  const what =
    files === undefined
      ? 'it cannot be read, so which outputs it changed is unknown'
      : `it lists ${files.outputs.length} file(s)`;
  throw new RefreshError(
    'Nothing new since the committed data, but an earlier commit step was stopped while ' +
      `publishing outputs that were never committed: its journal ${journal} is still there ` +
      `(${what}), and the working tree holds a mix of those outputs and HEAD's. Nothing was ` +
      'changed or committed. The next `npm run build` (or dev, validate-data) would complete ' +
      'that publish and build the site from it. Restore the published outputs as committed, ' +
      `in ${options.root}: ${steps.join(', then ')}; then run the refresh again.`,
  );
}

/**
 * Step 3: validate again (the commit must never depend on an earlier step having been run),
 * then publish and commit if anything but timestamps changed.
 */
export async function commitStep(
  options: RefreshOptions,
): Promise<{ changed: boolean; sha: string }> {
  const { report, previous } = await validateStep(options);
  const next = report.data as SiteData;
  const entry = changeEntry(previous, next);
  if (entry === null) {
    await refuseInterruptedPublish(options);
    const sha = await git(options.root, ['rev-parse', 'HEAD']);
    options.log('Nothing new since the committed data: no commit.');
    await setOutputs(options, { changed: 'false', sha });
    return { changed: false, sha };
  }

  const { staged, published } = paths(options);
  for (const note of await cleanUpInterruptedRuns(published)) options.log(note);
  // The published files, the change log and the approvals are replaced together, in one
  // publish (write.ts Staging), so the working tree never holds a mix of two refreshes.
  const staging = new Staging(published.publishJournal);
  const changed: string[] = [];
  try {
    const files = [
      ...publishedFiles(staged, published),
      ...(await downloadFiles(staged, published)),
    ];
    for (const { from, to, required } of files) {
      if (!(await exists(from))) {
        if (required) throw new RefreshError(`The pipeline did not write ${from}.`);
        options.log(`Not staged, left as committed: ${path.relative(options.root, to)}`);
        continue;
      }
      await staging.writeFile(to, await readFile(from));
      changed.push(path.relative(options.root, to));
    }
    // A published year the staged downloads no longer hold is taken away with the rest.
    const stagedDownloads = await readdir(staged.downloads.dir).catch(() => null);
    if (stagedDownloads !== null) {
      const kept = new Set(stagedDownloads);
      for (const stale of await yearlyFilesNotIn(published.downloads.dir, kept)) {
        staging.remove(stale);
        changed.push(path.relative(options.root, stale));
      }
    }
    const changeLog = changeLogFile(published);
    if (report.approved.length > 0) entry.exceptions = report.approved;
    const log = recordChange(await committedChangeLog(options.root, changeLog), entry);
    await staging.writeFile(changeLog, `${JSON.stringify(log, null, 2)}\n`);
    changed.push(path.relative(options.root, changeLog));
    if (await spendApprovals(options.root, report.usedApprovals, staging)) {
      changed.push(APPROVALS_PATH);
    }
    await staging.commit();
  } catch (error) {
    await staging.abort();
    throw error;
  }

  const message = commitMessage(entry);
  const messageFile = path.join(options.root, options.stageDir, 'commit-message.txt');
  await writeFileAtomic(messageFile, message);
  await git(options.root, ['add', '--', ...changed]);
  await git(options.root, ['commit', '--quiet', '--file', messageFile, '--', ...changed]);
  const sha = await git(options.root, ['rev-parse', 'HEAD']);
  options.log(`Committed ${sha.slice(0, 12)}: ${message.split('\n')[0]}`);
  await setOutputs(options, { changed: 'true', sha });
  return { changed: true, sha };
}

/**
 * Remove the committed approvals this refresh used: each is spent once, so it never lets a
 * later fault in the same month through. Returns whether the file differs from HEAD's, so is
 * to be committed: a commit step killed after its publish leaves the approvals it spent
 * spent in the working tree only, and the next one, using them again, must commit them spent.
 */
async function spendApprovals(
  root: string,
  used: readonly Approval[],
  staging: Staging,
): Promise<boolean> {
  const isUsed = (a: Approval) => used.some((u) => u.month === a.month && u.reason === a.reason);
  const file = path.join(root, APPROVALS_PATH);
  const current = await readApprovals(file);
  const headText = await textAtRef('HEAD', root, APPROVALS_PATH);
  const atHead = headText === null ? [] : parseApprovals(headText, `${APPROVALS_PATH} at HEAD`);
  if (!current.some(isUsed) && !atHead.some(isUsed)) return false;
  const text = `${JSON.stringify({ approvals: current.filter((a) => !isUsed(a)) }, null, 2)}\n`;
  await staging.writeFile(file, text);
  return text !== headText;
}

/**
 * The watchdog: the published site data's newest month (none when HEAD has no site data)
 * against the one police.uk normally has out today (REFRESH_TODAY, YYYY-MM-DD, or the clock).
 * Throws when the data fell behind.
 */
export async function freshnessStep(options: RefreshOptions): Promise<Freshness> {
  // What is published: the site data committed at HEAD, as the gate reads it.
  const { siteData } = areaDataPaths(options.area);
  const data = await siteDataAtRef('HEAD', options.root, siteData);
  const today = options.env['REFRESH_TODAY'] ?? new Date().toISOString().slice(0, 10);
  let result: Freshness;
  try {
    result = checkFreshness(data?.months.at(-1), today);
  } catch (error) {
    throw new RefreshError(`REFRESH_TODAY: ${errorMessage(error)}`, { cause: error });
  }
  if (!result.ok) throw new RefreshError(result.message);
  options.log(result.message);
  return result;
}
