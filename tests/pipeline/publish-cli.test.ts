// Which outputs `npm run complete-publish` completes: the folder the site build reads; and an
// --out it cannot use, said as the pipeline says it.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { completePublishPaths, main } from '../../pipeline/publish-cli.ts';

const INSTEAD = 'give --out a folder you can write to, or a new folder inside one';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'publish-cli-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** main(argv)'s exit code and what it printed on stderr and stdout. */
async function complete(argv: string[]) {
  const stderr = vi.spyOn(console, 'error').mockImplementation(() => {});
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    const code = await main(argv, {});
    const lines = (spy: typeof stderr | typeof stdout) => spy.mock.calls.map(([line]) => line);
    return { code, stderr: lines(stderr), stdout: lines(stdout) };
  } finally {
    stderr.mockRestore();
    stdout.mockRestore();
  }
}

describe('completePublishPaths(flags, env)', () => {
  it("is the repository's own outputs for the default area", () => {
    const paths = completePublishPaths({}, {});
    expect(paths.publishJournal).toBe(path.resolve('data', 'processed', 'publish-journal.json'));
    expect(paths.siteData).toBe(path.resolve('src', 'data', 'site-data.json'));
  });

  it('is data/areas/<slug>/output for AREA=<slug>, where `AREA=<slug> npm run build` reads', () => {
    const paths = completePublishPaths({}, { AREA: 'sheffield' });
    const output = path.resolve('data', 'areas', 'sheffield', 'output');
    expect(paths.publishJournal).toBe(path.join(output, 'publish-journal.json'));
    expect(paths.siteData).toBe(path.join(output, 'site-data.json'));
  });

  it('is AREA_DATA_DIR when set, for any area', () => {
    for (const AREA of ['leeds', 'sheffield']) {
      const paths = completePublishPaths({}, { AREA, AREA_DATA_DIR: 'some/out' });
      expect(paths.siteData, AREA).toBe(path.resolve('some', 'out', 'site-data.json'));
    }
  });

  it('prefers --out, then --area, to the environment', () => {
    const env = { AREA: 'sheffield', AREA_DATA_DIR: 'some/out' };
    expect(completePublishPaths({ out: 'other' }, env).siteData).toBe(
      path.resolve('other', 'site-data.json'),
    );
    expect(completePublishPaths({ area: 'bradford' }, env).siteData).toBe(
      path.resolve('data', 'areas', 'bradford', 'output', 'site-data.json'),
    );
  });
});

describe('main(argv) checks --out as the pipeline does', () => {
  it('refuses a file, or a folder under a file, saying what to give instead, as the pipeline does', async () => {
    const file = path.join(tmp, 'a-file');
    await writeFile(file, 'not a folder');
    expect(await complete(['--out', file])).toEqual({
      code: 1,
      stderr: [`complete-publish: --out ${file} is a file, not a folder: ${INSTEAD}`],
      stdout: [],
    });
    const under = path.join(file, 'sub');
    expect(await complete(['--out', under, '--json'])).toEqual({
      code: 1,
      stderr: [
        `complete-publish: --out ${under} cannot be created: ${file} is a file, not a folder: ${INSTEAD}`,
      ],
      stdout: [
        `${JSON.stringify({ ok: false, error: `--out ${under} cannot be created: ${file} is a file, not a folder: ${INSTEAD}` })}\n`,
      ],
    });
  });

  it.skipIf(process.platform !== 'linux')(
    'refuses a place nothing can be created in (/proc), naming it',
    async () => {
      const out = path.join('/proc', 'no-such-output');
      const { code, stderr } = await complete(['--out', out]);
      expect(code).toBe(1);
      expect(stderr).toEqual([
        expect.stringMatching(
          new RegExp(
            `^complete-publish: --out ${out} cannot be created in /proc \\(.*\\): ${INSTEAD}$`,
          ),
        ),
      ]);
    },
  );

  it('accepts a folder, and a new one inside a folder, leaving nothing behind', async () => {
    const dir = path.join(tmp, 'fine');
    for (const out of [tmp, path.join(dir, 'new')]) {
      expect(await complete(['--out', out]), out).toEqual({ code: 0, stderr: [], stdout: [] });
    }
    // Neither the check's file nor the new folder is left.
    expect((await readdir(tmp)).filter((name) => name !== 'a-file')).toEqual([]);
  });
});
