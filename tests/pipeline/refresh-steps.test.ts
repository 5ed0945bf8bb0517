// The refresh for another district (`npm run refresh-data -- --area sheffield validate`): the
// staged data is checked against that area's published data and wards, not Leeds's. And the
// commit step in a scratch repository whose `git commit` fails.
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  commitStep,
  RefreshError,
  validateStep,
  type RefreshOptions,
} from '../../pipeline/refresh-steps.ts';
import { main } from '../../pipeline/refresh.ts';
import { refreshRepository, STAGE_DIR } from '../support/refresh-repository.ts';
import { yearlyFileName, type DownloadsManifest } from '../../src/shared/open-data.ts';
import { committedSiteData, removeCrimes } from '../support/site-data.ts';

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

/** The part of `text` from `start` up to `end` (or its end). */
function part(text: string, start: string, end?: string): string {
  const from = text.indexOf(start);
  expect(from, `"${start}" in: ${text}`).toBeGreaterThanOrEqual(0);
  return text.slice(from, end === undefined ? undefined : text.indexOf(end, from));
}

describe('commitStep() whose git commit fails', () => {
  const repo = refreshRepository('refresh-commit-');
  const { git, write, options, preCommitHook } = repo;
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

  beforeEach(() => write(`${STAGE_DIR}/site-data.json`, revised));

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
    write(`${STAGE_DIR}/downloads.json`, downloadsManifest(full.months));
    const message = await failedCommit();
    expect(message).toContain('src/data/downloads.json');
    runCommands(part(message, 'restore them as committed:'));
    expect(git('status', '--porcelain', '--untracked-files=all')).toBe(
      ['commit-message.txt', 'downloads.json', 'site-data.json']
        .map((file) => `?? ${STAGE_DIR}/${file}`)
        .join('\n'),
    );
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
