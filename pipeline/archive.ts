// police.uk input files, from folders in the archive layout or from archive zips:
//   [<folder>/]YYYY-MM/YYYY-MM-<force>-{street,outcomes,stop-and-search}.csv
// Listing reads only directory entries and zip central directories; file contents are opened
// one entry at a time as streams, so no file is ever held in memory whole.
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { MONTH_PATTERN } from '../src/shared/months.ts';
import { InputError } from './input-error.ts';
import { errorMessage } from '../src/shared/error-message.ts';

export const FILE_KINDS = ['street', 'outcomes', 'stop-and-search'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

/** What an entry's name says: its month, its force (police.uk slug) and its kind. */
export interface EntryName {
  month: string;
  force: string;
  kind: FileKind;
}

export interface ArchiveEntry extends EntryName {
  /** Where the entry is, for messages: a file path, or "<zip path>:<entry name>". */
  where: string;
  /** The input (folder or zip) the entry belongs to. */
  input: string;
  /** Provenance label of that input: "archive:<its latest month>", the same for a folder and its zip. */
  snapshot: string;
  /** Uncompressed size in bytes (for progress). */
  size: number;
  /** Changes whenever the content may have changed: size + mtime for files, CRC-32 + size for zip entries. */
  fingerprint: string;
  /**
   * The file on disk, whatever the path it is reached by: device and inode for a file in a
   * folder (two districts' caches hold one download by hard links), else `where`.
   */
  identity?: string;
  /** Last modified, to the second (zips keep no finer time), as the folder or zip records it. */
  modifiedAt: Date;
  /** A stream of the entry's bytes; a zip entry is checked against its CRC-32 as it streams. */
  open(): Promise<Readable>;
}

export interface ArchiveInput {
  /** Path of the folder or zip. */
  path: string;
  type: 'folder' | 'zip';
  /** The newest month among its entries; police.uk names its archives after it. */
  latestMonth: string;
  snapshot: string;
  entries: ArchiveEntry[];
  /** Names of files that are not police.uk files (skipped, reported once). */
  ignored: string[];
  /** Month folders that hold no police.uk file (reported: the month is a gap, not a zero). */
  emptyMonths: string[];
  /**
   * Folders named like a month that does not exist (2025-13, 2025-00) that hold no police.uk
   * file: skipped and reported, not gaps (a police.uk file in one stops the run: misnamedFile).
   */
  notMonthFolders: string[];
  close(): void;
}

/** `month` folder (and zip) names in the archive layout. */
const MONTH_FOLDER = /^\d{4}-\d{2}$/;

/** An entry name, optionally one folder deep (a zip of the folder that holds the month folders). */
const ENTRY_PATTERN =
  /^(?:[^/]+\/)?(\d{4}-\d{2})\/(\d{4}-\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*?)-(street|outcomes|stop-and-search)\.csv$/;

/** A police.uk file's own name (YYYY-MM-<force>-<kind>.csv), wherever it is. */
const POLICE_FILE_NAME =
  /^(\d{4}-\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*?-(?:street|outcomes|stop-and-search)\.csv$/;

/**
 * Parse an archive entry name; null if it is not a police.uk file, if its folder and file
 * months differ or if either month does not exist (misnamedFile tells such a file apart).
 */
export function parseEntryName(name: string): EntryName | null {
  const parts = entryNameParts(name);
  if (parts === null) return null;
  const { folderMonth, month, force, kind } = parts;
  if (folderMonth !== month || !MONTH_PATTERN.test(month)) return null;
  return { month, force, kind };
}

/** What a name in the archive layout says, its folder's month included; null for another name. */
function entryNameParts(name: string): (EntryName & { folderMonth: string }) | null {
  const match = ENTRY_PATTERN.exec(name.replaceAll('\\', '/'));
  if (!match) return null;
  const [, folderMonth = '', month = '', force = '', kind = ''] = match;
  return { folderMonth, month, force, kind: kind as FileKind };
}

/**
 * The error for a file named like a police.uk file that cannot be read as one (`where`, named
 * `name` as for parseEntryName), else null: a month that does not exist in its name or its
 * folder's, or a file in another month's folder. Which month it holds cannot be told, and
 * skipping it as not a police.uk file would leave its rows out without a word.
 */
function misnamedFile(name: string, where: string): InputError | null {
  const parts = entryNameParts(name);
  if (parts === null) return outsideMonthFolder(name, where);
  const { folderMonth, month, force, kind } = parts;
  if (!MONTH_PATTERN.test(month)) {
    return new InputError(
      where,
      `is named for ${month}, a month that does not exist, so the month it holds is not ` +
        `known: rename it YYYY-MM-${force}-${kind}.csv for the month it holds and move it into ` +
        'that YYYY-MM folder, or remove it',
    );
  }
  if (!MONTH_PATTERN.test(folderMonth)) {
    return new InputError(
      where,
      `is in the ${folderMonth} folder, a month that does not exist: move it into a ${month} ` +
        `folder if it holds ${month}'s crimes, or remove it`,
    );
  }
  if (folderMonth === month) return null;
  return new InputError(
    where,
    `is named for ${month} but is in the ${folderMonth} folder, so the month it holds is ` +
      `not known: move it into a ${month} folder if it holds ${month}'s crimes, or rename it ` +
      `${folderMonth}-${force}-${kind}.csv if it holds ${folderMonth}'s`,
  );
}

/**
 * The error for a file named as police.uk names its files but not in a YYYY-MM folder (beside
 * the month folders, or in a folder named otherwise, such as "2025-02 (1)"), else null: the
 * run reads only month folders, and skipping it would leave its month out without a word.
 */
function outsideMonthFolder(name: string, where: string): InputError | null {
  const match = POLICE_FILE_NAME.exec(path.posix.basename(name.replaceAll('\\', '/')));
  if (!match) return null;
  const [file, month] = match;
  return new InputError(
    where,
    `is a police.uk file outside a month folder, so it is not read: move it into a ${month} ` +
      `folder of the input (${month}/${file}), or remove it`,
  );
}

/**
 * Open every input under `root`: a .zip, a folder in the archive layout (holding YYYY-MM
 * folders), or a folder holding such folders and/or zips. Close the result when done.
 */
export async function openArchiveInputs(root: string): Promise<ArchiveInput[]> {
  const info = await stat(root).catch((cause: unknown) => {
    throw new InputError(root, 'not found: give --archive-dir a folder or a .zip', { cause });
  });
  if (info.isFile()) {
    if (!root.toLowerCase().endsWith('.zip')) {
      throw new InputError(
        root,
        'is a file but not a .zip: give a police.uk archive zip or a folder',
      );
    }
    return [await openZip(root)];
  }

  const inputs: ArchiveInput[] = [];
  try {
    const own = await openFolder(root);
    if (own.entries.length > 0) inputs.push(own);
    for (const child of await sortedChildren(root)) {
      const childPath = path.join(root, child.name);
      if (child.isFile() && child.name.toLowerCase().endsWith('.zip')) {
        inputs.push(await openZip(childPath));
      } else if (child.isDirectory() && !MONTH_FOLDER.test(child.name)) {
        const nested = await openFolder(childPath);
        if (nested.entries.length > 0) inputs.push(nested);
      }
    }
  } catch (error) {
    for (const input of inputs) input.close();
    throw error;
  }
  if (inputs.length === 0) {
    throw new InputError(
      root,
      'holds no police.uk files: expected YYYY-MM/YYYY-MM-<force>-street.csv folders or .zip archives',
    );
  }
  return inputs;
}

/** One input found by openArchiveInputs, opened again (e.g. by a month worker). Close it when done. */
export function reopenArchiveInput(
  inputPath: string,
  type: ArchiveInput['type'],
): Promise<ArchiveInput> {
  return type === 'zip' ? openZip(inputPath) : openFolder(inputPath);
}

async function sortedChildren(dir: string) {
  const children = await readdir(dir, { withFileTypes: true });
  return children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function openFolder(root: string): Promise<ArchiveInput> {
  const entries: ArchiveEntry[] = [];
  const ignored: string[] = [];
  const emptyFolders: EmptyFolder[] = [];
  for (const monthDir of await sortedChildren(root)) {
    if (monthDir.isFile()) {
      const outside = outsideMonthFolder(monthDir.name, path.join(root, monthDir.name));
      if (outside) throw outside;
    }
    if (!monthDir.isDirectory() || !MONTH_FOLDER.test(monthDir.name)) continue;
    const before = entries.length;
    for (const file of await sortedChildren(path.join(root, monthDir.name))) {
      const relative = `${monthDir.name}/${file.name}`;
      const filePath = path.join(root, monthDir.name, file.name);
      const parsed = file.isFile() ? parseEntryName(relative) : null;
      if (!parsed) {
        const misnamed = file.isFile() ? misnamedFile(relative, filePath) : null;
        if (misnamed) throw misnamed;
        ignored.push(filePath);
        continue;
      }
      const info = await stat(filePath);
      entries.push({
        ...parsed,
        where: filePath,
        input: root,
        snapshot: '',
        size: info.size,
        fingerprint: `size:${info.size},mtime:${Math.trunc(info.mtimeMs)}`,
        identity: `file:${info.dev}:${info.ino}`,
        modifiedAt: new Date(Math.floor(info.mtimeMs / 1000) * 1000),
        open: () => openFile(filePath),
      });
    }
    if (entries.length === before) {
      emptyFolders.push({ name: monthDir.name, where: path.join(root, monthDir.name) });
    }
  }
  return finishInput(root, 'folder', entries, ignored, emptyFolders, () => {});
}

function openFile(filePath: string): Promise<Readable> {
  return new Promise((resolve, reject) => {
    const stream = createReadStream(filePath);
    stream.once('open', () => resolve(stream));
    stream.once('error', (cause) =>
      reject(new InputError(filePath, `cannot be opened (${cause.message})`, { cause })),
    );
  });
}

async function openZip(zipPath: string): Promise<ArchiveInput> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(zipPath, { lazyEntries: true, autoClose: false });
  } catch (cause) {
    throw corruptZip(zipPath, cause);
  }
  const entries: ArchiveEntry[] = [];
  const ignored: string[] = [];
  const monthFolders: string[] = [];
  let misnamed: InputError | null = null;
  try {
    for await (const zipEntry of zip.eachEntry()) {
      if (zipEntry.fileName.endsWith('/')) {
        if (/(?:^|\/)\d{4}-\d{2}\/$/.test(zipEntry.fileName)) monthFolders.push(zipEntry.fileName);
        continue;
      }
      const parsed = parseEntryName(zipEntry.fileName);
      const where = `${zipPath}:${zipEntry.fileName}`;
      if (!parsed) {
        misnamed = misnamedFile(zipEntry.fileName, where);
        if (misnamed) break;
        ignored.push(where);
        continue;
      }
      entries.push({
        ...parsed,
        where,
        input: zipPath,
        snapshot: '',
        size: zipEntry.uncompressedSize,
        fingerprint: `crc32:${zipEntry.crc32.toString(16)},size:${zipEntry.uncompressedSize}`,
        modifiedAt: zipEntry.getLastModDate(),
        open: () => openZipEntry(zip, zipEntry, where),
      });
    }
  } catch (cause) {
    zip.close();
    throw corruptZip(zipPath, cause);
  }
  if (misnamed) {
    zip.close();
    throw misnamed;
  }
  const emptyFolders = monthFolders
    .filter((folder) => !entries.some((e) => `${e.where}`.startsWith(`${zipPath}:${folder}`)))
    .map((folder) => ({ name: path.posix.basename(folder), where: `${zipPath}:${folder}` }));
  return finishInput(zipPath, 'zip', entries, ignored, emptyFolders, () => zip.close());
}

/** A YYYY-MM folder of an input that holds no police.uk file: its name, and where it is. */
interface EmptyFolder {
  name: string;
  where: string;
}

function finishInput(
  inputPath: string,
  type: ArchiveInput['type'],
  entries: ArchiveEntry[],
  ignored: string[],
  emptyFolders: readonly EmptyFolder[],
  close: () => void,
): ArchiveInput {
  const latestMonth = entries.reduce((latest, e) => (e.month > latest ? e.month : latest), '');
  const snapshot = `archive:${latestMonth}`;
  for (const entry of entries) entry.snapshot = snapshot;
  // An empty folder of a real month is a gap; one named for a month that does not exist is not.
  const emptyMonths: string[] = [];
  const notMonthFolders: string[] = [];
  for (const { name, where } of emptyFolders) {
    (MONTH_PATTERN.test(name) ? emptyMonths : notMonthFolders).push(where);
  }
  return {
    path: inputPath,
    type,
    latestMonth,
    snapshot,
    entries,
    ignored,
    emptyMonths,
    notMonthFolders,
    close,
  };
}

async function openZipEntry(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  where: string,
): Promise<Readable> {
  let raw: Readable;
  try {
    raw = await zip.openReadStreamPromise(entry);
  } catch (cause) {
    throw corruptZip(where, cause);
  }
  // yauzl checks sizes but not CRC-32; a damaged entry must fail here, not yield wrong rows.
  let crc = 0;
  const checked = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      crc = crc32(chunk, crc);
      callback(null, chunk);
    },
    flush(callback) {
      callback(
        crc === entry.crc32
          ? null
          : new InputError(
              where,
              'fails its CRC-32 check: the archive is corrupt; download it again',
            ),
      );
    },
  });
  raw.once('error', (cause) => checked.destroy(corruptZip(where, cause)));
  return raw.pipe(checked);
}

function corruptZip(where: string, cause: unknown): InputError {
  const reason = errorMessage(cause);
  return new InputError(
    where,
    `cannot be read as a zip archive (${reason}); it is truncated or corrupt: download it again`,
    { cause },
  );
}
