// A run killed part-way (SIGKILL, as a power cut or an OOM kill would) leaves the previous
// outputs whole, and the next run starts clean: a publish cut off half-way is completed from
// its journal, and temporary files are swept; so does every reader's first step (`npm run
// complete-publish`, the hook of build and dev; validate-data; the refresh's steps). The
// pipeline runs as its own process, killed at a chosen point through the PIPELINE_CRASH_AT
// test hook (pipeline/write.ts).
import { spawn, spawnSync } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelinePaths } from '../../pipeline/paths.ts';
import { cleanUpInterruptedRuns } from '../../pipeline/publish.ts';
import { RefreshError, validateStep } from '../../pipeline/refresh-steps.ts';
import { MAP_DATA_FILE_NAME, WARD_SHAPES_FILE_NAME } from '../../src/shared/map-data.ts';

const SAMPLE = path.join('data', 'sample', 'archive');
/** Outputs compared between runs; run-summary.json holds timings, so it is compared apart. */
const OUTPUTS = [
  'leeds_street_combined.csv',
  'leeds_stop_and_search.csv',
  'site-data.json',
  MAP_DATA_FILE_NAME,
  WARD_SHAPES_FILE_NAME,
];
const RUN_TIMEOUT_MS = 120_000;

let tmp: string;
/** Inputs of the two runs: the three sample months, then two of them (different outputs). */
let inputA: string;
let inputB: string;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

function pipeline(input: string, out: string, crashAt?: string): Promise<Run> {
  const child = spawn(
    process.execPath,
    ['pipeline/cli.ts', '--offline', '--archive-dir', input, '--out', out],
    {
      env: {
        ...process.env,
        SOURCE_DATE_EPOCH: '1748736000',
        ...(crashAt ? { PIPELINE_CRASH_AT: crashAt } : {}),
      },
    },
  );
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, output })),
  );
}

async function outputs(out: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of OUTPUTS) {
    files[name] = (await readFile(path.join(out, name))).toString('base64');
  }
  return files;
}

/** Every published file under `out` (the caches and the run's timings aside), as bytes. */
async function publishedFiles(out: string): Promise<Record<string, Buffer>> {
  const files: Record<string, Buffer> = {};
  for (const entry of await readdir(out, { recursive: true, withFileTypes: true })) {
    const name = path.relative(out, path.join(entry.parentPath, entry.name));
    if (!entry.isFile() || name.startsWith(`cache${path.sep}`) || name === 'run-summary.json') {
      continue;
    }
    files[name] = await readFile(path.join(out, name));
  }
  return files;
}

