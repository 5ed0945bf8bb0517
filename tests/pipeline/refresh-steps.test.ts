// The refresh for another district (`npm run refresh-data -- --area sheffield validate`): the
// staged data is checked against that area's published data and wards, not Leeds's. And the
// commit step in a scratch repository whose `git commit` fails, and after a pipeline step that
// failed behind a run killed while it published.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { downloadsReadme, LEEDS_NAMING } from '../../pipeline/downloads.ts';
import { pipelinePaths } from '../../pipeline/paths.ts';
import {
  commitStep,
  freshnessStep,
  pipelineStep,
  RefreshError,
  validateStep,
  type RefreshOptions,
} from '../../pipeline/refresh-steps.ts';
import { main, runStep } from '../../pipeline/refresh.ts';
import { monthArguments } from '../../pipeline/refresh-months.ts';
import { STEPS } from '../../pipeline/steps.ts';
import { mapDataStep } from '../../pipeline/steps/map-data.ts';
import { GONE_PID, writeLeftJournal } from '../support/left-journal.ts';
import { refreshRepository, STAGE_DIR } from '../support/refresh-repository.ts';
import { ReplayServer } from '../support/replay-server.ts';
import { replaySources } from '../support/replay-sources.ts';
import { yearlyFileName, type DownloadsManifest } from '../../src/shared/open-data.ts';
import {
  committedSiteData,
  removeCrimes,
  setCount,
  totalOf,
  withoutMonth,
} from '../support/site-data.ts';
import { changeLogSchema } from '../../src/shared/change-log.ts';

const ROOT = path.resolve('.');
let stage: string;

/** A refresh whose staging folder holds the committed Sheffield outputs, as a run would stage them. */
function options(area: string | undefined): RefreshOptions {
  return {
    root: ROOT,
    area,
    stageDir: path.relative(ROOT, stage),
    pipelineArgs: [],
    env: {},
    log: () => {},
  };
}

