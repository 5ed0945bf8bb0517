// Two districts' refreshes in one repository (`npm run refresh-data -- pipeline` for Leeds and
// `npm run refresh-data -- --area sheffield pipeline`): each stages its run, and keeps its
// caches, in a folder of its own, so neither takes away or reads the other's. The pipeline
// step fails here before the pipeline runs (police.uk, replayed, has no archive), after it
// has cleared the staging folder it would run into.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { refreshRepository, STAGE_DIR } from '../support/refresh-repository.ts';
import { ReplayServer } from '../support/replay-server.ts';
import { replaySources } from '../support/replay-sources.ts';
import { commitStep, freshnessStep, validateStep } from '../../pipeline/refresh-steps.ts';
import { committedSiteData, removeCrimes } from '../support/site-data.ts';

const SHEFFIELD = 'data/areas/sheffield';
const repo = refreshRepository('refresh-areas-');
let server: ReplayServer;

beforeEach(async () => {
  server = await ReplayServer.start();
  for (const file of [`${SHEFFIELD}/area.json`, `${SHEFFIELD}/wards.geojson`]) {
    mkdirSync(path.join(repo.root(), SHEFFIELD), { recursive: true });
    copyFileSync(file, path.join(repo.root(), file));
  }
  repo.write(`${SHEFFIELD}/output/site-data.json`, committedSiteData('sheffield'));
  repo.git('add', '--all');
  repo.git('commit', '--quiet', '-m', 'Sheffield published');
});

afterEach(() => server.close());

/**
 * `npm run refresh-data -- <args>` in the repository, with police.uk pointed at the replay
 * server and REFRESH_DIR as `refreshDir` (unset: undefined).
 */
