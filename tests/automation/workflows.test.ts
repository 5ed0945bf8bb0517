// The workflow files, read as GitHub reads them: triggers, permissions, pinning, the jobs each
// trigger runs, and the order that keeps unvalidated data from being committed or deployed.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { simulateRun, type RunFacts } from './support/job-conditions.ts';
import { approvalsPath } from '../../pipeline/approvals.ts';
import { pipelinePaths } from '../../pipeline/paths.ts';
import { refreshStageDir } from '../../pipeline/refresh-steps.ts';
import type { WorkflowSettings } from '../../pipeline/workflow-settings.ts';
import { DEFAULT_AREA } from '../../src/shared/area-paths.ts';

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
  'continue-on-error'?: unknown;
  shell?: string;
}
interface Job {
  needs?: string | string[];
  env?: Record<string, string>;
  if?: string;
  permissions?: Record<string, string>;
  steps: Step[];
  'continue-on-error'?: unknown;
  environment?: { name: string };
  defaults?: { run?: { shell?: string } };
}
interface Workflow {
  on: Record<string, { branches?: string[]; inputs?: Record<string, { default?: unknown }> }>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  env?: Record<string, string>;
  defaults?: { run?: { shell?: string } };
  jobs: Record<string, Job>;
}

const root = new URL('../../', import.meta.url);
const text = (path: string) => readFileSync(new URL(path, root), 'utf8');
const workflow = (path: string) => parse(text(path)) as Workflow;

const data = workflow('.github/workflows/data.yml');
const ci = workflow('.github/workflows/ci.yml');
const caches = workflow('.github/workflows/caches.yml');
const ALL_WORKFLOWS = [
  '.github/workflows/data.yml',
  '.github/workflows/ci.yml',
  '.github/workflows/caches.yml',
];

/** How every refresh-data command of the workflows starts: for the district they are run for. */
const REFRESH = 'npm run refresh-data -- --area "$AREA"';

/** Index of the first step whose `run` contains `command` (fails the test when absent). */
function stepIndex(job: Job, command: string): number {
  const i = job.steps.findIndex((s) => s.run?.includes(command));
  expect(i, `a step running "${command}"`).toBeGreaterThanOrEqual(0);
  return i;
}

function needsOf(job: Job | undefined): string[] {
  const needs = job?.needs ?? [];
  return Array.isArray(needs) ? needs : [needs];
}

/**
 * How GitHub runs a step's script on Linux: `shell: bash` (the step's, its job's defaults or
 * the workflow's) is `bash --noprofile --norc -eo pipefail`; no shell given is `bash -e` alone.
 */
function shellOf(wf: Workflow, job: Job, step: Step): string[] {
  const shell = step.shell ?? job.defaults?.run?.shell ?? wf.defaults?.run?.shell;
  if (shell === undefined) return ['bash', '-e'];
  expect(shell, 'a shell this test knows').toBe('bash');
  return ['bash', '--noprofile', '--norc', '-eo', 'pipefail'];
}

/** Run `step`'s script of `job` in `wf` as GitHub would, in `cwd` with `env`. */
function runStep(wf: Workflow, job: Job, step: Step, cwd: string, env: Record<string, string>) {
  const [command, ...args] = shellOf(wf, job, step);
  return spawnSync(command as string, [...args, '-c', step.run ?? ''], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    encoding: 'utf8',
  });
}

