// What one run fetches from police.uk, shared by the districts of a run for several: each
// district's fetch still fills its own cache (its own months, manifests and gaps), but an
// archive is probed and its directory read once, an archive entry is downloaded once (a later
// district takes the file the first one downloaded and checked against the entry's CRC-32 and
// size, by a hard link or a copy) and an API month of one polygon is asked for once. Two
// districts read the same police.uk files when they share a force (British Transport Police's,
// or all of them for two districts of one force).
import { copyFile, link, stat, utimes } from 'node:fs/promises';
import type { ArchiveProbe, RemoteArchive } from './archive-remote.ts';
import type { ZipEntry } from './zip.ts';
import { FileCounts } from '../force-file-reads.ts';

/** Why link(2) may fail where a copy still works: another device, or no hard links there. */
const LINK_UNSUPPORTED = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EMLINK']);

/**
 * `from` at `to` too: a hard link (the same file), or a copy with the same times where the
 * file system cannot link (another device, no links); either way its size and time are
 * `from`'s, which is how a folder input fingerprints a file (archive.ts). Any other failure is
 * the caller's. The caches are written by rename, never in place, so a link stays the bytes it
 * was made from.
 */
export async function linkOrCopy(from: string, to: string): Promise<void> {
  await link(from, to).catch(async (error: unknown) => {
    if (!LINK_UNSUPPORTED.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    await copyFile(from, to);
    const { atime, mtime } = await stat(from);
    await utimes(to, atime, mtime);
  });
}

/** A police.uk file the run downloaded, with how many times (once, when shared). */
export interface ForceFileDownload {
  /** "<archive>:<entry name>", e.g. "2024-03.zip:2024-03/2024-03-btp-street.csv". */
  file: string;
  downloads: number;
}

/** The archive as the server described it: a republished archive is another archive. */
function archiveKey(probe: ArchiveProbe): string {
  return JSON.stringify([probe.url, probe.size, probe.etag ?? '', probe.lastModified ?? '']);
}

/** An entry's content fingerprint: its archive, name, size and CRC-32. */
function entryKey(probe: ArchiveProbe, entry: ZipEntry): string {
  return JSON.stringify([archiveKey(probe), entry.name, entry.uncompressedSize, entry.crc32 >>> 0]);
}

export class RunDownloads {
  private readonly answers = new Map<string, Promise<unknown>>();
  private readonly archives = new Map<string, Promise<RemoteArchive>>();
  /** Entries downloaded and checked by this run, by fingerprint: where the file is kept. */
  private readonly kept = new Map<string, string>();
  private readonly counts = new FileCounts();

  /**
   * `ask()`'s answer, asked once per run for each `key` (a URL, or what identifies an API
   * query): a later caller gets the same answer, or the same failure.
   */
  once<T>(key: string, ask: () => Promise<T>): Promise<T> {
    let answer = this.answers.get(key) as Promise<T> | undefined;
    if (answer === undefined) {
      answer = ask();
      this.answers.set(key, answer);
    }
    return answer;
  }

  /** The archive `probe` describes, opened (its directory read) once per run. */
  archive(probe: ArchiveProbe, open: () => Promise<RemoteArchive>): Promise<RemoteArchive> {
    const key = archiveKey(probe);
    let archive = this.archives.get(key);
    if (archive === undefined) {
      archive = open();
      this.archives.set(key, archive);
    }
    return archive;
  }

  /**
   * Put `entry` of `archive` at `destination`: from the file an earlier district of the run
   * downloaded, when there is one, else downloaded (and checked) now. Returns "shared" or
   * "downloaded".
   */
  async extract(
    archive: RemoteArchive,
    entry: ZipEntry,
    destination: string,
  ): Promise<'shared' | 'downloaded'> {
    const from = this.kept.get(entryKey(archive.probe, entry));
    if (from !== undefined) {
      await linkOrCopy(from, destination);
      return 'shared';
    }
    await archive.extract(entry, destination);
    this.counts.add(`${archive.probe.name}:${entry.name}`);
    return 'downloaded';
  }

  /** `entry` of `archive`, downloaded and checked, is now kept at `file` (a district's cache). */
  keep(archive: RemoteArchive, entry: ZipEntry, file: string): void {
    const key = entryKey(archive.probe, entry);
    if (!this.kept.has(key)) this.kept.set(key, file);
  }

  /** Each police.uk file the run downloaded, by name. */
  list(): ForceFileDownload[] {
    return this.counts.sorted().map(([file, downloads]) => ({ file, downloads }));
  }
}