beforeAll(async () => {
  stage = await mkdtemp(path.join(tmpdir(), 'refresh-area-'));
  await cp('data/areas/sheffield/output/site-data.json', path.join(stage, 'site-data.json'));
  // The run summary a run writes beside it, without month accounting.
  const steps = STEPS.map((step, i) => ({ number: i + 1, name: step.name, ms: 0, result: '' }));
  writeFileSync(path.join(stage, 'run-summary.json'), JSON.stringify({ months: [], steps }));
  // The gate's report goes to the console; the tests read it from the returned report.
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

afterAll(async () => {
  vi.restoreAllMocks();
  await rm(stage, { recursive: true, force: true });
});

describe('validateStep({ area })', () => {
  it("checks Sheffield's staged data against Sheffield's data at HEAD and its 28 wards", async () => {
    const { report, previous } = await validateStep(options('sheffield'));
    expect(report.ok).toBe(true);
    expect(previous?.wards).toHaveLength(28);
    expect(report.compared).toBe(true);
  });

  it("refuses the same data as Leeds's refresh: Leeds's wards are not in it", async () => {
    await expect(validateStep(options(undefined))).rejects.toThrow(/Validation refused/);
  });
});

describe('validateStep({ area }) and the approvals of another district', () => {
  const repo = refreshRepository('refresh-area-approvals-');
  const SHEFFIELD = 'data/areas/sheffield';
  const approval = { month: '2024-02', reason: "police.uk re-issued February's file" };

  /** The repository with Sheffield's data published, and Sheffield's February half read staged. */
  function sheffieldRefresh(): RefreshOptions {
    for (const file of [`${SHEFFIELD}/area.json`, `${SHEFFIELD}/wards.geojson`]) {
      mkdirSync(path.join(repo.root(), SHEFFIELD), { recursive: true });
      copyFileSync(file, path.join(repo.root(), file));
    }
    const published = committedSiteData('sheffield');
    repo.write(`${SHEFFIELD}/output/site-data.json`, published);
    repo.git('add', '--all');
    repo.git('commit', '--quiet', '-m', 'Sheffield published');
    repo.stageRun(
      removeCrimes(published, '2024-02', Math.round(totalOf(published, '2024-02') / 2)),
    );
    return { ...repo.options(), area: 'sheffield' };
  }

  it("does not let Sheffield's refused month through by Leeds's approvals (data/approvals.json)", async () => {
    const options = sheffieldRefresh();
    repo.write('data/approvals.json', { approvals: [approval] });
    const error = vi.mocked(console.error);
    error.mockClear();
    await expect(validateStep(options)).rejects.toThrow(/Validation refused/);
    // The report says where Sheffield's approval goes, not into Leeds's file.
    const report = error.mock.calls.flat().join('\n');
    expect(report).toContain(`to ${SHEFFIELD}/approvals.json,`);
    expect(report).not.toContain('data/approvals.json');
  });

  it("does not let Leeds's refused month through by Sheffield's approvals", async () => {
    sheffieldRefresh();
    const leeds = committedSiteData();
    repo.stageRun(removeCrimes(leeds, '2025-02', Math.round(totalOf(leeds, '2025-02') / 2)));
    repo.write(`${SHEFFIELD}/approvals.json`, { approvals: [{ ...approval, month: '2025-02' }] });
    await expect(validateStep(repo.options())).rejects.toThrow(/Validation refused/);
  });

  it("lets it through by Sheffield's own approvals file", async () => {
    const options = sheffieldRefresh();
    repo.write(`${SHEFFIELD}/approvals.json`, { approvals: [approval] });
    const { report } = await validateStep(options);
    expect(report.ok).toBe(true);
    expect(report.usedApprovals).toEqual([approval]);
  });
});

describe('refresh-data --area', () => {
  it('is refused after the step, where only the pipeline would see it (exit 2)', async () => {
    const error = vi.mocked(console.error);
    error.mockClear();
    expect(await main(['pipeline', '--area', 'sheffield'])).toBe(2);
    expect(error.mock.calls.flat().join('\n')).toMatch(/give --area before the step/);
  });
});

/** A downloads manifest (src/data/downloads.json) of one yearly file per year of `months`. */
function downloadsManifest(months: readonly string[]): DownloadsManifest {
  const years = [...new Set(months.map((month) => Number(month.slice(0, 4))))];
  return {
    schemaVersion: 1,
    folder: 'downloads',
    columns: [],
    files: years.map((year) => ({
      year,
      file: yearlyFileName(year),
      rows: 1,
      bytes: 1,
      sha256: '0'.repeat(64),
      contentSha256: '0'.repeat(64),
      months: months.filter((month) => month.startsWith(`${year}-`)),
    })),
  };
}

/**
 * Stage in `root`'s staging folder a yearly file for each year of `months` (a few bytes of its
 * own), their README and the manifest that lists them with their sizes and SHA-256, as the
 * downloads step stages them. Returns the yearly files' names.
 */
function stageDownloads(root: string, months: readonly string[]): string[] {
  const manifest = downloadsManifest(months);
  mkdirSync(path.join(root, STAGE_DIR, 'downloads'), { recursive: true });
  for (const entry of manifest.files) {
    const bytes = Buffer.from(`the crimes of ${entry.year}\n`);
    entry.bytes = bytes.length;
    entry.sha256 = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(path.join(root, STAGE_DIR, 'downloads', entry.file), bytes);
  }
  writeFileSync(
    path.join(root, STAGE_DIR, 'downloads', 'README.txt'),
    downloadsReadme(manifest, LEEDS_NAMING),
  );
  writeFileSync(
    path.join(root, STAGE_DIR, 'downloads.json'),
    `${JSON.stringify(manifest, null, 2)}\n`,
  );
  return manifest.files.map((f) => f.file);
}

/** The part of `text` from `start` up to `end` (or its end). */
function part(text: string, start: string, end?: string): string {
  const from = text.indexOf(start);
  expect(from, `"${start}" in: ${text}`).toBeGreaterThanOrEqual(0);
  return text.slice(from, end === undefined ? undefined : text.indexOf(end, from));
}

describe('commitStep() whose git commit fails', () => {
  const repo = refreshRepository('refresh-commit-');
  const { git, write, stageRun, options, preCommitHook } = repo;
  const full = committedSiteData();
  /** A routine revision, which the gate lets through: three of March's crimes gone. */
  const revised = { ...removeCrimes(full, '2025-03', 3), generatedAt: '2025-06-03T06:17:00.000Z' };
  const published = ['src/data/changes.json', 'src/data/site-data.json'];
  /** Run, in the repository, every command `text` quotes. */
  const runCommands = (text: string) => {
    for (const [, command] of text.matchAll(/`((?:git|rm) [^`]+)`/g)) {
      execFileSync('sh', ['-c', command ?? ''], { cwd: repo.root() });
    }
  };
  /** The commit step's failure, with the refused commit's outputs published but not committed. */
  const failedCommit = async () => {
    preCommitHook(true);
    const error = (await commitStep(options()).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(RefreshError);
    return error.message;
  };

  beforeEach(() => stageRun(revised));

  it('says the outputs are published but not committed, with how to commit them', async () => {
    const message = await failedCommit();
    expect(message).toContain('pre-commit: refused by the hook');
    expect(message).toContain(
      'The outputs are published in the working tree but not committed (HEAD is unchanged): ' +
        'src/data/site-data.json, src/data/changes.json',
    );
    expect(git('log', '--format=%s')).toBe('published');
    expect(git('status', '--porcelain', '--', ...published)).toBe(
      published.map((file) => `M  ${file}`).join('\n'),
    );

    preCommitHook(false);
    runCommands(part(message, 'commit them:', '; or restore'));
    expect(git('log', '-1', '--format=%s')).toBe('Data to 2025-03: revise 2025-03');
    expect(git('status', '--porcelain', '--untracked-files=no')).toBe('');
  });

  it('says how to restore the outputs as committed, those HEAD has not as well', async () => {
    const years = stageDownloads(repo.root(), full.months);
    const message = await failedCommit();
    expect(message).toContain('src/data/downloads.json');
    runCommands(part(message, 'restore them as committed:'));
    expect(git('status', '--porcelain', '--untracked-files=all')).toBe(
      [
        'commit-message.txt',
        'downloads.json',
        ...['README.txt', ...years].map((file) => `downloads/${file}`),
        'run-summary.json',
        'site-data.json',
      ]
        .map((file) => `?? ${STAGE_DIR}/${file}`)
        .join('\n'),
    );
  });

  describe('with a yearly download taken away that HEAD never had, still in the index', () => {
    const stray = `public/downloads/${yearlyFileName(2019)}`;
    const kept = yearlyFileName(2025);
    const setUp = async () => {
      expect(stageDownloads(repo.root(), revised.months)).toContain(kept);
      write(stray, 'an earlier run');
      git('add', '--', stray);
      return failedCommit();
    };

    it('says to take it out of the index on the way to commit them', async () => {
      const message = await setUp();
      expect(message).toContain(
        `\`git rm -q --cached --ignore-unmatch -- ${stray}\`, then \`git add`,
      );
    });

    it.each([
      ['commit them:', '; or run the commit step'],
      ['restore them as committed:', undefined],
    ])(
      'leaves it out of the index and the tree whichever way is taken (%s)',
      async (start, end) => {
        const message = await setUp();
        // As a failed `git rm` would have left it: in the index.
        write(stray, 'an earlier run');
        git('add', '--', stray);
        rmSync(path.join(repo.root(), stray));
        preCommitHook(false);
        runCommands(part(message, start, end));
        expect(git('ls-files', '--', stray)).toBe('');
        expect(existsSync(path.join(repo.root(), stray))).toBe(false);
        expect(git('ls-tree', '-r', '--name-only', 'HEAD', '--', 'public/downloads')).not.toContain(
          stray,
        );
      },
    );

    it('leaves it out of the index and the commit when the commit step is run again', async () => {
      await setUp();
      // As a failed `git rm` would have left it: in the index, not in the tree.
      write(stray, 'an earlier run');
      git('add', '--', stray);
      rmSync(path.join(repo.root(), stray));
      preCommitHook(false);
      expect(await commitStep(options())).toMatchObject({ changed: true });
      const committed = git('ls-tree', '-r', '--name-only', 'HEAD', '--', 'public/downloads');
      expect(git('ls-files', '--', stray)).toBe('');
      expect(committed).not.toContain(stray);
      expect(committed).toContain(`public/downloads/${kept}`);
    });
  });

  it('refuses yearly downloads staged with no manifest, publishing nothing', async () => {
    const years = stageDownloads(repo.root(), revised.months);
    rmSync(path.join(repo.root(), STAGE_DIR, 'downloads.json'));
    const error = (await commitStep(options()).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(RefreshError);
    for (const file of years) expect(error.message).toContain(`${file} is staged with no manifest`);
    expect(git('status', '--porcelain', '--untracked-files=no')).toBe('');
    expect(existsSync(path.join(repo.root(), 'public/downloads'))).toBe(false);
    expect(git('log', '--format=%s')).toBe('published');
  });

  it('leaves a later run with nothing new refusing to end until they are committed or restored', async () => {
    await failedCommit();
    // The next refresh builds the committed data again: nothing new against HEAD.
    write(`${STAGE_DIR}/site-data.json`, { ...full, generatedAt: '2025-06-10T06:17:00.000Z' });
    const before = git('status', '--porcelain', '--untracked-files=all');

    const error = (await commitStep(options()).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(RefreshError);
    expect(error.message).toContain(
      `the published files in the working tree differ from HEAD: ${published.join(', ')}`,
    );
    expect(git('status', '--porcelain', '--untracked-files=all')).toBe(before);
    expect(git('log', '--format=%s')).toBe('published');

    runCommands(part(error.message, 'restore them as committed:', '; or, to publish them'));
    expect(await commitStep(options())).toMatchObject({ changed: false });
    expect(git('status', '--porcelain', '--untracked-files=no')).toBe('');
  });
});