/** The districts configured: each folder of data/areas/ with an area.json. */
const AREAS = readdirSync(new URL('data/areas/', root), { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(new URL(`data/areas/${e.name}/area.json`, root)))
  .map((e) => e.name)
  .sort();

/** The step of `wf`'s district job that reads the district's settings. */
function settingsStep(wf: Workflow): { job: Job; step: Step } {
  const job = wf.jobs['district'] as Job;
  const step = job.steps.find((s) => s.id === 'settings') as Step;
  return { job, step };
}

/**
 * The district job's settings step of `wf`, run as GitHub runs it in the repository with the
 * workflow's AREA as `area` (empty: none given): its exit status, stderr and the outputs it
 * wrote for the later jobs.
 */
function runSettingsStep(wf: Workflow, area: string) {
  const { job, step } = settingsStep(wf);
  const work = mkdtempSync(path.join(tmpdir(), 'district-'));
  try {
    const output = path.join(work, 'output');
    writeFileSync(output, '');
    const result = runStep(wf, job, step, new URL('.', root).pathname, {
      AREA: area,
      HOME: work,
      GITHUB_OUTPUT: output,
      GITHUB_ACTIONS: 'true',
    });
    const outputs = Object.fromEntries(
      readFileSync(output, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    ) as Record<string, string>;
    return { status: result.status, stderr: result.stderr, outputs };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const settingsRead = new Map<string, WorkflowSettings>();

/** The outputs of data.yml's district job when AREA names `area`. */
function districtSettings(area: string): WorkflowSettings {
  let outputs = settingsRead.get(area);
  if (outputs === undefined) {
    const result = runSettingsStep(data, area);
    expect(result.status, result.stderr).toBe(0);
    expect(Object.keys(result.outputs).sort()).toEqual(
      ['approvals', 'area', 'default-area', 'name', 'refresh-dir'].sort(),
    );
    outputs = result.outputs as unknown as WorkflowSettings;
    settingsRead.set(area, outputs);
  }
  return outputs;
}

/** Step or job conditions that would run even after an earlier failure. */
const RUNS_AFTER_FAILURE = /always\(\)|failure\(\)|cancelled\(\)/;

/** Each data-workflow job's result for a run with these facts ('skipped' = did not run). */
function dataRun(facts: RunFacts) {
  return simulateRun(data.jobs, facts);
}

describe('data workflow (.github/workflows/data.yml)', () => {
  it('runs early each month and again each week after, by hand, and on pushes to main', () => {
    const schedule = data.on['schedule'] as unknown as { cron: string }[];
    expect(schedule).toHaveLength(1);
    const fields = schedule[0]?.cron.split(/\s+/) ?? [];
    expect(fields).toHaveLength(5);
    const [minute, hour, dayOfMonth, month, dayOfWeek] = fields;
    // Fixed minute and hour; every month; any weekday; days of the month that every month has.
    expect([minute, hour].every((f) => /^\d+$/.test(f ?? ''))).toBe(true);
    expect([month, dayOfWeek]).toEqual(['*', '*']);
    const days = (dayOfMonth ?? '').split(',').map(Number);
    expect(days.every((d) => Number.isInteger(d) && d >= 1 && d <= 28)).toBe(true);
    // The first within days of police.uk's release (around the month's end); then, within the
    // month, a run every 7 days at most, so a late release, or a refresh that failed or was
    // replaced while it waited, is fetched again by the next run, not a month later.
    expect(days[0]).toBeLessThanOrEqual(5);
    expect(days.length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < days.length; i++) expect(days[i]! - days[i - 1]!).toBeLessThanOrEqual(7);
    // From the last run of a 31-day month to the first of the next.
    expect(31 - days.at(-1)! + days[0]!).toBeLessThanOrEqual(10);
    expect(Object.keys(data.on).sort()).toEqual(['push', 'schedule', 'workflow_dispatch']);
    expect(data.on['push']?.branches).toEqual(['main']);
  });

  it.each(['schedule', 'workflow_dispatch'])(
    'on %s: refreshes, then tests, builds and deploys',
    (event) => {
      expect(dataRun({ event })).toEqual({
        district: 'success',
        refresh: 'success',
        test: 'success',
        build: 'success',
        deploy: 'success',
        'report-failure': 'skipped',
      });
    },
  );

  it('on a push to main: tests, builds and deploys without refreshing', () => {
    expect(dataRun({ event: 'push' })).toEqual({
      district: 'success',
      refresh: 'skipped',
      test: 'success',
      build: 'success',
      deploy: 'success',
      'report-failure': 'skipped',
    });
    // A failed build deploys nothing.
    expect(dataRun({ event: 'push', outcomes: { build: 'failure' } }).deploy).toBe('skipped');
  });

  it.each(['push', 'schedule', 'workflow_dispatch'])(
    'on %s: deploys nothing when the tests fail',
    (event) => {
      const run = dataRun({ event, outcomes: { test: 'failure' } });
      expect([run['test'], run['build'], run['deploy']]).toEqual(['failure', 'skipped', 'skipped']);
      const test = data.jobs['test'] as Job;
      // The tests run on the commit that is deployed: the refreshed one, or main.
      expect(test.steps[0]?.with?.['ref']).toBe("${{ needs.refresh.outputs.sha || 'main' }}");
      stepIndex(test, 'npm test');
    },
  );

  it('runs the refresh steps in the order pipeline, validate, commit, then build, then deploy', () => {
    const refresh = data.jobs['refresh'] as Job;
    const pipeline = stepIndex(refresh, `${REFRESH} pipeline`);
    const validate = stepIndex(refresh, `${REFRESH} validate`);
    const commit = stepIndex(refresh, `${REFRESH} commit`);
    const push = stepIndex(refresh, 'git push');
    expect(pipeline).toBeLessThan(validate);
    expect(validate).toBeLessThan(commit);
    expect(commit).toBeLessThan(push);

    const build = data.jobs['build'] as Job;
    expect(needsOf(build)).toEqual(['district', 'refresh', 'test']);
    // The build checks out the commit the tests passed on: the one the refresh made, or on a
    // push main as the test job found it, named by that job (main may have moved since).
    expect(build.steps[0]?.with?.['ref']).toBe('${{ needs.test.outputs.sha }}');
    const test = data.jobs['test'] as Job & { outputs: Record<string, string> };
    expect(test.outputs['sha']).toBe('${{ steps.tested.outputs.sha }}');
    const tested = test.steps.findIndex((s) => s.id === 'tested');
    // What it writes, and that it fails when git cannot say: "the commit the test job names".
    expect(test.steps[tested]?.run).toContain('git rev-parse HEAD');
    // Named right after the checkout, before anything runs in the workspace.
    expect(tested).toBe(1);
    const buildStep = stepIndex(build, 'npm run build');
    const upload = build.steps.findIndex((s) =>
      s.uses?.startsWith('actions/upload-pages-artifact@'),
    );
    expect(buildStep).toBeLessThan(upload);

    const deploy = data.jobs['deploy'] as Job;
    expect(needsOf(deploy)).toEqual(['build']);
    expect(deploy.steps.map((s) => s.uses?.split('@')[0])).toEqual(['actions/deploy-pages']);
    expect(Object.keys(data.jobs).sort()).toEqual([
      'build',
      'deploy',
      'district',
      'refresh',
      'report-failure',
      'test',
    ]);
  });

  it('cannot commit, build or deploy when validation fails', () => {
    const refresh = data.jobs['refresh'] as Job;
    const commit = stepIndex(refresh, `${REFRESH} commit`);
    // Steps run only while every earlier step succeeded, unless told otherwise: nothing up to
    // the commit may continue on error or ask to run after a failure.
    for (const step of refresh.steps.slice(0, commit + 1)) {
      expect(step['continue-on-error'], step.name).toBeUndefined();
      expect(step.if ?? '', step.name).not.toMatch(RUNS_AFTER_FAILURE);
    }
    expect(refresh['continue-on-error']).toBeUndefined();
    // Later jobs need the refresh job: a failed or cancelled refresh (validation refused, or
    // the pipeline failed) stops them too, on every trigger that refreshes.
    for (const event of ['schedule', 'workflow_dispatch']) {
      for (const outcome of ['failure', 'cancelled'] as const) {
        const run = dataRun({ event, outcomes: { refresh: outcome } });
        expect(run, `${event}, refresh ${outcome}`).toEqual({
          district: 'success',
          refresh: outcome,
          test: 'skipped',
          build: 'skipped',
          deploy: 'skipped',
          'report-failure': event === 'schedule' && outcome === 'failure' ? 'success' : 'skipped',
        });
      }
      expect(dataRun({ event, cancelled: true, outcomes: { refresh: 'cancelled' } }).deploy).toBe(
        'skipped',
      );
    }
    for (const name of ['test', 'build', 'deploy']) {
      expect(data.jobs[name]?.['continue-on-error'], name).toBeUndefined();
    }
  });

  it('gives each job only the permissions it needs, and a push no write access to code', () => {
    expect(data.permissions).toEqual({});
    expect(data.jobs['district']?.permissions).toEqual({ contents: 'read' });
    expect(data.jobs['refresh']?.permissions).toEqual({ contents: 'write' });
    expect(data.jobs['test']?.permissions).toEqual({ contents: 'read' });
    expect(data.jobs['report-failure']?.permissions).toEqual({
      contents: 'read',
      issues: 'write',
    });
    expect(data.jobs['build']?.permissions).toEqual({ contents: 'read', pages: 'read' });
    expect(data.jobs['deploy']?.permissions).toEqual({ pages: 'write', 'id-token': 'write' });
    expect(data.jobs['deploy']?.environment?.name).toBe('github-pages');
    const pushRun = dataRun({ event: 'push' });
    const writers = Object.entries(data.jobs)
      .filter(([, job]) => job.permissions?.['contents'] === 'write')
      .map(([name]) => name);
    expect(writers.map((name) => pushRun[name])).toEqual(['skipped']);
  });

  it('never runs two refreshes, or a refresh and a push deploy, at once, and never cancels one half-way', () => {
    // Workflow-level, so runs of every trigger share the group.
    expect(data.concurrency).toEqual({ group: 'publish-site', 'cancel-in-progress': false });
    for (const job of Object.values(data.jobs)) expect(job).not.toHaveProperty('concurrency');
  });

  it('restores the police.uk, month-summary, postcode and polling-district caches before the pipeline', () => {
    const refresh = data.jobs['refresh'] as Job;
    const pipeline = stepIndex(refresh, `${REFRESH} pipeline`);
    const caches = refresh.steps
      .map((step, i) => ({ step, i }))
      .filter(({ step }) => step.uses?.startsWith('actions/cache@'));
    const paths = caches.map(({ step }) => String(step.with?.['path']));
    expect(paths.some((p) => p.includes('cache/archive'))).toBe(true);
    expect(paths.some((p) => p.includes('cache/months'))).toBe(true);
    expect(paths.some((p) => p.includes('postcodes-io.json'))).toBe(true);
    expect(paths.some((p) => p.includes('polling-districts.geojson'))).toBe(true);
    expect(caches.every(({ i }) => i < pipeline)).toBe(true);
    // Month summaries depend on the code and reference data that made them.
    const months = caches.find(({ step }) => String(step.with?.['path']).includes('cache/months'));
    expect(String(months?.step.with?.['key'])).toContain("hashFiles('pipeline/**/*.ts'");
    // Each run and each re-run of it saves under its own key (a key that exists is not saved
    // again, so a re-run under its first attempt's key would keep nothing it fetched).
    for (const { step } of caches.filter(({ step }) => step.with?.['restore-keys'])) {
      expect(String(step.with?.['key'])).toMatch(
        /\$\{\{ github\.run_id \}\}-\$\{\{ github\.run_attempt \}\}$/,
      );
    }
  });
});

describe('data workflow: the months a refresh fetches', () => {
  const refresh = data.jobs['refresh'] as Job;
  const step = refresh.steps[stepIndex(refresh, `${REFRESH} pipeline`)] as Step;

  /** The pipeline step's script as the runner's bash runs it, npm replaced by an echo. */
  function runPipelineStep(
    months: string,
    locale?: string,
  ): { status: number | null; lines: string[] } {
    const script = `npm() { printf '%s\\n' "$@"; }\n${step.run ?? ''}`;
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
      env: {
        PATH: process.env['PATH'] ?? '',
        AREA: 'sheffield',
        MONTHS: months,
        ...(locale ? { LANG: locale } : {}),
      },
      encoding: 'utf8',
    });
    return { status: result.status, lines: result.stdout.split('\n').filter(Boolean) };
  }

  it('passes no months on schedule or by default, so refresh-data fetches from the first published month', () => {
    expect(step.env?.['MONTHS']).toBe('${{ inputs.months }}');
    expect(data.on['workflow_dispatch']?.inputs?.['months']?.default).toBe('');
    expect(runPipelineStep('')).toEqual({
      status: 0,
      lines: ['run', 'refresh-data', '--', '--area', 'sheffield', 'pipeline'],
    });
  });

  it.each([
    ['--range 2022-04 2025-03', ['--range', '2022-04', '2025-03']],
    ['--month 2025-02', ['--month', '2025-02']],
    ['--latest', ['--latest']],
  ])('passes the months asked for by hand: %s', (months, args) => {
    expect(runPipelineStep(months)).toEqual({
      status: 0,
      lines: ['run', 'refresh-data', '--', '--area', 'sheffield', 'pipeline', ...args],
    });
  });

  it.each(['--range 2025-03', '2025-03', '--latest; rm -rf ~', '$(id)', '--latest\n::add-mask::x'])(
    'refuses any other months input before running anything: %s',
    (months) => {
      const { status, lines } = runPipelineStep(months);
      expect(status).toBe(2);
      expect(lines).toEqual([expect.stringMatching(/^::error::months must be empty, --latest/)]);
    },
  );

  it.each([
    ['an escape sequence', '--latest\x1b[2K\x1b]8;;http://x\x07', '--latest?[2K?]8;;http://x?'],
    ['a C1 control', '--month \u009b2J 2025-02', '--month ?2J 2025-02'],
    ['a tab, DEL and a line break', '--latest\t\x7f\n::warning::x', '--latest??%0A::warning::x'],
    ['letters beyond ASCII (kept)', '--month é 2025-02', '--month é 2025-02'],
  ])('quotes a refused input with %s as inert text, whatever the locale', (_, months, shown) => {
    for (const locale of [undefined, 'C.UTF-8']) {
      const { status, lines } = runPipelineStep(months, locale);
      expect(status).toBe(2);
      expect(lines).toEqual([
        `::error::months must be empty, --latest, --month YYYY-MM or --range FROM TO, got: ${shown}`,
      ]);
    }
  });
});

describe('data workflow: credentials', () => {
  const steps = Object.entries(data.jobs).flatMap(([job, { steps }]) =>
    steps.map((step) => ({ job, step })),
  );
  const usesToken = (step: Step) =>
    /github\.token|secrets\./.test(
      JSON.stringify({ env: step.env, with: step.with, run: step.run }),
    );

  it('checks out without keeping the token on disk, in every job of every workflow', () => {
    for (const wf of [data, ci, caches]) {
      for (const job of Object.values(wf.jobs)) {
        for (const step of job.steps.filter((s) => s.uses?.startsWith('actions/checkout@'))) {
          expect(step.with?.['persist-credentials'], step.name).toBe(false);
        }
      }
    }
  });

  it('gives the token only to the push step and to the step that reports a failure', () => {
    const holders = steps.filter(({ step }) => usesToken(step));
    expect(holders.map(({ job, step }) => `${job}: ${step.name}`)).toEqual([
      'refresh: Push the data commit',
      'report-failure: Open or update the issue',
    ]);
    const refresh = data.jobs['refresh'] as Job;
    // The push is the refresh's last step: nothing runs after it with the token around.
    expect(refresh.steps.at(-1)?.name).toBe('Push the data commit');
    expect(refresh.steps.at(-1)?.run).not.toMatch(/git config|remote set-url|npm /);
  });
});

describe('data workflow: pushing the data commit when main moved', () => {
  const refresh = data.jobs['refresh'] as Job;
  const push = refresh.steps[stepIndex(refresh, 'git push origin HEAD:main')] as Step;
  let work: string;

  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

  /** A bare "GitHub" remote with main, a runner clone with a data commit, and main moved on. */
  function setUp(moved: { file: string; text: string }) {
    work = mkdtempSync(path.join(tmpdir(), 'push-step-'));
    const origin = path.join(work, 'origin.git');
    const seed = path.join(work, 'seed');
    execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', origin]);
    execFileSync('git', ['clone', '--quiet', origin, seed]);
    for (const dir of [seed]) {
      git(dir, 'config', 'user.name', 'Test');
      git(dir, 'config', 'user.email', 'test@example.invalid');
    }
    mkdirSync(path.join(seed, 'src', 'data'), { recursive: true });
    writeFileSync(path.join(seed, 'src/data/site-data.json'), '{"months":[]}\n');
    writeFileSync(path.join(seed, 'README.md'), 'site\n');
    git(seed, 'add', '--all');
    git(seed, 'commit', '--quiet', '-m', 'start');
    git(seed, 'push', '--quiet', 'origin', 'HEAD:main');
    const runner = path.join(work, 'runner');
    execFileSync('git', ['clone', '--quiet', origin, runner]);
    git(runner, 'config', 'user.name', 'github-actions[bot]');
    git(runner, 'config', 'user.email', 'bot@example.invalid');
    writeFileSync(path.join(runner, 'src/data/site-data.json'), '{"months":["2025-03"]}\n');
    git(runner, 'commit', '--quiet', '-am', 'Data to 2025-03: add 2025-03');
    // Meanwhile, someone pushes to main.
    mkdirSync(path.dirname(path.join(seed, moved.file)), { recursive: true });
    writeFileSync(path.join(seed, moved.file), moved.text);
    git(seed, 'add', '--all');
    git(seed, 'commit', '--quiet', '-m', 'moved on');
    git(seed, 'push', '--quiet', 'origin', 'HEAD:main');
    return { origin, runner };
  }

  /** The push step, as the refresh of `area` runs it: APPROVALS from the district job. */
  function runPush(cwd: string, area: string = DEFAULT_AREA) {
    expect(push.env?.['APPROVALS']).toBe('${{ needs.district.outputs.approvals }}');
    return spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', push.run ?? ''], {
      cwd,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: work,
        GH_TOKEN: 'test-token',
        GITHUB_OUTPUT: path.join(work, 'output'),
        APPROVALS: districtSettings(area).approvals,
      },
      encoding: 'utf8',
    });
  }

  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('rebases the data commit onto the new main and pushes it', () => {
    const { origin, runner } = setUp({ file: 'README.md', text: 'site, changed\n' });
    const result = runPush(runner);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('main moved during the refresh (push attempt 1 of 3)');
    expect(git(origin, 'log', '--format=%s', 'main')).toBe(
      'Data to 2025-03: add 2025-03\nmoved on\nstart',
    );
    // The later jobs check out the commit pushed, which the rebase made.
    expect(readFileSync(path.join(work, 'output'), 'utf8')).toBe(
      `sha=${git(origin, 'rev-parse', 'main')}\n`,
    );
    expect(
      String(
        data.jobs['refresh'] &&
          (data.jobs['refresh'] as Job & { outputs: Record<string, string> }).outputs['sha'],
      ),
    ).toBe('${{ steps.push.outputs.sha || steps.commit.outputs.sha }}');
  });

  it.each([
    ['the pipeline', 'pipeline/gate.ts'],
    ['the reference data', 'data/reference/wards.geojson'],
    ['the packages the pipeline runs (lock file)', 'package-lock.json'],
    ['the packages the pipeline runs (package.json)', 'package.json'],
    ['the Node that runs the pipeline (.nvmrc)', '.nvmrc'],
    ['an area configuration', 'data/areas/sheffield/area.json'],
  ])('pushes nothing and says why when main changed %s during the refresh', (_what, file) => {
    const { origin, runner } = setUp({ file, text: 'changed on main\n' });
    const before = git(origin, 'rev-parse', 'main');
    const result = runPush(runner);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(
      /^::error::main changed the pipeline, its dependencies, its reference data or the approvals during the refresh/m,
    );
    expect(git(origin, 'rev-parse', 'main')).toBe(before);
  });

  it.each([
    ["another district's published data", 'data/areas/sheffield/output/site-data.json'],
    ["another district's change log", 'data/areas/sheffield/output/changes.json'],
  ])('rebases and pushes when main changed %s, which the refresh never read', (_what, file) => {
    const { origin, runner } = setUp({ file, text: 'changed on main\n' });
    const result = runPush(runner);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(git(origin, 'log', '--format=%s', 'main')).toBe(
      'Data to 2025-03: add 2025-03\nmoved on\nstart',
    );
  });

  describe.each(AREAS)("the refresh of %s and the districts' approvals", (area) => {
    it('pushes nothing and says why when main changed its own approvals', () => {
      const file = districtSettings(area).approvals;
      const { origin, runner } = setUp({ file, text: '{"approvals":[]}\n' });
      const before = git(origin, 'rev-parse', 'main');
      const result = runPush(runner, area);
      expect(result.status, `${file}: ${result.stdout}${result.stderr}`).toBe(1);
      expect(result.stdout).toMatch(/^::error::main changed the pipeline.* or the approvals/m);
      expect(git(origin, 'rev-parse', 'main')).toBe(before);
    });

    it.each(AREAS.filter((other) => other !== area))(
      "rebases and pushes when main changed %s's approvals, which it never read",
      (other) => {
        const file = districtSettings(other).approvals;
        const { origin, runner } = setUp({ file, text: '{"approvals":[]}\n' });
        const result = runPush(runner, area);
        expect(result.status, `${file}: ${result.stdout}${result.stderr}`).toBe(0);
        expect(git(origin, 'log', '--format=%s', 'main').split('\n')[1]).toBe('moved on');
      },
    );
  });

  it('runs no hook the workspace holds while the token is there', () => {
    const { origin, runner } = setUp({ file: 'README.md', text: 'site, changed\n' });
    const hooks = path.join(runner, '.git', 'hooks');
    const marker = path.join(work, 'hook-ran');
    writeFileSync(path.join(hooks, 'pre-push'), `#!/bin/sh\nenv > "${marker}"\n`, { mode: 0o755 });
    writeFileSync(path.join(hooks, 'post-rewrite'), `#!/bin/sh\nenv > "${marker}"\n`, {
      mode: 0o755,
    });
    const result = runPush(runner);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(git(origin, 'log', '--format=%s', 'main').split('\n')[0]).toBe(
      'Data to 2025-03: add 2025-03',
    );
    expect(() => readFileSync(marker)).toThrow(/ENOENT/);
  });

  it('pushes nothing and says why when the published data changed meanwhile', () => {
    const { origin, runner } = setUp({ file: 'src/data/site-data.json', text: '{"x":1}\n' });
    const before = git(origin, 'rev-parse', 'main');
    const result = runPush(runner);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^::error::The data commit does not apply to the new main/m);
    expect(git(origin, 'rev-parse', 'main')).toBe(before);
  });
});

