import {
  copyFile,
  cp,
  mkdir,
  mkdtemp,
  readFile,
  rename,
  rm,
  stat,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchiveInputs, parseEntryName, type ArchiveInput } from '../../pipeline/archive.ts';
import { InputError } from '../../pipeline/input-error.ts';
import { selectEntries } from '../../pipeline/select-entries.ts';
import { syntheticFile } from '../support/police-fixtures.ts';
import { zipFolder } from './zip-folder.ts';

const SAMPLE = 'data/sample/archive';
const STREET_2025_03 = `${SAMPLE}/2025-03/2025-03-west-yorkshire-street.csv`;

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'archive-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function closeAll(inputs: ArchiveInput[]) {
  for (const input of inputs) input.close();
}

/** A copy of the sample folder. */
async function sampleCopy(name: string): Promise<string> {
  const root = path.join(tmp, name);
  await cp(SAMPLE, root, { recursive: true });
  return root;
}

/** A copy of the sample folder with `file` (relative) moved to `to`. */
async function moved(name: string, file: string, to: string): Promise<string> {
  const root = await sampleCopy(name);
  await mkdir(path.dirname(path.join(root, to)), { recursive: true });
  await rename(path.join(root, file), path.join(root, to));
  return root;
}

describe('parseEntryName', () => {
  it('reads month, force and kind, at the top level or one folder deep', () => {
    expect(parseEntryName('2025-03/2025-03-west-yorkshire-street.csv')).toEqual({
      month: '2025-03',
      force: 'west-yorkshire',
      kind: 'street',
    });
    expect(parseEntryName('archive/2021-08/2021-08-west-yorkshire-stop-and-search.csv')).toEqual({
      month: '2021-08',
      force: 'west-yorkshire',
      kind: 'stop-and-search',
    });
    expect(parseEntryName('2025-03/2025-03-btp-outcomes.csv')).toEqual({
      month: '2025-03',
      force: 'btp',
      kind: 'outcomes',
    });
  });

  it('returns null for other files, two folders deep, or a month that differs from its folder', () => {
    expect(parseEntryName('2025-03/notes.txt')).toBeNull();
    expect(parseEntryName('a/b/2025-03/2025-03-btp-street.csv')).toBeNull();
    expect(parseEntryName('2025-03/2025-02-btp-street.csv')).toBeNull();
    expect(parseEntryName('2025-13/2025-13-btp-street.csv')).toBeNull();
  });
});