describe('commitStep() and the outputs that describe the months of the site data', () => {
  const repo = refreshRepository('refresh-months-');
  const { git, write, options } = repo;
  const full = committedSiteData();
  /** A routine revision, which the gate lets through: three of March's crimes gone. */
  const revised = { ...removeCrimes(full, '2025-03', 3), generatedAt: '2025-06-03T06:17:00.000Z' };
  /** The committed map data: the same months as the committed site data. */
  const MAP_DATA = 'public/data/map-data.bin.gz';
  const stageMapData = () => {
    mkdirSync(path.join(repo.root(), STAGE_DIR), { recursive: true });
    copyFileSync(MAP_DATA, path.join(repo.root(), STAGE_DIR, 'map-data.bin.gz'));
  };
  /** The staged run summary of a run of `steps` (names), with no month accounting. */
  const stageRunSummary = (steps: readonly string[]) =>
    write(`${STAGE_DIR}/run-summary.json`, {
      months: [],
      steps: steps.map((name, i) => ({ number: i + 1, name, ms: 0, result: '' })),
    });
  const refusal = async () => {
    const error = (await commitStep(options()).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(RefreshError);
    // Nothing published, nothing committed.
    expect(git('status', '--porcelain', '--untracked-files=no')).toBe('');
    expect(git('log', '--format=%s')).toBe('published');
    return error.message;
  };

  beforeEach(() => {
    // Published: the map data and the downloads manifest of the committed site data's months.
    mkdirSync(path.join(repo.root(), 'public/data'), { recursive: true });
    copyFileSync(MAP_DATA, path.join(repo.root(), MAP_DATA));
    write('src/data/downloads.json', downloadsManifest(full.months));
    git('add', '--all');
    git('commit', '--quiet', '--amend', '--no-edit');
    write(`${STAGE_DIR}/site-data.json`, revised);
    write(`${STAGE_DIR}/downloads.json`, downloadsManifest(revised.months));
  });

  it('refuses new site data beside the map data of an earlier run, when the map-data step did not run', async () => {
    // `--to 7`: every step up to the site data's, none after.
    stageRunSummary(STEPS.slice(0, 7).map((step) => step.name));
    const message = await refusal();
    expect(message).toContain(
      `${MAP_DATA} was not staged (the ${mapDataStep.name} step did not run), so an earlier run's would stay`,
    );
    expect(message).toContain('`npm run refresh-data -- pipeline`, with no --step, --from or --to');
  });

  it('refuses staged map data an earlier run left, which the run summary does not name', async () => {
    stageMapData();
    stageRunSummary(STEPS.filter((step) => step !== mapDataStep).map((step) => step.name));
    expect(await refusal()).toContain(
      `${STAGE_DIR}/map-data.bin.gz is an earlier run's: the run in ${STAGE_DIR}/run-summary.json did not run the ${mapDataStep.name} step`,
    );
  });

  it('refuses a staged downloads manifest of other months', async () => {
    stageMapData();
    stageRunSummary(STEPS.map((step) => step.name));
    write(`${STAGE_DIR}/downloads.json`, downloadsManifest(revised.months.slice(0, -1)));
    expect(await refusal()).toContain(`${STAGE_DIR}/downloads.json lacks 2025-03`);
  });

  describe("without a staged run summary (the staging folder is not one run's)", () => {
    const refusedForIt = async () => {
      const message = await refusal();
      expect(message).toContain(
        `${STAGE_DIR}/run-summary.json is not there, though the pipeline writes it with the outputs it stages`,
      );
      expect(message).toContain('Nothing was published or committed');
      expect(message).toContain('`npm run refresh-data -- pipeline`');
    };

    it('refuses new site data with the outputs of its months staged, publishing nothing', async () => {
      stageMapData();
      stageDownloads(repo.root(), revised.months);
      await refusedForIt();
      expect(readFileSync(path.join(repo.root(), MAP_DATA))).toEqual(readFileSync(MAP_DATA));
    });

    it('refuses new site data beside map data an earlier run staged', async () => {
      // Left by an earlier run: without the run summary, nothing says this run did not make it.
      stageMapData();
      await refusedForIt();
    });

    it('refuses with nothing new since the committed data, too', async () => {
      write(`${STAGE_DIR}/site-data.json`, { ...full, generatedAt: '2025-06-10T06:17:00.000Z' });
      await refusedForIt();
    });

    it("the validate step run alone refuses as the commit step does, in refresh-data's terms", async () => {
      stageMapData();
      const error = (await runStep('validate', options()).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(RefreshError);
      expect(error.message).toContain(
        `${STAGE_DIR}/run-summary.json is not there, though the pipeline writes it with the outputs it stages`,
      );
      expect(error.message).toContain('`npm run refresh-data -- pipeline`');
    });

    it('refresh-data validate fails (exit 1) without naming an option refresh-data lacks', () => {
      const { status, stdout, stderr } = spawnSync(
        process.execPath,
        [path.resolve('pipeline/refresh.ts'), 'validate'],
        { cwd: repo.root(), env: { ...process.env, GITHUB_STEP_SUMMARY: '' }, encoding: 'utf8' },
      );
      expect(status).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toContain(`${STAGE_DIR}/run-summary.json is not there`);
      expect(stderr).not.toContain('--run-summary');
      expect(stderr).not.toContain('Validation passed');
    });
  });

  // The run summary names the pipeline's own steps: a step renamed would fail here.
  it('commits the site data with the outputs the same run made', async () => {
    stageMapData();
    stageRunSummary(STEPS.map((step) => step.name));
    stageDownloads(repo.root(), revised.months);
    expect(await commitStep(options())).toMatchObject({ changed: true });
    expect(git('show', 'HEAD:src/data/downloads.json')).toBe(
      readFileSync(path.join(repo.root(), STAGE_DIR, 'downloads.json'), 'utf8').trim(),
    );
  });

  describe('staged yearly downloads that are not the files their staged manifest lists', () => {
    const year = Number(revised.months[0]?.slice(0, 4));
    const file = yearlyFileName(year);
    const staged = () => path.join(repo.root(), STAGE_DIR, 'downloads', file);
    const publishedFile = `public/downloads/${file}`;
    const publishedBytes = 'the crimes of the year as published\n';

    beforeEach(() => {
      // Published and committed: the year's file as an earlier refresh made it.
      mkdirSync(path.join(repo.root(), 'public/downloads'), { recursive: true });
      writeFileSync(path.join(repo.root(), publishedFile), publishedBytes);
      git('add', '--', publishedFile);
      git('commit', '--quiet', '--amend', '--no-edit');
      stageMapData();
      stageRunSummary(STEPS.map((step) => step.name));
      stageDownloads(repo.root(), revised.months);
    });

    it.each([
      ['a year the manifest lists, missing', () => rmSync(staged()), `${file} is not there`],
      [
        'a year cut short',
        () => writeFileSync(staged(), readFileSync(staged()).subarray(0, 5)),
        `${file} is 5 bytes, the manifest lists `,
      ],
      [
        'a year of other bytes, the same size',
        () => writeFileSync(staged(), readFileSync(staged()).reverse()),
        `${file} has SHA-256 `,
      ],
      [
        "a README listing an earlier run's files",
        () =>
          writeFileSync(
            path.join(path.dirname(staged()), 'README.txt'),
            `  ${file}  months ${year}-01  1 rows  1 bytes  ${'0'.repeat(64)}\n`,
          ),
        `README.txt does not list the files as the manifest does (${file}, `,
      ],
      [
        'a year the manifest does not list',
        () => writeFileSync(staged().replace(String(year), String(year - 1)), 'an earlier run\n'),
        `${yearlyFileName(year - 1)} is not listed`,
      ],
    ])('refuses %s, leaving the published downloads as they were', async (_what, change, said) => {
      change();
      const message = await refusal();
      expect(message).toContain(`${STAGE_DIR}/downloads.json lists: `);
      expect(message).toContain(said);
      expect(message).toContain('`npm run refresh-data -- pipeline`');
      expect(readFileSync(path.join(repo.root(), publishedFile), 'utf8')).toBe(publishedBytes);
    });

    it('publishes them when they are', async () => {
      expect(await commitStep(options())).toMatchObject({ changed: true });
      expect(git('show', `HEAD:${publishedFile}`)).toBe(readFileSync(staged(), 'utf8').trim());
    });
  });

  describe('a staged file, or the change log, that cannot be read as what it is', () => {
    /** `file` of the staging folder cut short after its first 100 bytes, as a full disk leaves it. */
    const cut = (file: string) => {
      const at = path.join(repo.root(), STAGE_DIR, file);
      writeFileSync(at, readFileSync(at).subarray(0, 100));
    };
    /** The commit step's failure, with nothing published or committed. */
    const failure = async () => {
      const error = (await commitStep(options()).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(git('status', '--porcelain', '--untracked-files=no')).toBe('');
      expect(git('log', '--format=%s')).toBe('published');
      return error.message;
    };

    beforeEach(() => {
      stageMapData();
      stageRunSummary(STEPS.map((step) => step.name));
      stageDownloads(repo.root(), revised.months);
    });

    it.each([
      [
        'downloads.json cut short',
        () => cut('downloads.json'),
        'downloads.json is not valid JSON (',
      ],
      [
        'downloads.json of another shape',
        () => write(`${STAGE_DIR}/downloads.json`, { files: 'none' }),
        'downloads.json does not fit its schema (',
      ],
      [
        'map-data.bin.gz cut short',
        () => cut('map-data.bin.gz'),
        'map-data.bin.gz cannot be read (unexpected end of file)',
      ],
      [
        'run-summary.json cut short',
        () => cut('run-summary.json'),
        'run-summary.json is not valid JSON: ',
      ],
      [
        'run-summary.json without the steps of its run',
        () => write(`${STAGE_DIR}/run-summary.json`, { months: [] }),
        'run-summary.json does not fit its schema (steps: ',
      ],
      [
        'site-data.json cut short',
        () => cut('site-data.json'),
        'site-data.json is not valid JSON: ',
      ],
    ])(
      'refuses %s, naming it and saying to run the pipeline again',
      async (_what, damage, said) => {
        damage();
        const message = await failure();
        expect(message).toContain(`${STAGE_DIR}/${said}`);
        expect(message).toContain('cut short or changed after the pipeline wrote it');
        expect(message).toContain('`npm run refresh-data -- pipeline`');
      },
    );

    it.each([
      [
        'site-data.json not there',
        () => rmSync(path.join(repo.root(), STAGE_DIR, 'site-data.json')),
        'site-data.json is not there',
      ],
      [
        'run-summary.json with months that lack what the gate reads',
        () =>
          write(`${STAGE_DIR}/run-summary.json`, {
            months: [{ month: '2025-03' }],
            steps: STEPS.map((step, i) => ({ number: i + 1, name: step.name, ms: 0, result: '' })),
          }),
        'run-summary.json lacks what the gate reads of each month',
      ],
      [
        'run-summary.json that is not a run summary',
        () =>
          write(`${STAGE_DIR}/run-summary.json`, {
            months: 'none',
            steps: STEPS.map((step, i) => ({ number: i + 1, name: step.name, ms: 0, result: '' })),
          }),
        'run-summary.json is not a pipeline run summary',
      ],
    ])(
      'refuses %s at the validate and commit steps, saying to run the pipeline step again',
      async (_what, damage, said) => {
        damage();
        for (const step of ['validate', 'commit'] as const) {
          const error = (await runStep(step, options()).catch((e: unknown) => e)) as Error;
          expect(error, step).toBeInstanceOf(Error);
          expect(error.message, step).toContain(said);
          // In the refresh's own terms: its pipeline step, then the steps after it.
          expect(error.message, step).toContain(
            '`npm run refresh-data -- pipeline`), then the validate and commit steps.',
          );
        }
        expect(git('status', '--porcelain', '--untracked-files=no')).toBe('');
        expect(git('log', '--format=%s')).toBe('published');
      },
    );

    it('refuses a committed change log that is not valid JSON, saying how to mend it', async () => {
      writeFileSync(path.join(repo.root(), 'src/data/changes.json'), '{"schemaVersion": 1, "entr');
      git('commit', '--quiet', '--amend', '--no-edit', '--', 'src/data/changes.json');
      const message = await failure();
      expect(message).toContain('src/data/changes.json as committed at HEAD is not valid JSON (');
      expect(message).toContain('Nothing was published or committed');
      expect(message).toContain('commit the file mended (`git log -- src/data/changes.json`');
    });
  });

  describe('a yearly download an earlier run published but never added to git', () => {
    /** The yearly files of the staged downloads: one per year of the revised data. */
    const stagedYears = () => [...new Set(revised.months.map((m) => Number(m.slice(0, 4))))];
    const stageYears = () => stageDownloads(repo.root(), revised.months);
    const strays = [
      // A year before the data (a wider earlier run), and one after it.
      yearlyFileName(Math.min(...stagedYears()) - 1),
      yearlyFileName(Math.max(...stagedYears()) + 1),
    ];

    it.each(strays)('%s, in no later run, is taken away and the commit made', async (stray) => {
      stageMapData();
      stageRunSummary(STEPS.map((step) => step.name));
      stageYears();
      // Published by a commit step whose `git add` then failed: neither HEAD nor the index has it.
      write(`public/downloads/${stray}`, 'an earlier run');
      expect(await commitStep(options())).toMatchObject({ changed: true });
      expect(existsSync(path.join(repo.root(), 'public/downloads', stray))).toBe(false);
      expect(git('status', '--porcelain', '--', 'public/downloads')).toBe('');
      expect(git('show', '--name-only', '--format=', 'HEAD').split('\n')).toEqual(
        expect.arrayContaining(
          stagedYears().map((year) => `public/downloads/${yearlyFileName(year)}`),
        ),
      );
    });

    it('committed, and in no later run, is taken out of the next commit', async () => {
      const stray = strays[1] ?? '';
      write(`public/downloads/${stray}`, 'a committed year');
      git('add', '--', `public/downloads/${stray}`);
      git('commit', '--quiet', '-m', 'a year since taken away');
      stageMapData();
      stageRunSummary(STEPS.map((step) => step.name));
      stageYears();
      expect(await commitStep(options())).toMatchObject({ changed: true });
      expect(existsSync(path.join(repo.root(), 'public/downloads', stray))).toBe(false);
      expect(git('show', '--name-status', '--format=', 'HEAD')).toContain(
        `D\tpublic/downloads/${stray}`,
      );
    });

    it('added to the index but not committed, is taken out of the index too', async () => {
      stageMapData();
      stageRunSummary(STEPS.map((step) => step.name));
      stageYears();
      const stray = strays[0] ?? '';
      write(`public/downloads/${stray}`, 'an earlier run');
      git('add', '--', `public/downloads/${stray}`);
      expect(await commitStep(options())).toMatchObject({ changed: true });
      expect(existsSync(path.join(repo.root(), 'public/downloads', stray))).toBe(false);
      expect(git('status', '--porcelain', '--', 'public/downloads')).toBe('');
      expect(git('ls-tree', '-r', '--name-only', 'HEAD', '--', 'public/downloads')).not.toContain(
        stray,
      );
    });
  });
});

describe("the gate's notes in a refresh that passes", () => {
  const repo = refreshRepository('refresh-notes-');
  const { git, write, stageRun, options } = repo;
  const full = committedSiteData();
  const quietest = Math.min(...['2024-03', '2025-02'].map((m) => totalOf(full, m)));
  /** March new, 5% below the quietest of its reference months: passed, with a note. */
  const next = {
    ...removeCrimes(full, '2025-03', totalOf(full, '2025-03') - Math.round(quietest * 0.95)),
    generatedAt: '2025-04-03T06:17:00.000Z',
  };
  const NOTE =
    /^2025-03 is new with \d+ crimes, below every reference month .*check that police\.uk's month is complete$/;
  const PREFIX = '::warning title=Data validation note::';
  /** The refresh in the repository, its annotations collected in `lines`. */
  const annotated = (lines: string[]) => ({ ...options(), annotate: (l: string) => lines.push(l) });
  /** The lines of `text` that are the note's annotation. */
  const noteLines = (text: string) =>
    text.split('\n').filter((l) => l.startsWith(PREFIX) && l.includes('below every reference'));

  beforeEach(() => {
    write('src/data/site-data.json', withoutMonth(full, '2025-03'));
    git('commit', '--quiet', '--amend', '--no-edit', '--', 'src/data/site-data.json');
    stageRun(next);
  });

  it('the validate step annotates them; the commit step after it commits them in its message', async () => {
    const lines: string[] = [];
    await runStep('validate', annotated(lines));
    expect(lines).toHaveLength(1);
    expect(lines[0]?.startsWith(PREFIX)).toBe(true);
    expect(lines[0]?.slice(PREFIX.length).replaceAll('%25', '%')).toMatch(NOTE);

    expect(await runStep('commit', annotated(lines))).toMatchObject({ changed: true });
    // Annotated once, by the validate step.
    expect(lines).toHaveLength(1);
    const message = git('log', '-1', '--format=%B').split('\n');
    expect(message[0]).toBe('Data to 2025-03: add 2025-03');
    const notes = message.filter((l) => l.startsWith('Note: '));
    expect(notes).toHaveLength(1);
    expect(notes[0]?.slice('Note: '.length, -1)).toMatch(NOTE);
  });

  it('the commit step with no validate step before it (all) annotates them itself', async () => {
    const lines: string[] = [];
    expect(await commitStep(annotated(lines), { annotate: true })).toMatchObject({ changed: true });
    expect(lines.map((l) => l.slice(PREFIX.length).replaceAll('%25', '%'))).toEqual([
      expect.stringMatching(NOTE),
    ]);
  });

  it('refresh-data validate writes them as workflow commands on stderr under GitHub Actions alone', () => {
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, [path.resolve('pipeline/refresh.ts'), 'validate'], {
        cwd: repo.root(),
        env: { ...process.env, GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '', ...env },
        encoding: 'utf8',
      });
    const actions = run({ GITHUB_ACTIONS: 'true' });
    expect(actions.status).toBe(0);
    expect(noteLines(actions.stderr)).toHaveLength(1);
    expect(noteLines(actions.stdout)).toEqual([]);
    const local = run({});
    expect(local.status).toBe(0);
    expect(noteLines(local.stderr)).toEqual([]);
  });

  it.each(['validate', 'commit'])(
    'refresh-data --json %s prints the result alone on stdout, the report on stderr',
    (step) => {
      const { status, stdout, stderr } = spawnSync(
        process.execPath,
        [path.resolve('pipeline/refresh.ts'), '--json', step],
        { cwd: repo.root(), env: { ...process.env, GITHUB_STEP_SUMMARY: '' }, encoding: 'utf8' },
      );
      expect(status).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ step, ok: true });
      expect(stderr).toContain('Validation passed.');
    },
  );
});