describe('data workflow: a failed scheduled run', () => {
  const job = data.jobs['report-failure'] as Job;
  const step = job.steps.find((s) => s.name === 'Open or update the issue') as Step;

  it('opens or updates an issue only for scheduled runs that failed, whichever job failed', () => {
    for (const failed of ['refresh', 'test', 'build', 'deploy']) {
      expect(
        dataRun({ event: 'schedule', outcomes: { [failed]: 'failure' } })['report-failure'],
        failed,
      ).toBe('success');
      expect(
        dataRun({ event: 'workflow_dispatch', outcomes: { [failed]: 'failure' } })[
          'report-failure'
        ],
      ).toBe('skipped');
    }
    expect(dataRun({ event: 'schedule' })['report-failure']).toBe('skipped');
    // A job past its time limit ends the run cancelled, not failed: that is reported too.
    expect(dataRun({ event: 'schedule', cancelled: true })['report-failure']).toBe('success');
    expect(dataRun({ event: 'workflow_dispatch', cancelled: true })['report-failure']).toBe(
      'skipped',
    );
    expect(dataRun({ event: 'push', outcomes: { build: 'failure' } })['report-failure']).toBe(
      'skipped',
    );
  });

  it("is told the district's name by the district job", () => {
    expect(needsOf(job)).toContain('district');
    expect(step.env?.['DISTRICT']).toBe('${{ needs.district.outputs.name }}');
  });

  /**
   * The step's script of `wf`'s job `jobId` with `gh` replaced by a function that records its
   * calls (and the title the jq filter is given through the environment), DISTRICT as `name`.
   */
  function runReport(
    openIssue: string,
    name: string,
    wf: Workflow = data,
    jobId = 'report-failure',
  ) {
    const reportStep = (wf.jobs[jobId] as Job).steps.find(
      (s) => s.name === 'Open or update the issue',
    ) as Step;
    const script = `gh() { printf 'gh %s\\n' "$*" >&2; if [[ $1 == issue && $2 == list ]]; then printf 'jq title: %s\\n' "$ISSUE_TITLE" >&2; printf '%s' "$OPEN_ISSUE"; fi; }\nexport -f gh\n${reportStep.run ?? ''}`;
    return spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
      cwd: new URL('.', root),
      env: {
        PATH: process.env['PATH'] ?? '',
        OPEN_ISSUE: openIssue,
        RUN_URL: 'https://example.invalid/run/1',
        DISTRICT: name,
      },
      encoding: 'utf8',
    });
  }

  it.each(AREAS)(
    'creates the issue when none is open, titled by the district (%s) and naming the run',
    (area) => {
      const { name } = districtSettings(area);
      const result = runReport('', name);
      expect(result.status).toBe(0);
      expect(result.stderr).toContain(`jq title: Scheduled data refresh of ${name} failed\n`);
      expect(result.stderr).toMatch(
        new RegExp(
          `^gh issue create --title Scheduled data refresh of ${name} failed --body The scheduled data refresh of ${name} .*https://example\\.invalid/run/1`,
          'm',
        ),
      );
    },
  );

  it('comments on the open issue instead of opening another', () => {
    const result = runReport('42', districtSettings(DEFAULT_AREA).name);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(
      /^gh issue comment 42 --body .*https:\/\/example\.invalid\/run\/1/m,
    );
    expect(result.stderr).not.toContain('issue create');
  });

  it.each([
    ['data.yml', data, 'Scheduled data refresh failed before naming its district'],
    [
      'caches.yml',
      caches,
      'Scheduled check of the published data failed before naming its district',
    ],
  ] as const)(
    '%s: says the district could not be named when the district job failed, blaming AREA only for its own step',
    (_file, wf, title) => {
      const result = runReport('', '', wf);
      expect(result.status).toBe(0);
      const create = result.stderr.split('\n').find((line) => line.startsWith('gh issue create'));
      // The job also fails when its checkout, Node or install does (a registry that did not
      // answer): the issue does not say AREA is wrong, nor the data behind, only where to look.
      expect(create).toMatch(
        new RegExp(
          `^gh issue create --title ${title} --body .*before it named its district: https://example\\.invalid/run/1\\. .*says which step failed`,
        ),
      );
      const sentences = (create ?? '').split('--body ')[1]?.split(/(?<=\.) /) ?? [];
      const blamesArea = sentences.filter((sentence) => /repository variable AREA/.test(sentence));
      expect(blamesArea.length).toBe(1);
      expect(blamesArea[0]).toMatch(/^When it is the step that reads the district's settings/);
      expect(create).toMatch(/Any other step .* failed on its own/);
    },
  );

  it.each(AREAS)("caches.yml's watch titles its issue by the district (%s) too", (area) => {
    const { name } = districtSettings(area);
    expect(caches.jobs['report-failure']?.needs).toContain('district');
    const result = runReport('', name, caches);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(
      new RegExp(
        `^gh issue create --title ${name}'s published data is behind police\\.uk --body The check of ${name}'s published data`,
        'm',
      ),
    );
  });

  it("matches the open issue's title whatever characters the district's name holds", () => {
    const name = 'St. "Mary\'s" $(x) \\ District';
    const result = runReport('', name);
    expect(result.status).toBe(0);
    // Given to jq as data, whole; and the search (a narrowing) has no double quote of it.
    expect(result.stderr).toContain(`jq title: Scheduled data refresh of ${name} failed\n`);
    const list = result.stderr.split('\n').find((line) => line.startsWith('gh issue list'));
    expect(list).toContain('--jq map(select(.title == $ENV.ISSUE_TITLE))');
    expect(list).toContain(
      '--search "Scheduled data refresh of St. Mary\'s $(x) \\ District failed" in:title',
    );
  });
});

