// The workflow files, read as GitHub reads them: triggers, permissions, pinning, the jobs each
// trigger runs, and the order that keeps unvalidated data from being committed or deployed.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { simulateRun, type RunFacts } from './support/job-conditions.ts';

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
  'continue-on-error'?: unknown;
}
interface Job {
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  steps: Step[];
  'continue-on-error'?: unknown;
  environment?: { name: string };
}
interface Workflow {
  on: Record<string, { branches?: string[]; inputs?: Record<string, { default?: unknown }> }>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, Job>;
}

const root = new URL('../../', import.meta.url);
const text = (path: string) => readFileSync(new URL(path, root), 'utf8');
const workflow = (path: string) => parse(text(path)) as Workflow;

const data = workflow('.github/workflows/data.yml');
const ci = workflow('.github/workflows/ci.yml');

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

/** Step or job conditions that would run even after an earlier failure. */
const RUNS_AFTER_FAILURE = /always\(\)|failure\(\)|cancelled\(\)/;

/** Each data-workflow job's result for a run with these facts ('skipped' = did not run). */
function dataRun(facts: RunFacts) {
  return simulateRun(data.jobs, facts);
}

describe('data workflow (.github/workflows/data.yml)', () => {
  it('runs on a monthly schedule, by hand, and on pushes to main', () => {
    const schedule = data.on['schedule'] as unknown as { cron: string }[];
    expect(schedule).toHaveLength(1);
    const fields = schedule[0]?.cron.split(/\s+/) ?? [];
    expect(fields).toHaveLength(5);
    const [minute, hour, dayOfMonth, month, dayOfWeek] = fields;
    // Once a month: fixed minute, hour and day of the month; every month; any weekday.
    expect([minute, hour, dayOfMonth].every((f) => /^\d+$/.test(f ?? ''))).toBe(true);
    expect(Number(dayOfMonth)).toBeLessThanOrEqual(28);
    expect([month, dayOfWeek]).toEqual(['*', '*']);
    expect(Object.keys(data.on).sort()).toEqual(['push', 'schedule', 'workflow_dispatch']);
    expect(data.on['push']?.branches).toEqual(['main']);
  });

  it.each(['schedule', 'workflow_dispatch'])(
    'on %s: refreshes, then builds and deploys',
    (event) => {
      expect(dataRun({ event })).toEqual({
        refresh: 'success',
        build: 'success',
        deploy: 'success',
      });
    },
  );

  it('on a push to main: builds and deploys without refreshing', () => {
    expect(dataRun({ event: 'push' })).toEqual({
      refresh: 'skipped',
      build: 'success',
      deploy: 'success',
    });
    // A failed build deploys nothing.
    expect(dataRun({ event: 'push', outcomes: { build: 'failure' } }).deploy).toBe('skipped');
  });

  it('runs the refresh steps in the order pipeline, validate, commit, then build, then deploy', () => {
    const refresh = data.jobs['refresh'] as Job;
    const pipeline = stepIndex(refresh, 'refresh-data -- pipeline');
    const validate = stepIndex(refresh, 'refresh-data -- validate');
    const commit = stepIndex(refresh, 'refresh-data -- commit');
    const push = stepIndex(refresh, 'git push');
    expect(pipeline).toBeLessThan(validate);
    expect(validate).toBeLessThan(commit);
    expect(commit).toBeLessThan(push);

    const build = data.jobs['build'] as Job;
    expect(needsOf(build)).toEqual(['refresh']);
    // The build checks out the commit the refresh made, not the run's starting commit; a push
    // run (no refresh) builds main as it is when the build starts.
    expect(build.steps[0]?.with?.['ref']).toBe("${{ needs.refresh.outputs.sha || 'main' }}");
    const buildStep = stepIndex(build, 'npm run build');
    const upload = build.steps.findIndex((s) =>
      s.uses?.startsWith('actions/upload-pages-artifact@'),
    );
    expect(buildStep).toBeLessThan(upload);

    const deploy = data.jobs['deploy'] as Job;
    expect(needsOf(deploy)).toEqual(['build']);
    expect(deploy.steps.map((s) => s.uses?.split('@')[0])).toEqual(['actions/deploy-pages']);
    expect(Object.keys(data.jobs).sort()).toEqual(['build', 'deploy', 'refresh']);
  });

  it('cannot commit, build or deploy when validation fails', () => {
    const refresh = data.jobs['refresh'] as Job;
    const commit = stepIndex(refresh, 'refresh-data -- commit');
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
          refresh: outcome,
          build: 'skipped',
          deploy: 'skipped',
        });
      }
      expect(dataRun({ event, cancelled: true, outcomes: { refresh: 'cancelled' } }).deploy).toBe(
        'skipped',
      );
    }
    for (const name of ['build', 'deploy']) {
      expect(data.jobs[name]?.['continue-on-error'], name).toBeUndefined();
    }
  });

  it('gives each job only the permissions it needs, and a push no write access to code', () => {
    expect(data.permissions).toEqual({});
    expect(data.jobs['refresh']?.permissions).toEqual({ contents: 'write' });
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
    const pipeline = stepIndex(refresh, 'refresh-data -- pipeline');
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
  });
});