describe('pipelineStep() after a pipeline run killed while it published into the staging folder', () => {
  const repo = refreshRepository('refresh-killed-');
  const { git, options } = repo;
  /** A routine revision, which the gate lets through: three of March's crimes gone. */
  const revised = {
    ...removeCrimes(committedSiteData(), '2025-03', 3),
    generatedAt: '2025-06-03T06:17:00.000Z',
  };

  /**
   * The killed run's publish, past its commit point: its outputs are still temporary files
   * (the yearly files inside the downloads folder) and its journal lists their renames.
   */
  async function leaveKilledPublish(): Promise<void> {
    const staged = pipelinePaths({ root: repo.root(), out: STAGE_DIR });
    const manifest = downloadsManifest(revised.months);
    const outputs: [string, string][] = [
      [staged.siteData, JSON.stringify(revised)],
      [staged.downloads.manifest, JSON.stringify(manifest)],
      ...manifest.files.map(({ file }): [string, string] => [
        path.join(staged.downloads.dir, file),
        'a yearly file',
      ]),
      [
        staged.runSummary,
        JSON.stringify({
          months: [],
          steps: STEPS.map((step, i) => ({ number: i + 1, name: step.name, ms: 0, result: '' })),
        }),
      ],
    ];
    for (const [file, text] of outputs) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(`${file}.tmp-${GONE_PID}`, text);
    }
    await writeLeftJournal(staged.publishJournal, {
      renames: outputs.map(([file]) => ({ from: `${file}.tmp-${GONE_PID}`, to: file })),
    });
  }

  it('leaves nothing of the killed run for the commit step when the next pipeline run fails', async () => {
    await leaveKilledPublish();
    // police.uk has no archive today: the pipeline step fails before the pipeline runs.
    const server = await ReplayServer.start();
    const sources = replaySources(server);
    const env = {
      POLICE_ARCHIVE_BASE_URL: sources.policeArchiveBaseUrl,
      POLICE_API_BASE_URL: sources.policeApiBaseUrl,
    };
    try {
      await expect(pipelineStep(options(env))).rejects.toThrow(/cannot tell which months/);
    } finally {
      await server.close();
    }
    // The commit step has no staged data to publish: not the killed run's, whose yearly files
    // the pipeline step took away, beside its manifest that lists them.
    await expect(commitStep(options())).rejects.toThrow(
      `${STAGE_DIR}/run-summary.json is not there`,
    );
    expect(git('status', '--porcelain', '--untracked-files=no')).toBe('');
    expect(git('log', '--format=%s')).toBe('published');
  });
});