async function refreshData(
  args: readonly string[],
  refreshDir?: string,
): Promise<{ status: number | null; stderr: string }> {
  const sources = replaySources(server);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    POLICE_ARCHIVE_BASE_URL: sources.policeArchiveBaseUrl,
    POLICE_API_BASE_URL: sources.policeApiBaseUrl,
    GITHUB_STEP_SUMMARY: '',
    GITHUB_OUTPUT: '',
  };
  delete env['REFRESH_DIR'];
  if (refreshDir !== undefined) env['REFRESH_DIR'] = refreshDir;
  const child = spawn(process.execPath, [path.resolve('pipeline/refresh.ts'), ...args], {
    cwd: repo.root(),
    env,
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { status, stderr };
}

/** The files of Leeds's staged run, as they are now (null: not there). */
function leedsStaged(): (string | null)[] {
  return ['site-data.json', 'run-summary.json'].map((name) => {
    const file = path.join(repo.root(), STAGE_DIR, name);
    return existsSync(file) ? readFileSync(file, 'utf8') : null;
  });
}

describe("refresh-data --area sheffield pipeline and Leeds's staging folder", () => {
  it("leaves Leeds's staged run in place: Sheffield stages in a folder of its own", async () => {
    repo.stageRun(committedSiteData());
    const before = leedsStaged();
    const { status, stderr } = await refreshData(['--area', 'sheffield', 'pipeline']);
    expect(status).toBe(1);
    expect(stderr).toMatch(/cannot tell which months/);
    expect(leedsStaged()).toEqual(before);
    expect(before).not.toContain(null);
  });

  it("and Leeds's pipeline step leaves Sheffield's staged run in place", async () => {
    // Where Sheffield's pipeline step stages, as it says in its refusal of a missing summary.
    const { stderr } = await refreshData(['--area', 'sheffield', 'validate']);
    const summary = /(\S+)\/run-summary\.json is not there/.exec(stderr)?.[1];
    expect(summary).toBeDefined();
    expect(summary).not.toBe(STAGE_DIR);
    const staged = path.join(repo.root(), summary!, 'site-data.json');
    mkdirSync(path.dirname(staged), { recursive: true });
    writeFileSync(staged, JSON.stringify(committedSiteData('sheffield')));
    expect((await refreshData(['pipeline'])).status).toBe(1);
    expect(existsSync(staged)).toBe(true);
  });

  it('refuses a REFRESH_DIR that holds the other district’s run, and leaves it as it was', async () => {
    // Leeds's pipeline step claimed the folder, and its run was staged there.
    expect((await refreshData(['pipeline'], STAGE_DIR)).stderr).toMatch(/cannot tell which months/);
    repo.stageRun(committedSiteData());
    const before = leedsStaged();
    for (const step of ['pipeline', 'validate', 'commit']) {
      const { status, stderr } = await refreshData(['--area', 'sheffield', step], STAGE_DIR);
      expect(status).toBe(1);
      expect(stderr).toContain(`${STAGE_DIR} holds the refresh of leeds, not sheffield`);
      expect(leedsStaged()).toEqual(before);
    }
    // And the other way round.
    const sheffieldDir = 'data/sheffield-refresh';
    await refreshData(['--area', 'sheffield', 'pipeline'], sheffieldDir);
    const { status, stderr } = await refreshData(['pipeline'], sheffieldDir);
    expect(status).toBe(1);
    expect(stderr).toContain(`${sheffieldDir} holds the refresh of sheffield, not leeds`);
  });

  it('refuses an --area that is no area name, before making its staging folder (exit 2)', async () => {
    const { status, stderr } = await refreshData(['--area', '../../outside', 'pipeline']);
    expect(status).toBe(2);
    expect(stderr).toContain('is not an area name');
    expect(existsSync(path.join(repo.root(), '..', 'outside'))).toBe(false);
  });

  it("takes a staging folder with caches from before districts were recorded as Leeds's", async () => {
    // The data workflow's staging folder, as its caches restore it.
    const archive = path.join(repo.root(), STAGE_DIR, 'cache', 'archive', '2025-03');
    mkdirSync(archive, { recursive: true });
    writeFileSync(path.join(archive, '2025-03-west-yorkshire-street.csv'), 'Crime ID\n');
    const sheffield = await refreshData(['--area', 'sheffield', 'pipeline'], STAGE_DIR);
    expect(sheffield.status).toBe(1);
    expect(sheffield.stderr).toContain(`${STAGE_DIR} holds the refresh of leeds, not sheffield`);
    const leeds = await refreshData(['pipeline'], STAGE_DIR);
    expect(leeds.stderr).toMatch(/cannot tell which months/);
  });
});

describe("a district's own staging folder, holding a cache that names no district", () => {
  /** A cache in `dir` as the data workflow restores it: police.uk files, no refresh-area.txt. */
  function restoreCache(dir: string): void {
    const archive = path.join(repo.root(), dir, 'cache', 'archive', '2024-04');
    mkdirSync(archive, { recursive: true });
    writeFileSync(path.join(archive, '2024-04-south-yorkshire-street.csv'), 'Crime ID\n');
  }

  it.each([
    'data/areas/sheffield/refresh',
    'data/areas/sheffield/refresh/',
    './data/areas/sheffield/refresh',
  ])(
    "is Sheffield's, as REFRESH_DIR names it (%s) or left unset: its refresh goes on",
    async (dir) => {
      for (const refreshDir of [dir, undefined]) {
        // A new runner: the cache restored, the name its pipeline step wrote not.
        rmSync(path.join(repo.root(), 'data/areas/sheffield/refresh'), {
          recursive: true,
          force: true,
        });
        restoreCache(dir);
        const { status, stderr } = await refreshData(
          ['--area', 'sheffield', 'pipeline'],
          refreshDir,
        );
        expect(status).toBe(1);
        expect(stderr).not.toContain('holds the refresh of');
        expect(stderr).toMatch(/cannot tell which months/);
      }
    },
  );

  it("is refused to Leeds's refresh as Sheffield's, naming it so", async () => {
    const dir = 'data/areas/sheffield/refresh';
    restoreCache(dir);
    const { status, stderr } = await refreshData(['pipeline'], dir);
    expect(status).toBe(1);
    expect(stderr).toContain(
      `${dir} holds the refresh of sheffield, not leeds (it names no district and holds a cache, and it is sheffield's own staging folder)`,
    );
  });
});

describe("the commit step's message names the district it commits", () => {
  /** A routine revision of `area`'s data, staged: three of its newest month's crimes gone. */
  function stageRevision(area?: string): void {
    const published = committedSiteData(area);
    repo.stageRun(removeCrimes(published, published.months.at(-1)!, 3));
  }

  beforeEach(() => {
    // The gate's report goes to the console.
    vi.spyOn(console, 'error').mockImplementation(() => {});
    return () => vi.restoreAllMocks();
  });

  it("Sheffield's data commit is Sheffield's, not to be read as Leeds's", async () => {
    stageRevision('sheffield');
    expect(await commitStep({ ...repo.options(), area: 'sheffield' })).toMatchObject({
      changed: true,
    });
    expect(repo.git('log', '-1', '--format=%s')).toBe('Sheffield data to 2024-04: revise 2024-04');
  });

  it("Leeds's, the default district's, reads as it always has", async () => {
    stageRevision();
    expect(await commitStep(repo.options())).toMatchObject({ changed: true });
    expect(repo.git('log', '-1', '--format=%s')).toBe('Data to 2025-03: revise 2025-03');
  });
});

describe('the freshness step of another district says whose data, and how it is refreshed', () => {
  /**
   * Sheffield's watchdog on `today`, with AREA (the district the data workflow refreshes) as
   * `scheduled` (unset: the default); its published data ends at 2024-04.
   */
  const sheffield = (today: string, scheduled?: string) =>
    freshnessStep({
      ...repo.options({ REFRESH_TODAY: today, ...(scheduled ? { AREA: scheduled } : {}) }),
      area: 'sheffield',
    });

  it.each([undefined, 'leeds'])(
    "behind (AREA %s): names Sheffield and its own refresh, not the data workflow, which is Leeds's",
    async (scheduled) => {
      const error = (await sheffield('2026-12-07', scheduled).catch((e: unknown) => e)) as Error;
      expect(error.message).toMatch(/^Sheffield's published data ends at 2024-04; on 2026-12-07/);
      expect(error.message).toContain(
        'the data workflow refreshes the district AREA names, leeds here',
      );
      expect(error.message).toContain('npm run refresh-data -- --area sheffield all');
      expect(error.message).not.toContain("data workflow's recent runs");
    },
  );

  it("behind, in the watch of a deployment for Sheffield (AREA=sheffield): the data workflow's runs", async () => {
    const error = (await sheffield('2026-12-07', 'sheffield').catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/^Sheffield's published data ends at 2024-04; on 2026-12-07/);
    expect(error.message).toContain("Look at the data workflow's recent runs");
    expect(error.message).not.toContain('No scheduled refresh publishes it');
  });

  /**
   * The watch of `area` run by hand for it (AREA, as the cache workflow's area input sets it),
   * with SCHEDULED_AREA as the repository variable AREA gives it: `scheduled` ('' when unset).
   */
  const watched = (area: string, scheduled: string) =>
    freshnessStep({
      ...repo.options({ REFRESH_TODAY: '2026-12-07', AREA: area, SCHEDULED_AREA: scheduled }),
      area,
    }).catch((e: unknown) => e as Error);

  it.each([
    ['sheffield', '', 'leeds'],
    ['sheffield', 'leeds', 'leeds'],
    ['leeds', 'sheffield', 'sheffield'],
  ])(
    'behind, %s watched by hand while the schedule refreshes another (SCHEDULED_AREA %j): its own refresh',
    async (area, scheduled, refreshed) => {
      const error = (await watched(area, scheduled)) as Error;
      const name = area === 'leeds' ? 'Leeds' : 'Sheffield';
      expect(error.message).toMatch(new RegExp(`^${name}'s published data ends at \\d{4}-\\d{2};`));
      expect(error.message).toContain(
        `No scheduled refresh publishes it (the data workflow refreshes the district AREA names, ${refreshed} here)`,
      );
      expect(error.message).toContain(`npm run refresh-data -- --area ${area} all`);
      expect(error.message).not.toContain('the scheduled refreshes keep the site');
    },
  );

  it.each([
    ['sheffield', 'sheffield'],
    ['leeds', ''],
    ['leeds', 'leeds'],
  ])(
    "behind, %s watched while the schedule refreshes it (SCHEDULED_AREA %j): the data workflow's runs",
    async (area, scheduled) => {
      const error = (await watched(area, scheduled)) as Error;
      expect(error.message).toContain("Look at the data workflow's recent runs");
      expect(error.message).not.toContain('No scheduled refresh publishes it');
    },
  );

  it('up to date: names Sheffield', async () => {
    expect((await sheffield('2024-06-10')).message).toBe(
      "Sheffield's published data ends at 2024-04; on 2024-06-10 police.uk normally has 2024-04 out: up to date.",
    );
  });

  it("Leeds's reads as it always has", async () => {
    const leeds = await freshnessStep(repo.options({ REFRESH_TODAY: '2025-05-05' }));
    expect(leeds.message).toMatch(/^The published data ends at 2025-03;/);
  });
});

describe("another district's refusals name its own refresh's commands", () => {
  const sheffield = () => ({ ...repo.options(), area: 'sheffield' });

  beforeEach(() => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    return () => vi.restoreAllMocks();
  });

  it('with no staged run summary: stage it again with --area sheffield', async () => {
    await expect(validateStep(sheffield())).rejects.toThrow(
      '`npm run refresh-data -- --area sheffield pipeline`',
    );
    await expect(validateStep(repo.options())).rejects.toThrow(
      '`npm run refresh-data -- pipeline`',
    );
  });

  it('with a staged run summary that does not say which steps ran: the same', async () => {
    const published = committedSiteData('sheffield');
    repo.stageRun(removeCrimes(published, published.months.at(-1)!, 3));
    repo.write(`${STAGE_DIR}/run-summary.json`, { months: [] });
    await expect(commitStep(sheffield())).rejects.toThrow(
      '`npm run refresh-data -- --area sheffield pipeline`',
    );
  });

  it("with nothing new and its published data changed by hand: the build that would publish it is Sheffield's", async () => {
    const published = committedSiteData('sheffield');
    repo.stageRun(published);
    // Published in the working tree, never committed: what a stopped commit step leaves.
    repo.write(
      `${SHEFFIELD}/output/site-data.json`,
      removeCrimes(published, published.months.at(-1)!, 3),
    );
    await expect(commitStep(sheffield())).rejects.toThrow(
      'the next `AREA=sheffield npm run build` would publish them',
    );
  });

  it("with nothing new and Leeds's published data changed by hand: the build is Leeds's own", async () => {
    const published = committedSiteData();
    repo.stageRun(published);
    repo.write('src/data/site-data.json', removeCrimes(published, published.months.at(-1)!, 3));
    await expect(commitStep(repo.options())).rejects.toThrow(
      'the next `npm run build` would publish them',
    );
  });

  it('with a staged output an earlier run left: the same', async () => {
    const published = committedSiteData('sheffield');
    repo.stageRun(removeCrimes(published, published.months.at(-1)!, 3), ['site-data']);
    repo.write(`${SHEFFIELD}/output/downloads.json`, { files: [] });
    repo.git('add', '--all');
    repo.git('commit', '--quiet', '-m', 'downloads');
    await expect(commitStep(sheffield())).rejects.toThrow(
      '`npm run refresh-data -- --area sheffield pipeline`, with no --step',
    );
  });
});