describe('data workflow: the months a refresh fetches', () => {
  const refresh = data.jobs['refresh'] as Job;
  const step = refresh.steps[stepIndex(refresh, 'refresh-data -- pipeline')] as Step;

  /** The pipeline step's script as the runner's bash runs it, npm replaced by an echo. */
  function runPipelineStep(months: string): { status: number | null; lines: string[] } {
    const script = `npm() { printf '%s\\n' "$@"; }\n${step.run ?? ''}`;
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
      env: { PATH: process.env['PATH'] ?? '', MONTHS: months },
      encoding: 'utf8',
    });
    return { status: result.status, lines: result.stdout.split('\n').filter(Boolean) };
  }

  it('passes no months on schedule or by default, so refresh-data fetches from the first published month', () => {
    expect(step.env?.['MONTHS']).toBe('${{ inputs.months }}');
    expect(data.on['workflow_dispatch']?.inputs?.['months']?.default).toBe('');
    expect(runPipelineStep('')).toEqual({
      status: 0,
      lines: ['run', 'refresh-data', '--', 'pipeline'],
    });
  });

  it.each([
    ['--range 2022-04 2025-03', ['--range', '2022-04', '2025-03']],
    ['--month 2025-02', ['--month', '2025-02']],
    ['--latest', ['--latest']],
  ])('passes the months asked for by hand: %s', (months, args) => {
    expect(runPipelineStep(months)).toEqual({
      status: 0,
      lines: ['run', 'refresh-data', '--', 'pipeline', ...args],
    });
  });

  it.each(['--range 2025-03', '2025-03', '--latest; rm -rf ~', '$(id)'])(
    'refuses any other months input before running anything: %s',
    (months) => {
      const { status, lines } = runPipelineStep(months);
      expect(status).toBe(2);
      expect(lines).toEqual([expect.stringMatching(/^::error::months must be empty, --latest/)]);
    },
  );
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

describe('both workflows', () => {
  const files = ['.github/workflows/data.yml', '.github/workflows/ci.yml'];

  it.each(files)(
    '%s pins every action to a full commit SHA, with its version beside it',
    (file) => {
      const uses = [...text(file).matchAll(/^\s*(?:-\s*)?uses:\s*(\S+)(.*)$/gm)];
      expect(uses.length).toBeGreaterThan(0);
      for (const [, ref, rest] of uses) {
        expect(ref, ref).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
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
      for (const [, action, sha] of text(file).matchAll(/uses:\s*([\w.-]+\/[\w.-]+)@(\S+)/g)) {
        pins.set(action as string, (pins.get(action as string) ?? new Set()).add(sha as string));
      }
    }
    for (const [action, shas] of pins) expect(shas.size, action).toBe(1);
  });
});