describe('the refresh steps after a pipeline run killed past its commit point, its run summary not renamed yet', () => {
  const repo = refreshRepository('refresh-pending-summary-');
  const { git, options } = repo;
  /** A routine revision, which the gate lets through: three of March's crimes gone. */
  const revised = {
    ...removeCrimes(committedSiteData(), '2025-03', 3),
    generatedAt: '2025-06-03T06:17:00.000Z',
  };

  /** The killed run's site data and run summary, still temporary files its journal lists. */
  async function leavePendingPublish(): Promise<void> {
    const staged = pipelinePaths({ root: repo.root(), out: STAGE_DIR });
    const steps = STEPS.map((step, i) => ({ number: i + 1, name: step.name, ms: 0, result: '' }));
    const outputs: [string, string][] = [
      [staged.siteData, JSON.stringify(revised)],
      [staged.runSummary, JSON.stringify({ months: [], steps })],
    ];
    for (const [file, text] of outputs) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(`${file}.tmp-${GONE_PID}`, text);
    }
    await writeLeftJournal(staged.publishJournal, {
      renames: outputs.map(([file]) => ({ from: `${file}.tmp-${GONE_PID}`, to: file })),
    });
  }

  it('the commit step completes that publish and commits its data', async () => {
    await leavePendingPublish();
    expect(await commitStep(options())).toMatchObject({ changed: true });
    expect(git('log', '-1', '--format=%s')).toBe('Data to 2025-03: revise 2025-03');
  });
});

