import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../pipeline/cli.ts';
import { checkOutFolder } from '../../pipeline/out-folder.ts';
import { createMemoryReporter } from '../../pipeline/report.ts';

const INSTEAD = 'give --out a folder you can write to, or a new folder inside one';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'out-folder-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A probe that fails as a read-only file system does (EROFS needs a read-only mount). */
async function readOnly(dir: string): Promise<void> {
  throw Object.assign(
    new Error(`EROFS: read-only file system, open '${dir}/.pipeline-write-check'`),
    { code: 'EROFS' },
  );
}

describe('checkOutFolder(out)', () => {
  it('accepts a folder that exists, and one that does not yet, leaving nothing behind', async () => {
    const dir = path.join(tmp, 'fine');
    await mkdir(dir);
    await checkOutFolder(dir);
    await checkOutFolder(path.join(dir, 'new', 'deeper'));
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a file, saying what to give instead', async () => {
    const file = path.join(tmp, 'a-file');
    await writeFile(file, 'not a folder');
    await expect(checkOutFolder(file)).rejects.toThrow(
      `--out ${file} is a file, not a folder: ${INSTEAD}`,
    );
  });

  it('refuses a folder under a file, naming the file', async () => {
    const file = path.join(tmp, 'a-parent-file');
    await writeFile(file, 'not a folder');
    const out = path.join(file, 'sub', 'out');
    await expect(checkOutFolder(out)).rejects.toThrow(
      `--out ${out} cannot be created: ${file} is a file, not a folder: ${INSTEAD}`,
    );
  });

  it('refuses a read-only folder, with the reason', async () => {
    const dir = path.join(tmp, 'read-only');
    await mkdir(dir);
    await expect(checkOutFolder(dir, readOnly)).rejects.toThrow(
      `--out ${dir} cannot be written (EROFS: read-only file system, open '${dir}/.pipeline-write-check'): ${INSTEAD}`,
    );
  });

  it('refuses a new folder inside a read-only one, naming where it would be created', async () => {
    const dir = path.join(tmp, 'read-only-parent');
    await mkdir(dir);
    const out = path.join(dir, 'out');
    await expect(checkOutFolder(out, readOnly)).rejects.toThrow(
      `--out ${out} cannot be created in ${dir} (EROFS: read-only file system`,
    );
  });
});

describe('runPipeline with an --out it cannot write', () => {
  it('fails before any work, saying what to give instead, and writes nothing', async () => {
    const file = path.join(tmp, 'out-is-a-file');
    await writeFile(file, 'not a folder');
    for (const out of [file, path.join(file, 'sub')]) {
      const reporter = createMemoryReporter();
      const error = await runPipeline(
        { help: false, list: false, offline: true, archiveDir: 'data/sample/archive', out },
        { reporter },
      ).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/^--out .* is a file, not a folder: give --out/);
      expect(reporter.lines).toEqual([]);
    }
  });
});
