// A command that fails prints the failure as inert in the log as every other line, whether it
// expected the failure or not: a parse error quoting a file, a reference file's ward name, a
// folder's name. The commands run as `npm run` runs them: node on the .ts file, in a child
// process, so what Node itself would print of an error thrown out of the command is seen too.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../support/run-script.ts';

const REPO = path.resolve(import.meta.dirname, '../..');

/**
 * Text from outside that a terminal or the Actions runner would act on: an escape sequence
 * that erases the line, a carriage return, a C1 control, workflow commands at a line's start
 * and "##[" mid-line.
 */
const HOSTILE = 'Hyde \x1b[2K\r\x9b2J\n::warning::forged\n##[error]forged';
/** HOSTILE as it may be in a file's name: one folder. */
const HOSTILE_NAME = HOSTILE.replaceAll('/', '_');
/** Lines the runner would read as a workflow command: "::" at the start, "##[" anywhere. */
const COMMAND = /^\s*::|##\[/;

/** Nothing in `printed` the runner or a terminal would act on. */
function expectInert(printed: string) {
  expect(printed.split('\n').filter((line) => COMMAND.test(line))).toEqual([]);
  // eslint-disable-next-line no-control-regex -- what must not be printed
  expect(printed.match(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g)).toBeNull();
}

/** `script` run as npm runs it, from `cwd`, with PIPELINE_DEBUG set when `debug`. */
function run(
  script: string,
  args: readonly string[],
  options: { cwd?: string; debug?: boolean; env?: Record<string, string> } = {},
) {
  const env = { ...options.env, ...(options.debug ? { PIPELINE_DEBUG: '1' } : {}) };
  return runScript(script, args, { ...(options.cwd ? { cwd: options.cwd } : {}), env });
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'command-failure-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/**
 * A folder named HOSTILE_NAME holding a publish journal that is not JSON and quotes HOSTILE:
 * reading it fails with an error naming the journal, caused by a parse error quoting it.
 */
async function brokenJournalFolder(name: string): Promise<string> {
  const out = path.join(tmp, name, HOSTILE_NAME);
  await mkdir(out, { recursive: true });
  await writeFile(path.join(out, 'publish-journal.json'), `${HOSTILE} {`);
  return out;
}

describe('refresh-data, when a step fails with an error it does not expect', () => {
  it('prints it escaped, on stderr and in --json, and exits 1', async () => {
    const root = path.join(tmp, 'refresh');
    const stage = await brokenJournalFolder('refresh');
    const { status, stdout, stderr } = run('pipeline/refresh.ts', ['--json', 'validate'], {
      cwd: root,
      env: { REFRESH_DIR: stage },
    });
    expect(status).toBe(1);
    expectInert(stderr);
    expectInert(stdout);
    const journal = path.join(stage, 'publish-journal.json');
    expect(stderr).toMatch(/^refresh-data validate: .* is not a readable publish journal/s);
    // The folder's name, shown: its escape sequence and carriage return as text, each line
    // that would start a command broken.
    expect(stderr.replaceAll('\u2060', '')).toContain(
      'Hyde \\x1b[2K\\x0d\\x9b2J\n::warning::forged\n##[error]forged',
    );
    // No stack without PIPELINE_DEBUG: the message alone.
    expect(stderr).not.toMatch(/^ {4}at /m);
    const printed = JSON.parse(stdout) as { step: string; ok: boolean; error: string };
    expect(printed).toMatchObject({ step: 'validate', ok: false });
    expect(printed.error).toContain(`${journal} is not a readable publish journal`);
  });

  it('prints its stack and its cause with PIPELINE_DEBUG, escaped too', async () => {
    const root = path.join(tmp, 'refresh-debug');
    const stage = await brokenJournalFolder('refresh-debug');
    const { status, stderr } = run('pipeline/refresh.ts', ['validate'], {
      cwd: root,
      env: { REFRESH_DIR: stage },
      debug: true,
    });
    expect(status).toBe(1);
    expectInert(stderr);
    expect(stderr).toMatch(/^ {4}at .*pipeline\/write\.ts:\d+/m);
    // The cause: the parse error quoting the journal's text.
    expect(stderr).toMatch(/\[cause\]: SyntaxError: .*"Hyde \\x1b\[2K\\x0d"/);
  });
});

describe('validate-data, when the reference wards cannot be used', () => {
  it('prints the problem, quoting a ward name, escaped, and exits 2 (could not check)', async () => {
    const root = path.join(tmp, 'validate');
    await cp(
      path.join(REPO, 'data/areas/leeds/area.json'),
      path.join(root, 'data/areas/leeds/area.json'),
    );
    // One ward whose ring is not closed: the reference check names it by code and name.
    const ward = {
      type: 'Feature',
      properties: { WD25CD: 'E05011414', WD25NM: HOSTILE },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [-1.55, 53.8],
            [-1.54, 53.8],
            [-1.54, 53.81],
            [-1.55, 53.81],
          ],
        ],
      },
    };
    await mkdir(path.join(root, 'data/reference'), { recursive: true });
    await writeFile(
      path.join(root, 'data/reference/wards.geojson'),
      JSON.stringify({ type: 'FeatureCollection', features: [ward] }),
    );
    const siteData = path.join(REPO, 'src/data/site-data.json');
    const args = ['--candidate', siteData, '--previous', siteData];
    const { status, stdout, stderr } = run('pipeline/validate-cli.ts', args, { cwd: root });
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expectInert(stderr);
    expect(stderr).toMatch(/^validate-data: .*\/data\/reference\/wards\.geojson: has 1 polygon/);
    expect(stderr.replaceAll('\u2060', '')).toContain(
      '(E05011414 Hyde \\x1b[2K\\x0d\\x9b2J\n::warning::forged\n##[error]forged)',
    );

    const debug = run('pipeline/validate-cli.ts', args, { cwd: root, debug: true });
    expect(debug.status).toBe(2);
    expectInert(debug.stderr);
    expect(debug.stderr).toMatch(
      /^ReferenceDataError: .*\/data\/reference\/wards\.geojson: has 1 polygon/m,
    );
    expect(debug.stderr).toMatch(/^ {4}at .*pipeline\/reference\.ts:\d+/m);
  });
});

