// validate-data reads a district's outputs (its site data and run summary) and first completes
// a publish that an interrupted run left half done in that folder: the folder of its --area,
// whatever the environment names for the site build (AREA, AREA_DATA_DIR), so it never checks
// a mix of two runs, nor completes another district's folder.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runScript } from '../support/run-script.ts';
import { GONE_PID, writeLeftJournal } from '../support/left-journal.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const SHEFFIELD = 'data/areas/sheffield';

let root: string;
let elsewhere: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'validate-publish-'));
  // Sheffield's reference files and committed outputs, as a clone holds them.
  await cp(path.join(REPO, SHEFFIELD), path.join(root, SHEFFIELD), {
    recursive: true,
    filter: (source) => !source.includes(`${path.sep}sample`) && !source.endsWith('cache'),
  });
  // The folder the environment names for the site build: never the one validate-data reads.
  elsewhere = path.join(root, 'elsewhere');
  await mkdir(elsewhere);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** validate-data run from the copy, with AREA and AREA_DATA_DIR naming other folders. */
function validate(args: readonly string[]) {
  const env = { AREA: 'leeds', AREA_DATA_DIR: elsewhere };
  return runScript('pipeline/validate-cli.ts', args, { cwd: root, env });
}

/**
 * A publish killed before its rename: the run had written its site data beside the old one and
 * its journal, and died; the file in place is not a run's output. Returns the site data's
 * path, its committed text (what the completed publish puts in place) and the journal's path.
 */
async function halfPublished(): Promise<{ siteData: string; committed: string; journal: string }> {
  const output = path.join(root, SHEFFIELD, 'output');
  const siteData = path.join(output, 'site-data.json');
  const committed = await readFile(siteData, 'utf8');
  const staged = `${siteData}.tmp-${GONE_PID}`;
  await writeFile(staged, committed);
  await writeFile(siteData, '{"a previous run": "cut short"');
  const journal = path.join(output, 'publish-journal.json');
  await writeLeftJournal(journal, { renames: [{ from: staged, to: siteData }] });
  return { siteData, committed, journal };
}

const PREVIOUS = path.join(REPO, SHEFFIELD, 'output/site-data.json');