describe('the district the workflows are for: one setting, AREA', () => {
  const refresh = data.jobs['refresh'] as Job;
  const keep = caches.jobs['keep-caches'] as Job;
  const cacheSteps = (job: Job) => job.steps.filter((s) => s.uses?.startsWith('actions/cache'));

  /** Every string value in `value` (a parsed workflow: its comments left out). */
  const strings = (value: unknown): string[] =>
    typeof value === 'string'
      ? [value]
      : typeof value === 'object' && value !== null
        ? Object.values(value).flatMap(strings)
        : [];

  it('is read in one place: the area input, else the repository variable AREA', () => {
    for (const wf of [data, caches]) {
      const { step } = settingsStep(wf);
      expect(step.env).toEqual({ AREA: '${{ inputs.area || vars.AREA }}' });
      expect(step.run).toContain('npm run --silent workflow-settings');
      expect(wf.on['workflow_dispatch']?.inputs?.['area']?.default).toBe('');
      const readers = strings(wf.jobs).filter((v) => /inputs\.area|vars\.AREA/.test(v));
      expect(readers).toEqual([
        '${{ inputs.area || vars.AREA }}',
        // The watch's advice: the district the schedule refreshes, whatever a run by hand checks.
        ...(wf === caches ? ['${{ vars.AREA }}'] : []),
      ]);
    }
    expect(caches.jobs['watch']?.env?.['SCHEDULED_AREA']).toBe('${{ vars.AREA }}');
  });

  it('names no district in either workflow: every path, key, command and title is derived', () => {
    for (const area of AREAS) {
      const settings = districtSettings(area);
      const district = [area, settings.name, settings['refresh-dir'], settings.approvals];
      for (const wf of [data, caches]) {
        const named = strings(wf).filter((value) =>
          district.some((word) => value.toLowerCase().includes(word.toLowerCase())),
        );
        expect(named, area).toEqual([]);
      }
    }
    // The refresh, the cache keep-alive and the watch take the district from the district job.
    for (const job of [refresh, keep]) {
      expect(job.env).toEqual({
        AREA: '${{ needs.district.outputs.area }}',
        REFRESH_DIR: '${{ needs.district.outputs.refresh-dir }}',
      });
    }
    expect(caches.jobs['watch']?.env).toEqual({
      AREA: '${{ needs.district.outputs.area }}',
      SCHEDULED_AREA: '${{ vars.AREA }}',
    });
    const commands = [data, caches].flatMap((wf) =>
      strings(wf.jobs).filter((v) => v.includes('refresh-data')),
    );
    expect(commands.length).toBe(4);
    for (const command of commands) expect(command).toContain(REFRESH);
    const build = (data.jobs['build'] as Job).steps.find((s) => s.run === 'npm run build');
    expect(build?.env?.['AREA']).toBe('${{ needs.district.outputs.area }}');
  });

  /**
   * `text` (a cache step's path, key or restore keys) as GitHub expands it in the refresh of
   * `area`: the district's outputs and env as the district job gives them; what else an
   * expression gives (a hash, a run id) as its name in capitals.
   */
  function expand(text: string, area: string): string {
    const settings = districtSettings(area);
    const expanded = text
      .replaceAll('${{ env.AREA }}', settings.area)
      .replaceAll('${{ env.REFRESH_DIR }}', settings['refresh-dir'])
      .replace(
        /\$\{\{ needs\.district\.outputs\.default-area == 'true' && '([^']*)' \|\| '' \}\}/g,
        (_, fallback: string) => (settings['default-area'] === 'true' ? fallback : ''),
      )
      .replace(/\$\{\{ hashFiles\([^)]*\) \}\}/g, 'HASH')
      .replaceAll('${{ github.run_id }}', 'RUN')
      .replaceAll('${{ github.run_attempt }}', 'ATTEMPT')
      .replaceAll('${{ steps.stamp.outputs.boundary-year }}', 'YEAR');
    expect(expanded, 'an expression this test knows').not.toContain('${{');
    return expanded;
  }

  /** The paths and keys of `job`'s caches in the refresh of `area`, expanded. */
  function cachesOf(job: Job, area: string) {
    return cacheSteps(job).map((step) => ({
      paths: expand(String(step.with?.['path']), area).split('\n').filter(Boolean),
      key: expand(String(step.with?.['key']), area),
      restores: expand(String(step.with?.['restore-keys'] ?? ''), area)
        .split('\n')
        .map((k) => k.trim())
        .filter(Boolean),
    }));
  }

  it.each(AREAS)(
    "keeps %s's caches in the folder its refresh stages in, where the pipeline reads them",
    (area) => {
      const settings = districtSettings(area);
      expect(settings['refresh-dir']).toBe(refreshStageDir(area));
      const staged = pipelinePaths({ root: '.', out: settings['refresh-dir'], area });
      const cached = cachesOf(refresh, area).flatMap(({ paths }) => paths);
      const relative = (file: string) => path.relative(path.resolve('.'), file);
      const read = [
        staged.sources.archiveDir,
        staged.sources.apiDir,
        staged.sources.manifestDir,
        staged.sources.apiLeafHistory,
        staged.monthsCacheDir,
        staged.sources.postcodesCache,
        staged.sources.pollingDistrictsCache,
      ].map(relative);
      for (const file of read) expect(cached).toContain(file);
      // And nothing else: a path the pipeline no longer reads (an older layout's) is no cache.
      for (const file of cached) expect(read).toContain(file);
      // The refresh's approvals file, which the push step checks main did not change.
      expect(settings.approvals).toBe(approvalsPath(area));
    },
  );

  it('never lets two districts share a cache: their folders and keys differ', () => {
    for (const area of AREAS) {
      for (const other of AREAS.filter((o) => o !== area)) {
        const ours = cachesOf(refresh, area);
        const theirs = cachesOf(refresh, other);
        ours.forEach(({ paths, key, restores }, i) => {
          const them = theirs[i]!;
          // GitHub restores a cache only by the same paths: none in common.
          expect(paths.filter((p) => them.paths.includes(p))).toEqual([]);
          expect(key).not.toBe(them.key);
          // Each key and the first restore key name the district.
          expect(key).toContain(`-${area}-`);
          if (restores.length > 0) expect(restores[0]).toContain(`-${area}-`);
        });
      }
    }
  });

  it('falls back, for the default district alone, on the caches saved before keys named one', () => {
    for (const area of AREAS) {
      const fallbacks = cachesOf(refresh, area).flatMap(({ restores }) => restores.slice(1));
      expect(fallbacks, area).toEqual(area === DEFAULT_AREA ? ['police-uk-', 'postcodes-io-'] : []);
      expect(cachesOf(keep, area).map((c) => c.restores)).toEqual(
        cachesOf(refresh, area).map((c) => c.restores),
      );
    }
  });

  it.each(['york', '../outside', 'Sheffield', 'leeds\nrefresh-dir=/tmp'])(
    'stops the run in its first job when AREA names no district configured (%j)',
    (area) => {
      const result = runSettingsStep(data, area);
      expect(result.status).toBe(1);
      expect(result.outputs).toEqual({});
      expect(result.stderr).toMatch(
        /^::error title=District not configured::AREA names the district/m,
      );
      if (area === 'york') expect(result.stderr).toContain(`Areas here: ${AREAS.join(', ')}`);
    },
  );

  it('takes the default district when AREA is empty or unset', () => {
    expect(runSettingsStep(data, '').outputs).toEqual(districtSettings(DEFAULT_AREA));
    expect(districtSettings(DEFAULT_AREA)['default-area']).toBe('true');
  });

  it.each([
    ['data.yml', data, 'schedule'],
    ['caches.yml', caches, 'schedule'],
    ['data.yml', data, 'push'],
  ] as const)(
    '%s on %s: when the district cannot be named, no other job runs but the failure report',
    (_file, wf, event) => {
      const run = simulateRun(wf.jobs, { event, outcomes: { district: 'failure' } });
      for (const [job, result] of Object.entries(run)) {
        if (job === 'district') continue;
        expect(result, job).toBe(
          job === 'report-failure' && event === 'schedule' ? 'success' : 'skipped',
        );
      }
    },
  );
});