describe('openArchiveInputs', () => {
  it('lists the sample folder by month, force and kind, with sizes', async () => {
    const inputs = await openArchiveInputs(SAMPLE);
    try {
      expect(inputs).toHaveLength(1);
      const [input] = inputs;
      expect(input?.type).toBe('folder');
      expect(input?.latestMonth).toBe('2025-03');
      expect(input?.snapshot).toBe('archive:2025-03');
      expect(input?.entries.map((e) => `${e.month} ${e.force} ${e.kind}`)).toEqual([
        '2021-08 west-yorkshire stop-and-search',
        '2024-03 west-yorkshire street',
        '2025-02 west-yorkshire street',
        '2025-03 west-yorkshire street',
      ]);
      const street = input?.entries.at(-1);
      expect(street?.size).toBe((await readFile(STREET_2025_03)).length);
      expect(await text(await street!.open())).toBe(await readFile(STREET_2025_03, 'utf8'));
    } finally {
      closeAll(inputs);
    }
  });

  it('reads a zip of the sample folder (nested one folder deep) with the same entries and bytes', async () => {
    const zipPath = path.join(tmp, 'sample.zip');
    await zipFolder(SAMPLE, zipPath, { prefix: 'archive' });
    const [folder] = await openArchiveInputs(SAMPLE);
    const [zip] = await openArchiveInputs(zipPath);
    try {
      expect(zip?.type).toBe('zip');
      expect(zip?.snapshot).toBe(folder?.snapshot);
      expect(zip?.entries.map((e) => [e.month, e.force, e.kind, e.size])).toEqual(
        folder?.entries.map((e) => [e.month, e.force, e.kind, e.size]),
      );
      const zipped = zip!.entries.find((e) => e.month === '2024-03')!;
      expect(zipped.where).toBe(`${zipPath}:archive/2024-03/2024-03-west-yorkshire-street.csv`);
      expect(await text(await zipped.open())).toBe(
        await readFile(`${SAMPLE}/2024-03/2024-03-west-yorkshire-street.csv`, 'utf8'),
      );
      expect(zipped.modifiedAt.getTime()).toBe(
        folder!.entries.find((e) => e.month === '2024-03')!.modifiedAt.getTime(),
      );
    } finally {
      folder?.close();
      zip?.close();
    }
  });

  it('accepts a folder holding month folders, zips and archive folders together', async () => {
    const root = path.join(tmp, 'mixed');
    await mkdir(path.join(root, '2025-02'), { recursive: true });
    await copyFile(
      `${SAMPLE}/2025-02/2025-02-west-yorkshire-street.csv`,
      path.join(root, '2025-02/2025-02-west-yorkshire-street.csv'),
    );
    await mkdir(path.join(root, 'older/2024-03'), { recursive: true });
    await copyFile(
      `${SAMPLE}/2024-03/2024-03-west-yorkshire-street.csv`,
      path.join(root, 'older/2024-03/2024-03-west-yorkshire-street.csv'),
    );
    const only2025 = path.join(tmp, 'only-2025-03');
    await mkdir(path.join(only2025, '2025-03'), { recursive: true });
    await copyFile(
      STREET_2025_03,
      path.join(only2025, '2025-03/2025-03-west-yorkshire-street.csv'),
    );
    await zipFolder(only2025, path.join(root, '2025-03.zip'));
    await writeFile(path.join(root, 'README.txt'), 'not police data');

    const inputs = await openArchiveInputs(root);
    try {
      expect(inputs.map((i) => [path.basename(i.path), i.type])).toEqual([
        ['mixed', 'folder'],
        ['2025-03.zip', 'zip'],
        ['older', 'folder'],
      ]);
      const { entries } = await selectEntries(inputs);
      expect(entries.map((e) => e.month)).toEqual(['2024-03', '2025-02', '2025-03']);
    } finally {
      closeAll(inputs);
    }
  });

  it('selectEntries uses the newer archive when two inputs hold the same file', async () => {
    const older = path.join(tmp, 'dup/2025-03.zip');
    await mkdir(path.dirname(older), { recursive: true });
    await zipFolder(SAMPLE, older); // newest month 2025-03
    const newer = path.join(tmp, 'dup/2025-04.zip');
    const src = path.join(tmp, 'dup-src');
    await mkdir(path.join(src, '2025-03'), { recursive: true });
    await mkdir(path.join(src, '2025-04'), { recursive: true });
    await copyFile(STREET_2025_03, path.join(src, '2025-03/2025-03-west-yorkshire-street.csv'));
    await copyFile(STREET_2025_03, path.join(src, '2025-04/2025-04-west-yorkshire-outcomes.csv'));
    await zipFolder(src, newer);
    const inputs = await openArchiveInputs(path.dirname(older));
    try {
      const { entries, shadowed } = await selectEntries(inputs);
      const march = entries.find((e) => e.month === '2025-03' && e.kind === 'street');
      expect(march?.input).toBe(newer);
      expect(march?.snapshot).toBe('archive:2025-04');
      expect(shadowed.map((s) => s.entry.input)).toEqual([older]);
    } finally {
      closeAll(inputs);
    }
  });

  describe("fails on a police.uk file in another month's folder, naming the file, both months and what to do", () => {
    it('a street file named for an earlier month', async () => {
      const root = await moved(
        'misplaced-street',
        '2025-03/2025-03-west-yorkshire-street.csv',
        '2025-03/2025-01-west-yorkshire-street.csv',
      );
      const error = await openArchiveInputs(root).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toBe(
        `${path.join(root, '2025-03/2025-01-west-yorkshire-street.csv')}: is named for 2025-01 ` +
          'but is in the 2025-03 folder, so the month it holds is not known: move it into a ' +
          "2025-01 folder if it holds 2025-01's crimes, or rename it " +
          "2025-03-west-yorkshire-street.csv if it holds 2025-03's",
      );
    });

    it("an outcomes file beside its folder month's street file", async () => {
      const root = await sampleCopy('misplaced-outcomes');
      const file = path.join(root, '2025-03/2025-02-west-yorkshire-outcomes.csv');
      await writeFile(file, syntheticFile('2025-02', 'west-yorkshire', 'outcomes'));
      await expect(openArchiveInputs(root)).rejects.toThrow(
        `${file}: is named for 2025-02 but is in the 2025-03 folder`,
      );
    });

    it("a stop-and-search file in a later month's folder", async () => {
      const root = await moved(
        'misplaced-stop-search',
        '2021-08/2021-08-west-yorkshire-stop-and-search.csv',
        '2021-09/2021-08-west-yorkshire-stop-and-search.csv',
      );
      await expect(openArchiveInputs(root)).rejects.toThrow(
        /2021-09\/2021-08-west-yorkshire-stop-and-search\.csv: is named for 2021-08 but is in the 2021-09 folder/,
      );
    });

    it('a street file in a zip, named by the zip and its entry', async () => {
      const root = await moved(
        'misplaced-zip-src',
        '2025-03/2025-03-west-yorkshire-street.csv',
        '2025-03/2025-01-west-yorkshire-street.csv',
      );
      const zipPath = path.join(tmp, 'misplaced.zip');
      await zipFolder(root, zipPath, { prefix: 'archive' });
      await expect(openArchiveInputs(zipPath)).rejects.toThrow(
        `${zipPath}:archive/2025-03/2025-01-west-yorkshire-street.csv: is named for 2025-01 ` +
          'but is in the 2025-03 folder',
      );
    });

    it('while a file that is not a police.uk file is still skipped and listed', async () => {
      const root = await sampleCopy('not-police');
      await writeFile(path.join(root, '2025-03/notes.txt'), 'not police data');
      const inputs = await openArchiveInputs(root);
      try {
        expect(inputs[0]?.ignored).toEqual([path.join(root, '2025-03/notes.txt')]);
        expect(inputs[0]?.entries).toHaveLength(4);
      } finally {
        closeAll(inputs);
      }
    });
  });

  describe('fails on a police.uk file outside a month folder, naming it and the folder to move it into', () => {
    // The run reads month folders only: such a file was skipped without a word, its month
    // then a gap on every page.
    it('a street file beside the month folders', async () => {
      const root = await moved(
        'outside-beside',
        '2025-02/2025-02-west-yorkshire-street.csv',
        '2025-02-west-yorkshire-street.csv',
      );
      await expect(openArchiveInputs(root)).rejects.toThrow(
        `${path.join(root, '2025-02-west-yorkshire-street.csv')}: is a police.uk file outside ` +
          'a month folder, so it is not read: move it into a 2025-02 folder of the input ' +
          '(2025-02/2025-02-west-yorkshire-street.csv)',
      );
    });

    it('an outcomes file in a folder named otherwise, as a second download unpacks to', async () => {
      const root = await sampleCopy('outside-copy-folder');
      const file = path.join(root, '2025-02 (1)', '2025-02-west-yorkshire-outcomes.csv');
      await mkdir(path.dirname(file));
      await writeFile(file, syntheticFile('2025-02', 'west-yorkshire', 'outcomes'));
      await expect(openArchiveInputs(root)).rejects.toThrow(
        `${file}: is a police.uk file outside a month folder`,
      );
    });

    it('a stop-and-search file at the top of a zip, named by the zip and its entry', async () => {
      const root = await moved(
        'outside-zip-src',
        '2021-08/2021-08-west-yorkshire-stop-and-search.csv',
        '2021-08-west-yorkshire-stop-and-search.csv',
      );
      const zipPath = path.join(tmp, 'outside.zip');
      await zipFolder(root, zipPath);
      await expect(openArchiveInputs(zipPath)).rejects.toThrow(
        `${zipPath}:2021-08-west-yorkshire-stop-and-search.csv: is a police.uk file outside a ` +
          'month folder, so it is not read: move it into a 2021-08 folder of the input',
      );
    });

    it('while other files beside the month folders are still not read', async () => {
      const root = await sampleCopy('outside-other');
      await writeFile(path.join(root, 'README.txt'), 'police.uk archive');
      await writeFile(path.join(root, '2025-02-notes.csv'), 'a,b\n');
      const inputs = await openArchiveInputs(root);
      try {
        expect(inputs[0]?.entries).toHaveLength(4);
      } finally {
        closeAll(inputs);
      }
    });
  });

  describe('fails on a police.uk file whose month does not exist, naming the file, the month and what to do', () => {
    it('a street file in a folder named for the same impossible month', async () => {
      const root = await moved(
        'month-13-street',
        '2025-03/2025-03-west-yorkshire-street.csv',
        '2025-13/2025-13-west-yorkshire-street.csv',
      );
      const error = await openArchiveInputs(root).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toBe(
        `${path.join(root, '2025-13/2025-13-west-yorkshire-street.csv')}: is named for 2025-13, ` +
          'a month that does not exist, so the month it holds is not known: rename it ' +
          'YYYY-MM-west-yorkshire-street.csv for the month it holds and move it into that ' +
          'YYYY-MM folder, or remove it',
      );
    });

    it('an outcomes file for month 00', async () => {
      const root = await sampleCopy('month-00-outcomes');
      const file = path.join(root, '2025-00/2025-00-west-yorkshire-outcomes.csv');
      await mkdir(path.dirname(file));
      await writeFile(file, syntheticFile('2025-00', 'west-yorkshire', 'outcomes'));
      await expect(openArchiveInputs(root)).rejects.toThrow(
        `${file}: is named for 2025-00, a month that does not exist`,
      );
    });

    it("a stop-and-search file named for an impossible month in a real month's folder", async () => {
      const root = await moved(
        'month-13-in-12',
        '2021-08/2021-08-west-yorkshire-stop-and-search.csv',
        '2021-08/2021-13-west-yorkshire-stop-and-search.csv',
      );
      await expect(openArchiveInputs(root)).rejects.toThrow(
        /2021-08\/2021-13-west-yorkshire-stop-and-search\.csv: is named for 2021-13, a month that does not exist/,
      );
    });

    it("a street file for a real month in an impossible month's folder", async () => {
      const root = await moved(
        'folder-13',
        '2025-03/2025-03-west-yorkshire-street.csv',
        '2025-13/2025-03-west-yorkshire-street.csv',
      );
      await expect(openArchiveInputs(root)).rejects.toThrow(
        `${path.join(root, '2025-13/2025-03-west-yorkshire-street.csv')}: is in the 2025-13 ` +
          "folder, a month that does not exist: move it into a 2025-03 folder if it holds 2025-03's " +
          'crimes, or remove it',
      );
    });

    it('street files in a zip, at the top level or one folder deep, named by the zip and entry', async () => {
      const root = await moved(
        'month-zip-src',
        '2025-03/2025-03-west-yorkshire-street.csv',
        '2025-00/2025-00-west-yorkshire-street.csv',
      );
      const nested = path.join(tmp, 'month-00-nested.zip');
      await zipFolder(root, nested, { prefix: 'archive' });
      await expect(openArchiveInputs(nested)).rejects.toThrow(
        `${nested}:archive/2025-00/2025-00-west-yorkshire-street.csv: is named for 2025-00, a ` +
          'month that does not exist',
      );
      const flat = path.join(tmp, 'month-00-flat.zip');
      await zipFolder(root, flat);
      await expect(openArchiveInputs(flat)).rejects.toThrow(
        `${flat}:2025-00/2025-00-west-yorkshire-street.csv: is named for 2025-00`,
      );
    });

    it("while files that are not police.uk files in an impossible month's folder are still skipped and listed", async () => {
      const root = await sampleCopy('month-13-not-police');
      await mkdir(path.join(root, '2025-13'));
      await writeFile(path.join(root, '2025-13/README.txt'), 'not police data');
      await writeFile(path.join(root, '2025-13/.DS_Store'), '');
      await writeFile(path.join(root, '2025-13/2025-13-west-yorkshire-notes.csv'), 'a,b\n');
      const inputs = await openArchiveInputs(root);
      try {
        expect(inputs[0]?.ignored).toEqual(
          ['.DS_Store', '2025-13-west-yorkshire-notes.csv', 'README.txt'].map((name) =>
            path.join(root, '2025-13', name),
          ),
        );
        expect(inputs[0]?.entries).toHaveLength(4);
      } finally {
        closeAll(inputs);
      }
    });
  });

  describe('skips a folder named for a month that does not exist and holding no police.uk file, not calling it an empty month', () => {
    /** A copy of the sample with empty 2025-13 and 2025-04 folders and a 2025-00 holding a README. */
    async function withFolders(name: string): Promise<string> {
      const root = await sampleCopy(name);
      for (const folder of ['2025-00', '2025-04', '2025-13']) await mkdir(path.join(root, folder));
      await writeFile(path.join(root, '2025-00/README.txt'), 'not police data');
      return root;
    }

    it('in a folder: 2025-00 and 2025-13 are not month folders, 2025-04 is still a gap', async () => {
      const root = await withFolders('not-month-folders');
      const inputs = await openArchiveInputs(root);
      try {
        expect(inputs[0]?.emptyMonths).toEqual([path.join(root, '2025-04')]);
        expect(inputs[0]?.notMonthFolders).toEqual(
          ['2025-00', '2025-13'].map((folder) => path.join(root, folder)),
        );
        expect(inputs[0]?.ignored).toEqual([path.join(root, '2025-00/README.txt')]);
        expect(inputs[0]?.entries).toHaveLength(4);
      } finally {
        closeAll(inputs);
      }
    });

    it('in a zip with folder entries, at the top level or one folder deep', async () => {
      const root = await withFolders('not-month-folders-zip-src');
      for (const prefix of [undefined, 'archive']) {
        const zipPath = path.join(tmp, `not-month-folders-${prefix ?? 'flat'}.zip`);
        await zipFolder(root, zipPath, { folders: true, ...(prefix ? { prefix } : {}) });
        const at = (folder: string) => `${zipPath}:${prefix ? `${prefix}/` : ''}${folder}/`;
        const inputs = await openArchiveInputs(zipPath);
        try {
          expect(inputs[0]?.emptyMonths).toEqual([at('2025-04')]);
          expect(inputs[0]?.notMonthFolders).toEqual([at('2025-00'), at('2025-13')]);
          expect(inputs[0]?.entries).toHaveLength(4);
        } finally {
          closeAll(inputs);
        }
      }
    });
  });

  it('rejects a truncated zip with an error naming the file', async () => {
    const zipPath = path.join(tmp, 'truncated.zip');
    await zipFolder(SAMPLE, zipPath);
    const { size } = await stat(zipPath);
    await truncate(zipPath, Math.floor(size / 2));
    const error = await openArchiveInputs(zipPath).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(zipPath);
    expect((error as Error).message).toMatch(/truncated or corrupt/);
  });

  it('fails reading a zip entry whose data is damaged, naming the entry', async () => {
    const zipPath = path.join(tmp, 'damaged.zip');
    const src = path.join(tmp, 'damaged-src/2025-03');
    await mkdir(src, { recursive: true });
    await copyFile(STREET_2025_03, path.join(src, '2025-03-west-yorkshire-street.csv'));
    await zipFolder(path.dirname(src), zipPath);
    const bytes = await readFile(zipPath);
    // Flip bytes in the middle of the compressed data (well past the local header).
    for (let i = 2000; i < 2064; i++) bytes[i] = (bytes[i] ?? 0) ^ 0xff;
    await writeFile(zipPath, bytes);

    const inputs = await openArchiveInputs(zipPath);
    try {
      const entry = inputs[0]!.entries[0]!;
      const error = await entry
        .open()
        .then((stream) => text(stream))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toContain(
        `${zipPath}:2025-03/2025-03-west-yorkshire-street.csv`,
      );
    } finally {
      closeAll(inputs);
    }
  });

  it('fails the CRC-32 check of a stored (uncompressed) entry whose bytes were altered', async () => {
    const zipPath = path.join(tmp, 'stored.zip');
    const src = path.join(tmp, 'stored-src/2025-03');
    await mkdir(src, { recursive: true });
    await copyFile(STREET_2025_03, path.join(src, '2025-03-west-yorkshire-street.csv'));
    await zipFolder(path.dirname(src), zipPath, { compress: false });
    const bytes = await readFile(zipPath);
    // A digit in a data row: the sizes stay right, only the checksum can tell.
    const at = bytes.indexOf('-1.391465');
    bytes[at + 1] = '7'.charCodeAt(0);
    await writeFile(zipPath, bytes);

    const inputs = await openArchiveInputs(zipPath);
    try {
      const error = await inputs[0]!.entries[0]!.open()
        .then((stream) => text(stream))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(/fails its CRC-32 check/);
    } finally {
      closeAll(inputs);
    }
  });

  it('rejects a folder without police.uk files, and a missing path', async () => {
    const empty = path.join(tmp, 'empty');
    await mkdir(empty, { recursive: true });
    await expect(openArchiveInputs(empty)).rejects.toThrow(/holds no police.uk files/);
    await expect(openArchiveInputs(path.join(tmp, 'nope'))).rejects.toThrow(/not found/);
  });
});
