// Staging.prepareCopy: a copy started before its output is staged, taken up by an output
// that starts as a copy of the same file, unchanged since; otherwise written over or deleted.
// The copies are seen through node:fs/promises `copyFile`, wrapped to record each call.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

/** Each copyFile call: "<source name> -> <destination name>". */
const copies: string[] = [];
/** While set, copyFile writes part of the file and then fails, as a full disk would. */
let copyFails = false;

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const copyFile: typeof fs.copyFile = async (from, to, mode) => {
    copies.push(`${path.basename(String(from))} -> ${path.basename(String(to))}`);
    if (copyFails) {
      await fs.writeFile(to, 'hea');
      throw Object.assign(new Error('ENOSPC: no space left on device, copyfile'), {
        code: 'ENOSPC',
      });
    }
    return fs.copyFile(from, to, mode);
  };
  return { ...fs, copyFile, default: { ...fs, copyFile } };
});

const { Staging, tempPathFor } = await import('../../pipeline/write.ts');

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'write-prepare-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});
beforeEach(() => {
  copies.length = 0;
});

/** A folder with a published master.csv, a staging for it, and the file's path. */
async function published(name: string, text = 'header\nrow 1\n') {
  const dir = path.join(tmp, name);
  const staging = new Staging(path.join(dir, 'publish-journal.json'));
  const master = path.join(dir, 'master.csv');
  const first = new Staging(path.join(dir, 'publish-journal.json'));
  await first.writeFile(master, text);
  await first.commit();
  return { dir, staging, master };
}

/** Resolves once the prepared copy of `master` is in its temporary file, whole. */
async function copied(master: string, text: string) {
  await vi.waitFor(async () =>
    expect(await readFile(tempPathFor(master), 'utf8').catch(() => '')).toBe(text),
  );
}

const wanted = async () => true;

describe('Staging.prepareCopy(finalPath, source, wanted)', () => {
  it('copies at once, and an output staged later as a copy of the unchanged source starts from it', async () => {
    const { dir, staging, master } = await published('taken-up');
    staging.prepareCopy(master, master, wanted);
    await copied(master, 'header\nrow 1\n');
    staging.writeInBackground(master, { copyOf: master }, (out) => out.write('row 2\n'));
    await staging.commit();
    expect(await readFile(master, 'utf8')).toBe('header\nrow 1\nrow 2\n');
    expect(copies).toEqual(['master.csv -> ' + path.basename(tempPathFor(master))]);
    expect(await readdir(dir)).toEqual(['master.csv']);
  });

  it('copies again for an output when the source changed after the copy was prepared', async () => {
    const { staging, master } = await published('changed');
    staging.prepareCopy(master, master, wanted);
    await copied(master, 'header\nrow 1\n');
    await writeFile(master, 'header\nrow 1 corrected\n');
    staging.writeInBackground(master, { copyOf: master }, (out) => out.write('row 2\n'));
    await staging.commit();
    expect(await readFile(master, 'utf8')).toBe('header\nrow 1 corrected\nrow 2\n');
    expect(copies).toHaveLength(2);
  });

  it('is written over by an output that starts empty, or from data, and copies nothing when not wanted', async () => {
    const { staging, master } = await published('written-over');
    const other = path.join(path.dirname(master), 'other.csv');
    await writeFile(other, 'other\n');
    staging.prepareCopy(master, master, wanted);
    staging.prepareCopy(other, other, wanted);
    const third = path.join(path.dirname(master), 'third.csv');
    staging.prepareCopy(third, master, async () => false);
    staging.writeInBackground(master, {}, (out) => out.write('new header\n'));
    await staging.writeFile(other, 'replaced\n');
    await staging.commit();
    expect(await readFile(master, 'utf8')).toBe('new header\n');
    expect(await readFile(other, 'utf8')).toBe('replaced\n');
    expect(copies).toHaveLength(2);
    expect((await readdir(path.dirname(master))).sort()).toEqual(['master.csv', 'other.csv']);
  });

  it('that no output takes up is deleted by commit() and by abort(), the published file untouched', async () => {
    for (const end of ['commit', 'abort'] as const) {
      const { dir, staging, master } = await published(`left-${end}`);
      staging.prepareCopy(master, master, wanted);
      await copied(master, 'header\nrow 1\n');
      await staging[end]();
      expect(await readdir(dir)).toEqual(['master.csv']);
      expect(await readFile(master, 'utf8')).toBe('header\nrow 1\n');
    }
  });

  it('that fails leaves nothing behind, and the output copies again and meets the error itself', async () => {
    const { dir, staging, master } = await published('failing');
    const gone = path.join(dir, 'gone.csv');
    staging.prepareCopy(master, gone, wanted);
    staging.writeInBackground(master, { copyOf: gone }, (out) => out.write('row\n'));
    await expect(staging.commit()).rejects.toThrow(/ENOENT.*gone\.csv/);
    await staging.abort();
    expect(await readdir(dir)).toEqual(['master.csv']);
    // A source that exists but fails part way: the copy's own temporary file is removed too.
    const other = await published('failing-late');
    copyFails = true;
    other.staging.prepareCopy(other.master, other.master, wanted);
    await other.staging.commit();
    copyFails = false;
    expect(await readdir(other.dir)).toEqual(['master.csv']);
  });

  it('refuses a path already staged', async () => {
    const { staging, master } = await published('refused');
    await staging.writeFile(master, 'x\n');
    expect(() => staging.prepareCopy(master, master, wanted)).toThrow(/before it is staged/);
    await staging.abort();
  });
});