describe('cache and watch workflow (.github/workflows/caches.yml)', () => {
  const refresh = data.jobs['refresh'] as Job;
  const keep = caches.jobs['keep-caches'] as Job;
  const cacheSteps = (job: Job) => job.steps.filter((s) => s.uses?.startsWith('actions/cache'));

  it('runs often enough that a late or dropped run leaves no 7 days (GitHub evicts an unused cache) without a restore, and by hand', () => {
    const crons = (caches.on['schedule'] as unknown as { cron: string }[]).map((c) => c.cron);
    expect(crons).toHaveLength(1);
    const [minute, hour, dayOfMonth, month, dayOfWeek] = (crons[0] as string).split(' ');
    expect([dayOfMonth, month]).toEqual(['*', '*']);
    const days = (dayOfWeek ?? '').split(',').map(Number).sort();
    // Any two gaps between runs in a row, in days, add up to less than 7: a dropped run, or
    // one started hours late, still leaves less than 7 days between restores.
    const gaps = days.map((d, i) => ((days[(i + 1) % days.length] ?? d) - d + 7) % 7 || 7);
    const twoInARow = gaps.map((g, i) => g + (gaps[(i + 1) % gaps.length] ?? 7));
    expect(Math.max(...twoInARow)).toBeLessThan(7);
    expect(`${minute} ${hour}`).not.toMatch(/^0 /);
    expect(caches.on).toHaveProperty('workflow_dispatch');
    // Never in the data workflow's group, where it could replace a waiting refresh.
    expect(caches.concurrency?.group).not.toBe(data.concurrency?.group);
  });

  it("restores every cache the refresh restores, by the refresh's paths and key prefixes", () => {
    const restoreKeysOf = (step: Step) =>
      String(step.with?.['restore-keys'] ?? step.with?.['key']).trim();
    const refreshCaches = cacheSteps(refresh).map((step) => ({
      path: String(step.with?.['path']),
      restores: restoreKeysOf(step),
    }));
    const kept = cacheSteps(keep).map((step) => ({
      path: String(step.with?.['path']),
      restores: restoreKeysOf(step),
    }));
    expect(refreshCaches).toHaveLength(4);
    expect(kept).toEqual(refreshCaches);
    // Restore only: a keep-alive run saves nothing, so it can never stand in for a refresh's.
    for (const step of cacheSteps(keep)) {
      expect(step.uses).toMatch(/^actions\/cache\/restore@/);
      // A key no run saves, so the newest cache with the refresh's prefix is restored.
      if (step.with?.['restore-keys']) {
        const [first] = String(step.with['restore-keys']).split('\n');
        expect(String(step.with['key'])).toMatch(/-keep$/);
        expect(String(step.with['key']).startsWith(first!)).toBe(true);
      }
    }
    // The same district, and so the same folder, as the refresh's.
    expect(keep.env).toEqual(refresh.env);
    expect(needsOf(keep)).toEqual(['district']);
    expect(caches.jobs['district']).toEqual(data.jobs['district']);
  });

  it('keys the polling districts by the same boundary year as the refresh', () => {
    const stamp = (job: Job) => job.steps.find((s) => s.id === 'stamp')?.run;
    expect(stamp(keep)).toBe(stamp(refresh));
    expect(stamp(refresh)).toContain('.github/scripts/boundary-year.sh');
  });

  it('warns, without failing, for each cache it could not find', () => {
    const say = keep.steps.at(-1) as Step;
    const summary = path.join(mkdtempSync(path.join(tmpdir(), 'caches-')), 'summary.md');
    const result = spawnSync(
      'bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', '-c', say.run ?? ''],
      {
        env: {
          PATH: process.env['PATH'] ?? '',
          GITHUB_STEP_SUMMARY: summary,
          POLICE_UK: 'police-uk-123-1',
          MONTHS: '',
          POSTCODES_IO: 'postcodes-io-123-1',
          POLLING_DISTRICTS: '',
        },
        encoding: 'utf8',
      },
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      '::warning::No MONTHS cache: the next refresh starts without it.\n' +
        '::warning::No POLLING_DISTRICTS cache: the next refresh starts without it.\n',
    );
    expect(readFileSync(summary, 'utf8')).toBe(
      '- POLICE_UK: kept police-uk-123-1\n- MONTHS: none\n- POSTCODES_IO: kept postcodes-io-123-1\n- POLLING_DISTRICTS: none\n',
    );
    expect(Object.keys(say.env ?? {}).sort()).toEqual([
      'MONTHS',
      'POLICE_UK',
      'POLLING_DISTRICTS',
      'POSTCODES_IO',
    ]);
  });

  it('checks the published data kept up with police.uk', () => {
    const watch = caches.jobs['watch'] as Job;
    stepIndex(watch, 'npm ci');
    expect(stepIndex(watch, `${REFRESH} freshness`)).toBe(watch.steps.length - 1);
    expect(watch.permissions).toEqual({ contents: 'read' });
  });

  it('reports a failed or cancelled scheduled run in an issue, and nothing else', () => {
    const run = (facts: RunFacts) => simulateRun(caches.jobs, facts)['report-failure'];
    expect(run({ event: 'schedule', outcomes: { watch: 'failure' } })).toBe('success');
    expect(run({ event: 'schedule', outcomes: { 'keep-caches': 'failure' } })).toBe('success');
    expect(run({ event: 'schedule', cancelled: true })).toBe('success');
    expect(run({ event: 'schedule' })).toBe('skipped');
    expect(run({ event: 'workflow_dispatch', outcomes: { watch: 'failure' } })).toBe('skipped');
    const holders = Object.entries(caches.jobs).flatMap(([job, { steps }]) =>
      steps
        .filter((step) => /github\.token|secrets\./.test(JSON.stringify(step)))
        .map((step) => `${job}: ${step.name}`),
    );
    expect(holders).toEqual(['report-failure: Open or update the issue']);
    expect(caches.permissions).toEqual({});
  });
});