describe('validate-data --area sheffield, with a publish left half done in its outputs', () => {
  it("completes the publish first, then checks the completed data: Sheffield's committed data against itself passes", async () => {
    const { siteData, committed, journal } = await halfPublished();
    const { status, stdout, stderr } = validate(['--area', 'sheffield', '--previous', PREVIOUS]);
    expect(status, stdout + stderr).toBe(0);
    expect(stderr).toContain(
      `validate-data: the previous run was stopped while publishing its outputs; its publish was completed from ${journal}`,
    );
    expect(await readFile(siteData, 'utf8')).toBe(committed);
    expect(existsSync(journal)).toBe(false);
  });

  it('completes it too when --candidate and --run-summary name those outputs themselves', async () => {
    const { siteData, committed, journal } = await halfPublished();
    const { status, stdout, stderr } = validate([
      '--area',
      'sheffield',
      '--candidate',
      `./${SHEFFIELD}/output/site-data.json`,
      '--run-summary',
      path.join(root, SHEFFIELD, 'output/run-summary.json'),
      '--previous',
      PREVIOUS,
    ]);
    expect(status, stdout + stderr).toBe(0);
    expect(stderr).toContain(`its publish was completed from ${journal}`);
    expect(await readFile(siteData, 'utf8')).toBe(committed);
    expect(existsSync(journal)).toBe(false);
  });

  it('completes it when --previous names its site data, the candidate and run summary being elsewhere', async () => {
    const { siteData, committed, journal } = await halfPublished();
    const staging = path.join(root, 'staging');
    await mkdir(staging);
    await writeFile(path.join(staging, 'site-data.json'), committed);
    // No run summary there (Sheffield commits none): its per-month checks are skipped.
    const { status, stdout, stderr } = validate([
      '--area',
      'sheffield',
      '--candidate',
      path.join(staging, 'site-data.json'),
      '--run-summary',
      path.join(staging, 'run-summary.json'),
      '--previous',
      siteData,
    ]);
    expect(status, stdout + stderr).toBe(0);
    expect(stderr).toContain(`its publish was completed from ${journal}`);
    expect(await readFile(siteData, 'utf8')).toBe(committed);
  });

  it("leaves the area's outputs alone when it reads none of them", async () => {
    const journal = path.join(root, SHEFFIELD, 'output/publish-journal.json');
    await writeFile(journal, '{"renames": [');
    const { status, stdout, stderr } = validate([
      '--area',
      'sheffield',
      '--candidate',
      PREVIOUS,
      '--run-summary',
      path.join(elsewhere, 'run-summary.json'),
      '--previous',
      PREVIOUS,
    ]);
    expect(status, stdout + stderr).toBe(0);
    expect(stderr).not.toContain(journal);
    expect(await readFile(journal, 'utf8')).toBe('{"renames": [');
  });

  it('stops when a file it reads is in another folder holding a publish left half done, naming what completes it', async () => {
    // Another run's --out folder: its site data and a journal of a publish not finished.
    const candidate = path.join(elsewhere, 'site-data.json');
    await writeFile(candidate, await readFile(PREVIOUS, 'utf8'));
    const journal = path.join(elsewhere, 'publish-journal.json');
    await writeFile(journal, '{"renames": [');
    const args = ['--area', 'sheffield', '--candidate', candidate, '--previous', PREVIOUS];
    const refused = validate([...args, '--run-summary', path.join(elsewhere, 'run-summary.json')]);
    expect(refused.status).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(
      `validate-data: ${journal} records a publish left half done in ${elsewhere}, so the files ` +
        `read there may be a mix of two runs. Complete it first (npm run complete-publish -- ` +
        `--out ${elsewhere}), then check again.`,
    );
    expect(await readFile(journal, 'utf8')).toBe('{"renames": [');
    // The same files once the folder holds no pending publish: checked, and they pass.
    await rm(journal);
    const checked = validate([...args, '--run-summary', path.join(elsewhere, 'run-summary.json')]);
    expect(checked.status, checked.stdout + checked.stderr).toBe(0);
  });

  it('exits 2 (could not check), naming the journal it could not read, and checks nothing', async () => {
    const journal = path.join(root, SHEFFIELD, 'output/publish-journal.json');
    await writeFile(journal, '{"renames": [');
    // The folder the site build reads has a journal too: not validate-data's to complete.
    await writeFile(path.join(elsewhere, 'publish-journal.json'), '{"renames": [');
    const { status, stdout, stderr } = validate(['--area', 'sheffield', '--previous', PREVIOUS]);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.startsWith(`validate-data: ${journal} is not a readable publish journal`)).toBe(
      true,
    );
    expect(stderr).not.toContain(elsewhere);
    expect(await readFile(journal, 'utf8')).toBe('{"renames": [');
  });
});

describe('validate-data and complete-publish with an --area that is not an area name', () => {
  it.each([
    ['validate-data', 'pipeline/validate-cli.ts', 2],
    ['complete-publish', 'pipeline/publish-cli.ts', 1],
  ])('%s refuses "../x" and leaves the folder it would reach alone', async (name, script, code) => {
    // data/areas/../x/output is data/x/output: a folder outside data/areas.
    const reached = path.join(root, 'data/x/output');
    await mkdir(reached, { recursive: true });
    const journal = path.join(reached, 'publish-journal.json');
    await writeFile(journal, '{"renames": [');
    const stray = path.join(reached, 'site-data.json.tmp-4194305');
    await writeFile(stray, 'a killed run');
    const result = runScript(script, ['--area', '../x'], { cwd: root });
    expect(result.status).toBe(code);
    expect(result.stderr).toContain(
      `${name}: Area "../x" is not an area name: use lower-case words or numbers joined by "-"`,
    );
    expect(await readFile(journal, 'utf8')).toBe('{"renames": [');
    expect(await readFile(stray, 'utf8')).toBe('a killed run');
  });
});
