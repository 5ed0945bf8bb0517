import { copyFile, mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  exists,
  fileStamp,
  isInside,
  sameSizeAndTime,
  sizeAndTime,
  sizeAndTimeIfThere,
  stampName,
} from '../../pipeline/files.ts';

describe('exists(file)', () => {
  it('is true for a file and a folder, false for a missing path', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'files-'));
    try {
      await writeFile(path.join(dir, 'a.txt'), 'a');
      expect(await exists(path.join(dir, 'a.txt'))).toBe(true);
      expect(await exists(dir)).toBe(true);
      expect(await exists(path.join(dir, 'missing.txt'))).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('throws, with `strict`, an error other than a missing path, which is otherwise false', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'files-'));
    try {
      await writeFile(path.join(dir, 'a.txt'), 'a');
      const below = path.join(dir, 'a.txt', 'b.txt');
      expect(await exists(below)).toBe(false);
      await expect(exists(below, { strict: true })).rejects.toMatchObject({ code: 'ENOTDIR' });
      expect(await exists(path.join(dir, 'missing.txt'), { strict: true })).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('isInside(file, dir)', () => {
  it.each([
    ['data/sample/archive/2025-03', 'data/sample', true],
    ['data/sample', 'data/sample', true],
    ['data/sample/../cache/sources', 'data/sample', false],
    ['data/sample-2', 'data/sample', false],
    ['/elsewhere/data/sample/x', 'data/sample', false],
  ])('isInside(%s, %s) is %s', (file, dir, inside) => {
    expect(isInside(file, dir)).toBe(inside);
  });
});

describe('fileStamp(file)', () => {
  it('names the folder and file, its size and time: the same for a copy with its time kept, not after a change', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'files-'));
    try {
      const file = path.join(dir, 'months', '2024-01.csv');
      await mkdir(path.dirname(file));
      await writeFile(file, 'rows\n');
      await utimes(file, 1_700_000_000.25, 1_700_000_000.25);
      const stamp = await fileStamp(file);
      expect(stamp).toBe('months/2024-01.csv:5:1700000000250');
      const copy = path.join(dir, 'restored', 'months', '2024-01.csv');
      await mkdir(path.dirname(copy), { recursive: true });
      await copyFile(file, copy);
      await utimes(copy, 1_700_000_000.25, 1_700_000_000.25);
      expect(await fileStamp(copy)).toBe(stamp);
      await writeFile(file, 'other\n');
      expect(await fileStamp(file)).not.toBe(stamp);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('sizeAndTime(file) and sizeAndTimeIfThere(file)', () => {
  it('give the size and the time in whole milliseconds, alike for two copies whose times differ within one', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'files-'));
    try {
      const file = path.join(dir, 'a.csv');
      const copy = path.join(dir, 'b.csv');
      await writeFile(file, 'rows\n');
      await copyFile(file, copy);
      // As `cp -a` keeps a time (to the nanosecond) and fs.cp's preserveTimestamps rounds it.
      await utimes(file, 1_700_000_000.2504, 1_700_000_000.2504);
      await utimes(copy, 1_700_000_000.2501, 1_700_000_000.2501);
      expect(await sizeAndTime(file)).toEqual({ size: 5, mtimeMs: 1_700_000_000_250 });
      expect(await sizeAndTime(copy)).toEqual(await sizeAndTime(file));
      expect(await sizeAndTimeIfThere(copy)).toEqual(await sizeAndTime(file));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('throws for a missing file, where sizeAndTimeIfThere gives null', async () => {
    const missing = path.join(tmpdir(), 'files-no-such-folder', 'gone.csv');
    await expect(sizeAndTime(missing)).rejects.toThrow(/ENOENT/);
    expect(await sizeAndTimeIfThere(missing)).toBeNull();
  });
});

describe('sameSizeAndTime(a, b)', () => {
  it('is true only for two known stamps of the same size and time', () => {
    const stamp = { size: 5, mtimeMs: 1_700_000_000_250 };
    expect(sameSizeAndTime(stamp, { ...stamp })).toBe(true);
    expect(sameSizeAndTime(stamp, { ...stamp, size: 6 })).toBe(false);
    expect(sameSizeAndTime(stamp, { ...stamp, mtimeMs: 1_700_000_000_251 })).toBe(false);
    expect(sameSizeAndTime(stamp, null)).toBe(false);
    expect(sameSizeAndTime(null, null)).toBe(false);
  });
});

describe('stampName(file)', () => {
  it('is the folder and the name, whatever the path above them', () => {
    expect(stampName('/srv/cache/months/2025-01.csv')).toBe('months/2025-01.csv');
    expect(stampName(path.join('out', 'months', '2025-01.csv'))).toBe('months/2025-01.csv');
  });
});