describe('.github/scripts/boundary-year.sh', () => {
  const script = new URL('.github/scripts/boundary-year.sh', root);
  const run = (...args: string[]) =>
    spawnSync('bash', [script.pathname, ...args], { encoding: 'utf8' });

  it.each([
    ['2026-05-31', '2025'],
    ['2026-06-01', '2026'],
    ['2026-06-03', '2026'],
    ['2026-12-05', '2026'],
    ['2027-01-03', '2026'],
    ['2027-05-03', '2026'],
  ])('on %s the boundaries in force are of %s (redrawn in May, fetched from June)', (day, year) => {
    const result = run(day);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${year}\n`);
  });

  it('refuses a day that is not YYYY-MM-DD (exit 2)', () => {
    const result = run('5 June 2026');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/expected a day as YYYY-MM-DD/);
  });
});

describe('every workflow: a command that fails fails its step', () => {
  const steps = (wf: Workflow) =>
    Object.entries(wf.jobs).flatMap(([id, job]) =>
      job.steps.filter((step) => step.run !== undefined).map((step) => ({ id, job, step })),
    );

  it.each(ALL_WORKFLOWS)('%s runs every step in bash -eo pipefail', (file) => {
    const wf = workflow(file);
    for (const { id, job, step } of steps(wf)) {
      expect(shellOf(wf, job, step), `${id}: ${step.name}`).toEqual([
        'bash',
        '--noprofile',
        '--norc',
        '-eo',
        'pipefail',
      ]);
    }
  });

  it.each(ALL_WORKFLOWS)(
    '%s assigns each command substitution to a name, never into an argument where its failure is lost',
    (file) => {
      const misplaced = steps(workflow(file)).flatMap(({ id, step }) =>
        (step.run ?? '')
          .split('\n')
          .filter((line) => line.includes('$(') && !/^\s*[A-Za-z_]\w*=\$\(.*\)\s*$/.test(line))
          .map((line) => `${id}: ${step.name}: ${line.trim()}`),
      );
      expect(misplaced).toEqual([]);
    },
  );

  describe('the boundary year of the polling districts cache key', () => {
    let work: string;
    afterEach(() => rmSync(work, { recursive: true, force: true }));

    it.each([
      ['data.yml', data, 'refresh'],
      ['caches.yml', caches, 'keep-caches'],
    ] as const)(
      '%s: a boundary-year.sh that fails fails the step, writing no key to restore or save under',
      (_file, wf, jobId) => {
        work = mkdtempSync(path.join(tmpdir(), 'stamp-'));
        mkdirSync(path.join(work, '.github/scripts'), { recursive: true });
        writeFileSync(
          path.join(work, '.github/scripts/boundary-year.sh'),
          '#!/usr/bin/env bash\necho "boundary-year.sh: date: not found" >&2\nexit 127\n',
          { mode: 0o755 },
        );
        const job = wf.jobs[jobId] as Job;
        const step = job.steps.find((s) => s.id === 'stamp') as Step;
        const output = path.join(work, 'output');
        writeFileSync(output, '');
        const result = runStep(wf, job, step, work, { GITHUB_OUTPUT: output });
        expect(result.status).not.toBe(0);
        expect(result.stderr).toContain('boundary-year.sh: date: not found');
        expect(readFileSync(output, 'utf8')).toBe('');
      },
    );

    it('writes the year the script gives when it succeeds', () => {
      work = mkdtempSync(path.join(tmpdir(), 'stamp-'));
      const job = data.jobs['refresh'] as Job;
      const step = job.steps.find((s) => s.id === 'stamp') as Step;
      const output = path.join(work, 'output');
      const result = runStep(data, job, step, new URL('.', root).pathname, {
        GITHUB_OUTPUT: output,
      });
      expect(result.status, result.stderr).toBe(0);
      const year = spawnSync('bash', ['.github/scripts/boundary-year.sh'], {
        cwd: new URL('.', root).pathname,
        encoding: 'utf8',
      }).stdout.trim();
      expect(readFileSync(output, 'utf8')).toBe(`boundary-year=${year}\n`);
    });
  });

  describe('the commit the test job names for the build', () => {
    let work: string;
    afterEach(() => rmSync(work, { recursive: true, force: true }));
    const job = data.jobs['test'] as Job;
    const step = job.steps.find((s) => s.id === 'tested') as Step;

    it('fails the test job when git cannot name it, so no build checks out another commit', () => {
      work = mkdtempSync(path.join(tmpdir(), 'tested-'));
      const output = path.join(work, 'output');
      writeFileSync(output, '');
      // No repository: git rev-parse fails.
      const result = runStep(data, job, step, work, {
        GITHUB_OUTPUT: output,
        GIT_CEILING_DIRECTORIES: path.dirname(work),
      });
      expect(result.status).not.toBe(0);
      expect(readFileSync(output, 'utf8')).toBe('');
    });

    it('names the commit checked out', () => {
      work = mkdtempSync(path.join(tmpdir(), 'tested-'));
      execFileSync('git', ['init', '--quiet', work]);
      execFileSync(
        'git',
        [
          '-c',
          'user.name=T',
          '-c',
          'user.email=t@example.invalid',
          'commit',
          '--quiet',
          '--allow-empty',
          '-m',
          'x',
        ],
        { cwd: work },
      );
      const output = path.join(work, 'output');
      const result = runStep(data, job, step, work, { GITHUB_OUTPUT: output });
      expect(result.status, result.stderr).toBe(0);
      const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: work, encoding: 'utf8' });
      expect(readFileSync(output, 'utf8')).toBe(`sha=${head}`);
    });
  });
});

describe('CI workflow (.github/workflows/ci.yml)', () => {
  it('runs on pushes and pull requests with read-only permissions', () => {
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    expect(ci.permissions).toEqual({ contents: 'read' });
  });

  it('installs, typechecks, lints, tests and builds, in that order', () => {
    const job = ci.jobs['check'] as Job;
    const order = ['npm ci', 'npm run typecheck', 'npm run lint', 'npm test', 'npm run build'].map(
      (command) => stepIndex(job, command),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });
});

describe('every workflow', () => {
  const files = ALL_WORKFLOWS;

  it.each(files)(
    '%s pins every action to a full commit SHA, with its version beside it',
    (file) => {
      const uses = [...text(file).matchAll(/^\s*(?:-\s*)?uses:\s*(\S+)(.*)$/gm)];
      expect(uses.length).toBeGreaterThan(0);
      for (const [, ref, rest] of uses) {
        expect(ref, ref).toMatch(/^[\w.-]+\/[\w.-]+(?:\/[\w.-]+)*@[0-9a-f]{40}$/);
        expect(rest, ref).toMatch(/# v\d+\.\d+\.\d+/);
      }
    },
  );

  it.each(files)('%s sets up Node from .nvmrc, the major version the project pins', (file) => {
    const setups = Object.values(workflow(file).jobs)
      .flatMap((job) => job.steps)
      .filter((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(setups.length).toBeGreaterThan(0);
    for (const step of setups) expect(step.with?.['node-version-file']).toBe('.nvmrc');
    const pinned = JSON.parse(text('package.json')).devDependencies.node as string;
    expect(text('.nvmrc').trim()).toBe(/\d+/.exec(pinned)?.[0]);
  });

  it('the same action is pinned to the same commit everywhere', () => {
    const pins = new Map<string, Set<string>>();
    for (const file of files) {
      // actions/cache/restore is a part of actions/cache: the same commit.
      for (const [, action, sha] of text(file).matchAll(
        /uses:\s*([\w.-]+\/[\w.-]+)(?:\/[\w.-]+)*@(\S+)/g,
      )) {
        pins.set(action as string, (pins.get(action as string) ?? new Set()).add(sha as string));
      }
    }
    for (const [action, shas] of pins) expect(shas.size, action).toBe(1);
  });
});