describe('the refresh steps when the site data committed at HEAD cannot be used', () => {
  const repo = refreshRepository('refresh-head-unusable-');
  const { git, write, stageRun, options } = repo;
  const SITE_DATA = 'src/data/site-data.json';
  const commitPublished = (text: string) => {
    writeFileSync(path.join(repo.root(), SITE_DATA), text);
    git('commit', '--quiet', '--amend', '--no-edit', '--', SITE_DATA);
  };
  /** Each step that reads it, by how its failure is met. */
  const steps: [string, () => Promise<unknown>][] = [
    ['validate', () => validateStep(options())],
    ['commit', () => commitStep(options())],
    ['freshness', () => freshnessStep({ ...options(), env: { REFRESH_TODAY: '2025-05-05' } })],
    ['pipeline (its months)', () => monthArguments({ ...options(), ref: 'HEAD' })],
  ];

  beforeEach(() => stageRun(committedSiteData()));

  describe.each([
    ['not valid JSON', '{"months": ["2025-03"'],
    ['of another schema', JSON.stringify({ months: '2025-03' })],
  ])('%s', (_what, text) => {
    it.each(steps)(
      'the %s step says to commit it mended, naming no option refresh-data lacks',
      async (_step, run) => {
        commitPublished(text);
        const error = (await run().catch((e: unknown) => e)) as Error;
        expect(error).toBeInstanceOf(Error);
        expect(error.message).toContain(`${SITE_DATA} at HEAD`);
        expect(error.message).toMatch(/commit it/i);
        expect(error.message).not.toContain('--previous');
      },
    );

    it('validate-data, which has --previous, still offers it', () => {
      commitPublished(text);
      write('candidate.json', committedSiteData());
      const { status, stderr } = spawnSync(
        process.execPath,
        [path.resolve('pipeline/validate-cli.ts'), '--candidate', 'candidate.json'],
        { cwd: repo.root(), env: { ...process.env, GITHUB_STEP_SUMMARY: '' }, encoding: 'utf8' },
      );
      expect(status).toBe(2);
      expect(stderr).toContain(`${SITE_DATA} at HEAD`);
      expect(stderr).toContain('--previous');
    });
  });
});