describe('complete-publish, when the journal cannot be read', () => {
  it('prints its stack and cause with PIPELINE_DEBUG, escaped, and exits 1', async () => {
    const out = await brokenJournalFolder('publish');
    const plain = run('pipeline/publish-cli.ts', ['--out', out]);
    expect(plain.status).toBe(1);
    expectInert(plain.stderr);
    expect(plain.stderr).toMatch(/^complete-publish: .* is not a readable publish journal/s);
    expect(plain.stderr).not.toMatch(/^ {4}at /m);

    const debug = run('pipeline/publish-cli.ts', ['--out', out], { debug: true });
    expect(debug.status).toBe(1);
    expectInert(debug.stderr);
    expect(debug.stderr).toMatch(/^ {4}at .*pipeline\/write\.ts:\d+/m);
    expect(debug.stderr).toMatch(/\[cause\]: SyntaxError: .*"Hyde \\x1b\[2K\\x0d"/);
    // The journal is left for whoever mends it.
    expect(await readFile(path.join(out, 'publish-journal.json'), 'utf8')).toBe(`${HOSTILE} {`);
  });
});

describe('the pipeline, when a run fails', () => {
  it("prints with PIPELINE_DEBUG the stack and the cause, the failure's own stack included", async () => {
    const out = await brokenJournalFolder('pipeline');
    const { status, stderr } = run('pipeline/cli.ts', ['--offline', '--out', out], {
      debug: true,
    });
    expect(status).toBe(1);
    expectInert(stderr);
    expect(stderr).toMatch(/No output was changed: every output of this run was discarded\.\n/);
    expect(stderr).toMatch(/^ {4}at .*pipeline\/write\.ts:\d+/m);
    expect(stderr).toMatch(/\[cause\]: SyntaxError: .*"Hyde \\x1b\[2K\\x0d"/);
  });
});

describe('area-reference, when a boundary file is not JSON', () => {
  it('prints its cause, quoting the file, escaped with PIPELINE_DEBUG, and exits 1', async () => {
    const root = path.join(tmp, 'area-reference');
    await cp(
      path.join(REPO, 'data/areas/sheffield/area.json'),
      path.join(root, 'data/areas/sheffield/area.json'),
    );
    const area = JSON.parse(
      await readFile(path.join(root, 'data/areas/sheffield/area.json'), 'utf8'),
    ) as {
      boundaries: { wards: { file: string } };
    };
    await mkdir(path.dirname(path.join(root, area.boundaries.wards.file)), { recursive: true });
    await writeFile(path.join(root, area.boundaries.wards.file), HOSTILE);
    const args = ['sheffield', '--nomis', 'ts001.csv'];
    const { status, stderr } = run('pipeline/area-reference-cli.ts', args, {
      cwd: root,
      debug: true,
    });
    expect(status).toBe(1);
    expectInert(stderr);
    expect(stderr).toMatch(
      /^area-reference: .*wards.*: cannot be read as JSON \(Unexpected token .*"Hyde \\x1b\[2K\\x0d"/,
    );
    expect(stderr).toMatch(/\[cause\]: SyntaxError: .*"Hyde \\x1b\[2K\\x0d"/);
  });
});

describe('bench/summary.ts, when the results file is not JSON', () => {
  it('prints the parse error, quoting the file, escaped, and exits 1', async () => {
    const results = path.join(tmp, 'results.json');
    await writeFile(results, HOSTILE);
    const { status, stdout, stderr } = run('bench/summary.ts', [results]);
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expectInert(stderr);
    expect(stderr).toMatch(/^bench\/summary\.ts: Unexpected token .*"Hyde \\x1b\[2K\\x0d"/);
  });
});