/** Every "*.tmp-<pid>" file under `dir`. */
async function temporaryFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir, { recursive: true });
  return names.filter((name) => /\.tmp-\d+$/.test(name));
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'interrupted-'));
  inputA = SAMPLE;
  inputB = path.join(tmp, 'two-months');
  await cp(SAMPLE, inputB, { recursive: true });
  await rm(path.join(inputB, '2024-03'), { recursive: true });
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('a pipeline run killed part-way', () => {
  it(
    'leaves the previous outputs whole when killed before publishing, and the next run sweeps its temporary files',
    async () => {
      const out = path.join(tmp, 'before-publish');
      expect((await pipeline(inputA, out)).code).toBe(0);
      const previous = await outputs(out);
      const previousSummary = await readFile(path.join(out, 'run-summary.json'));

      const killed = await pipeline(inputB, out, 'staged');
      expect(killed.signal).toBe('SIGKILL');
      expect(await outputs(out)).toEqual(previous);
      expect(await readFile(path.join(out, 'run-summary.json'))).toEqual(previousSummary);
      expect((await temporaryFiles(out)).length).toBeGreaterThan(0);

      const next = await pipeline(inputB, out);
      expect(next.code, next.output).toBe(0);
      expect(next.output).toMatch(
        /note: \d+ temporary file\(s\) left by interrupted runs were removed/,
      );
      expect(await temporaryFiles(out)).toEqual([]);
      const clean = path.join(tmp, 'clean-b');
      expect((await pipeline(inputB, clean)).code).toBe(0);
      expect(await outputs(out)).toEqual(await outputs(clean));
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'is completed from its journal when killed while publishing, so the outputs are never a mix',
    async () => {
      const out = path.join(tmp, 'while-publishing');
      expect((await pipeline(inputA, out)).code).toBe(0);
      const clean = path.join(tmp, 'clean-b2');
      expect((await pipeline(inputB, clean)).code).toBe(0);
      const wanted = await outputs(clean);

      const killed = await pipeline(inputB, out, 'publishing');
      expect(killed.signal).toBe('SIGKILL');
      // Killed after the first rename: one file is in place, the others still wait in their
      // temporary files, so the outputs are not the new run's.
      const journal = JSON.parse(
        await readFile(path.join(out, 'publish-journal.json'), 'utf8'),
      ) as { renames: { from: string; to: string }[] };
      const pending = [];
      for (const { from } of journal.renames) {
        if (await stat(from).catch(() => undefined)) pending.push(from);
      }
      expect(pending).toHaveLength(journal.renames.length - 1);
      const mixed = await outputs(out);
      expect(OUTPUTS.some((name) => mixed[name] !== wanted[name])).toBe(true);

      // What the next run does first: complete the publish from the journal.
      const notes = await cleanUpInterruptedRuns(pipelinePaths({ out }));
      expect(notes[0]).toMatch(/the previous run was stopped while publishing its outputs/);
      expect(await outputs(out)).toEqual(wanted);
      await expect(readdir(out)).resolves.not.toContain('publish-journal.json');

      const next = await pipeline(inputB, out);
      expect(next.code, next.output).toBe(0);
      expect(await outputs(out)).toEqual(wanted);
      expect(await temporaryFiles(out)).toEqual([]);
    },
    RUN_TIMEOUT_MS,
  );

  for (const crashAt of ['appending', 'publishing']) {
    it(
      `is completed from its journal when killed in a publish that appends a new month to the master CSV (at ${crashAt})`,
      async () => {
        // The sample without its last month, run; then the month added to the same folder.
        const input = path.join(tmp, `append-${crashAt}-input`);
        await cp(SAMPLE, input, { recursive: true });
        await rm(path.join(input, '2025-03'), { recursive: true });
        const out = path.join(tmp, `append-${crashAt}`);
        expect((await pipeline(input, out)).code).toBe(0);
        await cp(path.join(SAMPLE, '2025-03'), path.join(input, '2025-03'), { recursive: true });
        const clean = path.join(tmp, `append-${crashAt}-clean`);
        expect((await pipeline(input, clean)).code).toBe(0);
        const wanted = await publishedFiles(clean);
        const before = await stat(path.join(out, OUTPUTS[0]!));

        const killed = await pipeline(input, out, crashAt);
        expect(killed.signal).toBe('SIGKILL');
        const journal = JSON.parse(
          await readFile(path.join(out, 'publish-journal.json'), 'utf8'),
        ) as { appends: { to: string }[] };
        expect(journal.appends.map(({ to }) => path.basename(to))).toEqual([OUTPUTS[0]]);
        expect(await publishedFiles(out)).not.toEqual(wanted);

        const notes = await cleanUpInterruptedRuns(pipelinePaths({ out }));
        expect(notes[0]).toMatch(/the previous run was stopped while publishing its outputs/);
        expect(await publishedFiles(out)).toEqual(wanted);
        // Appended to, not replaced.
        expect((await stat(path.join(out, OUTPUTS[0]!))).ino).toBe(before.ino);
        expect(await temporaryFiles(out)).toEqual([]);

        const next = await pipeline(input, out);
        expect(next.code, next.output).toBe(0);
        // The completed file is the one the run recorded: the next run finds every month in it.
        expect(next.output).toMatch(/0 appended to the 3 of the published file/);
        expect(await publishedFiles(out)).toEqual(wanted);
      },
      RUN_TIMEOUT_MS,
    );
  }

  /**
   * Outputs of run A at `out`, then run B killed at 'publishing' over them; what every file
   * of B reads as now, and what it must read as (B run cleanly elsewhere).
   */
  async function killedWhilePublishing(name: string) {
    const out = path.join(tmp, name);
    expect((await pipeline(inputA, out)).code).toBe(0);
    const clean = path.join(tmp, `${name}-clean`);
    expect((await pipeline(inputB, clean)).code).toBe(0);
    const wanted = await publishedFiles(clean);
    const killed = await pipeline(inputB, out, 'publishing');
    expect(killed.signal).toBe('SIGKILL');
    const asRead = async () => {
      const files = await publishedFiles(out);
      return Object.keys(wanted).map((file) => [file, files[file]?.toString('base64')]);
    };
    const expected = Object.entries(wanted).map(([file, bytes]) => [
      file,
      bytes.toString('base64'),
    ]);
    expect(await asRead()).not.toEqual(expected);
    return { out, asRead, expected };
  }

  it(
    "is completed by the readers' first step (npm run complete-publish) when killed while publishing, so what they read is the new run's outputs byte for byte",
    async () => {
      const { out, asRead, expected } = await killedWhilePublishing('read-after-kill');
      const step = spawnSync('npm', ['run', '--silent', 'complete-publish', '--', '--out', out], {
        encoding: 'utf8',
      });
      expect(step.status, step.stderr).toBe(0);
      expect(await asRead()).toEqual(expected);
      expect(step.stderr).toMatch(/note: the previous run was stopped while publishing/);
      expect(await readdir(out)).not.toContain('publish-journal.json');
      expect(await temporaryFiles(out)).toEqual([]);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    "is completed by the refresh's validate step before it reads the staged outputs",
    async () => {
      const { out, asRead, expected } = await killedWhilePublishing('validate-after-kill');
      const logs: string[] = [];
      // The gate's verdict on these outputs does not matter here, only what it read.
      await validateStep({
        root: '.',
        stageDir: out,
        pipelineArgs: [],
        env: {},
        log: (line) => logs.push(line),
      }).catch((error: unknown) => expect(error).toBeInstanceOf(RefreshError));
      expect(await asRead()).toEqual(expected);
      expect(logs.join('\n')).toMatch(/the previous run was stopped while publishing/);
      expect(await readdir(out)).not.toContain('publish-journal.json');
      expect(await temporaryFiles(out)).toEqual([]);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    "is completed by the site build's hook (npm run prebuild) for the area folder the build reads (AREA_DATA_DIR)",
    async () => {
      const { out, asRead, expected } = await killedWhilePublishing('area-build-hook');
      // `AREA=<slug> AREA_DATA_DIR=<out> npm run build` reads `out`: its hook must complete it.
      const hook = spawnSync('npm', ['run', '--silent', 'prebuild'], {
        encoding: 'utf8',
        env: { ...process.env, AREA: 'sheffield', AREA_DATA_DIR: out },
      });
      expect(hook.status, hook.stderr).toBe(0);
      expect(await asRead()).toEqual(expected);
      expect(hook.stderr).toMatch(/note: the previous run was stopped while publishing/);
      expect(await readdir(out)).not.toContain('publish-journal.json');
      expect(await temporaryFiles(out)).toEqual([]);
    },
    RUN_TIMEOUT_MS,
  );
});