describe('refresh-data --quiet', () => {
  const repo = refreshRepository('refresh-quiet-');
  const { stageRun } = repo;
  const full = committedSiteData();
  /** A routine revision, which the gate lets through: three of March's crimes gone. */
  const revised = { ...removeCrimes(full, '2025-03', 3), generatedAt: '2025-06-03T06:17:00.000Z' };
  const refreshData = (args: readonly string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [path.resolve('pipeline/refresh.ts'), ...args], {
      cwd: repo.root(),
      env: { ...process.env, GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '', ...env },
      encoding: 'utf8',
    });

  it.each(['validate', 'commit', 'all'])(
    'prints nothing on stderr for a %s step that passes, and the result alone on stdout',
    (step) => {
      stageRun(revised);
      if (step === 'all') {
        // Its pipeline step runs `npm run pipeline`: here a stand-in that stages again what
        // was staged (the step clears the staging folder first) and prints a summary.
        const stage = (file: string) => `${STAGE_DIR}/${file}`;
        const ready = (file: string) => `ready/${file}`;
        mkdirSync(path.join(repo.root(), 'ready'));
        for (const file of ['site-data.json', 'run-summary.json']) {
          copyFileSync(path.join(repo.root(), stage(file)), path.join(repo.root(), ready(file)));
        }
        const script = ['site-data.json', 'run-summary.json']
          .map((f) => `fs.copyFileSync(${JSON.stringify(ready(f))}, ${JSON.stringify(stage(f))});`)
          .join('\n');
        writeFileSync(
          path.join(repo.root(), 'pipeline.mjs'),
          `import fs from 'node:fs';\n${script}\nconsole.log('pipeline summary');\n`,
        );
        repo.write('package.json', { scripts: { pipeline: 'node pipeline.mjs' } });
      }
      const args = step === 'all' ? ['all', '--offline'] : [step];
      const loud = step === 'validate' ? refreshData(args) : null;
      const { status, stdout, stderr } = refreshData(['--quiet', ...args]);
      expect(stderr).toBe('');
      expect(status).toBe(0);
      if (step === 'validate') {
        expect(stdout).toBe('');
        // Without --quiet, the report is there.
        expect(loud?.stderr).toContain('Validation passed.');
      } else {
        expect(stdout).toMatch(/^committed [0-9a-f]{40}\n$/);
      }
    },
  );

  it('still writes the report to the job summary, once, and the commit step its outputs', () => {
    stageRun(revised);
    const summary = path.join(repo.root(), 'job-summary.md');
    const outputs = path.join(repo.root(), 'github-output.txt');
    writeFileSync(summary, '');
    writeFileSync(outputs, '');
    const env = { GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: outputs };
    // As the data workflow runs them: the validate step, then the commit step, which
    // validates again.
    expect(refreshData(['--quiet', 'validate'], env).status).toBe(0);
    expect(refreshData(['--quiet', 'commit'], env).status).toBe(0);
    const text = readFileSync(summary, 'utf8');
    expect(text).toContain('Validation passed.');
    expect(text.match(/^### Data validation$/gm)).toHaveLength(1);
    expect(readFileSync(outputs, 'utf8')).toMatch(/^changed=true\nsha=[0-9a-f]{40}\n$/);
  });

  it('writes the report to the job summary in the all step, whose commit step validates alone', async () => {
    stageRun(revised);
    const summary = path.join(repo.root(), 'job-summary.md');
    writeFileSync(summary, '');
    vi.stubEnv('GITHUB_STEP_SUMMARY', summary);
    try {
      // As runStep('all') runs it after its pipeline step: no validate step before it.
      await commitStep({ ...repo.options(), quiet: true }, { annotate: true });
    } finally {
      vi.unstubAllEnvs();
    }
    const text = readFileSync(summary, 'utf8');
    expect(text).toContain('Validation passed.');
    expect(text.match(/^### Data validation$/gm)).toHaveLength(1);
  });

  it('still prints a refusal on stderr', () => {
    // March without half its crimes: refused.
    stageRun(removeCrimes(full, '2025-03', Math.round(totalOf(full, '2025-03') / 2)));
    const { status, stdout, stderr } = refreshData(['--quiet', 'validate']);
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('Validation refused the new data; nothing was committed.');
    // The report, which says why.
    expect(stderr).toMatch(/2025-03/);
  });
});

describe('the job summary under --quiet and --json, which quiet the console alone', () => {
  const repo = refreshRepository('job-summary-');
  const { stageRun } = repo;
  const full = committedSiteData();
  /** A routine revision, which the gate lets through: three of March's crimes gone. */
  const revised = { ...removeCrimes(full, '2025-03', 3), generatedAt: '2025-06-03T06:17:00.000Z' };
  /** March without half its crimes: refused. */
  const refused = removeCrimes(full, '2025-03', Math.round(totalOf(full, '2025-03') / 2));
  const COMMANDS = {
    'refresh-data': ['pipeline/refresh.ts', 'validate'],
    // The same staged files, checked against HEAD as the refresh's validate step checks them.
    'validate-data': [
      'pipeline/validate-cli.ts',
      '--candidate',
      `${STAGE_DIR}/site-data.json`,
      '--run-summary',
      `${STAGE_DIR}/run-summary.json`,
    ],
  } as const;
  /** `command` with `option` before its arguments, and the job summary it wrote. */
  const run = (command: keyof typeof COMMANDS, option: string) => {
    const summary = path.join(repo.root(), 'job-summary.md');
    writeFileSync(summary, '');
    const [script, ...args] = COMMANDS[command];
    const result = spawnSync(process.execPath, [path.resolve(script), option, ...args], {
      cwd: repo.root(),
      env: { ...process.env, GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: summary },
      encoding: 'utf8',
    });
    return { ...result, summary: readFileSync(summary, 'utf8') };
  };

  it.each([
    ['refresh-data', '--quiet'],
    ['refresh-data', '--json'],
    ['validate-data', '--quiet'],
    ['validate-data', '--json'],
  ] as const)(
    '%s %s writes the report of data that passes to the job summary',
    (command, option) => {
      stageRun(revised);
      const { status, stdout, summary } = run(command, option);
      expect(status).toBe(0);
      expect(summary).toMatch(/^### Data validation\n/);
      expect(summary).toContain('Validation passed.');
      // The console is as the option says: nothing with --quiet, the JSON result with --json.
      if (option === '--quiet') expect(stdout).toBe('');
      else expect(JSON.parse(stdout)).toMatchObject({ ok: true });
    },
  );

  it.each([
    ['refresh-data', '--quiet'],
    ['validate-data', '--quiet'],
    ['validate-data', '--json'],
  ] as const)('%s %s writes the report of refused data to the job summary', (command, option) => {
    stageRun(refused);
    const { status, summary } = run(command, option);
    expect(status).toBe(1);
    expect(summary).toContain('Validation FAILED');
    expect(summary).toMatch(/2025-03/);
  });
});

describe("commitStep(): the change log entry the feeds date a ward's figures by", () => {
  const repo = refreshRepository('refresh-published-at-');
  const { stageRun, options } = repo;
  const full = committedSiteData();
  const ward = full.wards[3]!;
  const feb = full.months.indexOf('2025-02');
  /** February revised in one ward, by a refresh that fetched nothing new (same generatedAt). */
  const revised = setCount(full, '2025-02', ward.code, 0, (full.counts[3]?.[feb]?.[0] ?? 0) + 2);

  it('records when it was published and which wards each revised month changed in', async () => {
    stageRun(revised);
    // A day after the data was fetched.
    const now = new Date(Date.parse(full.generatedAt) + 86_400_000);
    expect(await commitStep({ ...options(), now: () => now })).toMatchObject({ changed: true });
    const log = changeLogSchema.parse(
      JSON.parse(readFileSync(path.join(repo.root(), 'src/data/changes.json'), 'utf8')),
    );
    const [entry] = log.entries;
    expect(entry?.refreshedAt).toBe(full.generatedAt);
    expect(entry?.publishedAt).toBe(now.toISOString());
    expect(entry?.revised.map((r) => [r.month, r.wards])).toEqual([['2025-02', [ward.code]]]);
  });

  it('never dates it before the data it publishes was fetched', async () => {
    stageRun(revised);
    const early = new Date(Date.parse(full.generatedAt) - 60_000);
    await commitStep({ ...options(), now: () => early });
    const log = changeLogSchema.parse(
      JSON.parse(readFileSync(path.join(repo.root(), 'src/data/changes.json'), 'utf8')),
    );
    expect(log.entries[0]?.publishedAt).toBe(full.generatedAt);
  });
});

describe('freshnessStep() by its clock, with no REFRESH_TODAY', () => {
  const repo = refreshRepository('refresh-freshness-');
  // The published data ends at March 2025. On 30 June police.uk normally has April out, so
  // March is a month behind and fresh; on 1 July it normally has May out, and March is stale.
  const at = (iso: string) => freshnessStep({ ...repo.options(), now: () => new Date(iso) });

  it('takes today as the day in the UK: 00:30 BST on 1 July is 1 July', async () => {
    const error = (await at('2025-06-30T23:30:00Z').catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(RefreshError);
    expect(error.message).toContain('The published data ends at 2025-03; on 2025-07-01');
  });

  it('takes 23:30 BST on 30 June as 30 June, and midnight GMT on 1 February as 1 February', async () => {
    expect((await at('2025-06-30T22:30:00Z')).message).toBe(
      'The published data ends at 2025-03; on 2025-06-30 police.uk normally has 2025-04 out: up to date.',
    );
    expect((await at('2025-02-01T00:00:00Z')).message).toContain('on 2025-02-01');
  });
});
