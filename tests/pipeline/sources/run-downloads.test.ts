// linkOrCopy puts a checked file at a second place: a hard link where it can, else a copy with
// the same times, so a folder input (archive.ts) fingerprints it as the same file either way.
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linkOrCopy } from '../../../pipeline/sources/run-downloads.ts';

/** A file system of its own (tmpfs on Linux), where a link from the temporary folder fails. */
const OTHER_FILE_SYSTEM = '/dev/shm';

let dirs: string[] = [];
let from: string;

beforeEach(async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'link-or-copy-'));
  dirs = [dir];
  from = path.join(dir, '2025-03-west-yorkshire-outcomes.csv');
  await writeFile(from, 'Crime ID,Month,Outcome type\nabc,2025-03,Local resolution\n');
  // A time in the past, as a file cached by an earlier run has.
  await utimes(from, new Date('2025-04-07T09:00:00.123Z'), new Date('2025-04-07T09:00:00.123Z'));
});

afterEach(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('linkOrCopy(from, to)', () => {
  it('links the file within a file system: the same file', async () => {
    const to = path.join(path.dirname(from), 'staged.csv');
    await linkOrCopy(from, to);
    const [a, b] = await Promise.all([stat(from), stat(to)]);
    expect(b.ino).toBe(a.ino);
    expect(b.mtimeMs).toBe(a.mtimeMs);
  });

  it('copies it to another file system with its size and time, as a folder input fingerprints it', async () => {
    const other = await mkdtemp(path.join(OTHER_FILE_SYSTEM, 'link-or-copy-'));
    dirs.push(other);
    // The case under test: a link between the two fails (EXDEV).
    expect((await stat(other)).dev).not.toBe((await stat(from)).dev);
    const to = path.join(other, 'staged.csv');
    await linkOrCopy(from, to);
    const [a, b] = await Promise.all([stat(from), stat(to)]);
    expect(b.ino === a.ino && b.dev === a.dev).toBe(false);
    expect(await readFile(to, 'utf8')).toBe(await readFile(from, 'utf8'));
    expect(b.size).toBe(a.size);
    expect(Math.trunc(b.mtimeMs)).toBe(Math.trunc(a.mtimeMs));
  });

  it('fails, naming the file, for a failure a copy would not mend', async () => {
    const to = path.join(path.dirname(from), 'missing-folder', 'staged.csv');
    await expect(linkOrCopy(from, to)).rejects.toMatchObject({
      code: 'ENOENT',
      message: expect.stringContaining(to),
    });
  });
});
