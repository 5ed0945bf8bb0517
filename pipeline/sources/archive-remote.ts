// police.uk archives over HTTP. An archive is 1-2 GB; the Leeds pipeline needs a few MB of it.
// With range requests we read the archive's tail, its central directory and then only the
// entries wanted. A server that ignores ranges gets a whole-file download instead, resumable
// from a `.partial` file while the server describes the same copy of the archive (its size,
// ETag and Last-Modified, recorded beside it), checked against its size and (when the server
// gives one) its MD5. Every range and resumed download asks only for the copy the probe
// described (If-Range), and an answer of another copy (its size, ETag or Last-Modified) fails
// the run rather than put bytes of two copies together.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { logSafe, quoteOutside } from '../log-safe.ts';
import { writeFileAtomic } from '../write.ts';
import { HttpNetworkError, HttpPassingFault, statusError } from './http-errors.ts';
import type { Exchange, HttpClient, Log } from './http.ts';
import { trackProgress, type ProgressSink } from './progress.ts';
import {
  entryByteRanges,
  extractEntry,
  readCentralDirectory,
  ZipFormatError,
  ZipIntegrityError,
  type CentralDirectory,
  type ZipEntry,
} from './zip.ts';

/** What the server says about an archive before we read it. */
export interface ArchiveProbe {
  /** The file name after redirects, e.g. "2025-03.zip" for latest.zip. */
  name: string;
  /** The archive's month, from its name. */
  month: string;
  /** The URL after redirects. */
  url: string;
  size: number;
  lastModified?: string;
  etag?: string;
  /** Hex MD5 of the whole file, when the server publishes one (Content-MD5, or a plain-MD5 ETag). */
  md5?: string;
}

const ARCHIVE_NAME = /^(\d{4}-(?:0[1-9]|1[0-2]))\.zip$/;
/** An S3-style ETag of a file uploaded in one part is the hex MD5 of its bytes. */
const MD5_ETAG = /^"?([0-9a-f]{32})"?$/i;

/**
 * Statuses of a server that will not answer HEAD at all: the archive is then described by a
 * GET of its first byte.
 */
const HEAD_UNSUPPORTED = [405, 501];

/**
 * HEAD the archive (following latest.zip's redirect) and describe it. A HEAD answer without a
 * usable Content-Length (a server that sends its answers chunked may give none), or a server
 * that does not answer HEAD, has the archive's size read from a GET of its first byte.
 */
export async function probeArchive(client: HttpClient, url: string): Promise<ArchiveProbe> {
  return client.retrying('HEAD', url, async () => {
    const head = await client.send(url, {
      method: 'HEAD',
      headers: { 'accept-encoding': 'identity' },
      accept: HEAD_UNSUPPORTED,
    });
    await head.discard();
    let response = head.response;
    let finalUrl = response.url || url;
    // A server that does not answer HEAD refuses it before any redirect: latest.zip's name is
    // then known from where the GET is sent on.
    if (response.ok) archiveName(url, finalUrl);
    let size = usableSize(response.headers.get('content-length'));
    if (size === undefined || !response.ok) {
      const why = response.ok
        ? `its HEAD answer gave no usable Content-Length (${was(response.headers.get('content-length') ?? undefined)})`
        : `it answers HEAD with HTTP ${response.status}`;
      ({ size, response } = await sizeFromFirstByte(client, finalUrl, why));
      finalUrl = response.url || finalUrl;
    }
    const { name, month } = archiveName(url, finalUrl);
    const probe: ArchiveProbe = { name, month, url: finalUrl, size };
    const lastModified = response.headers.get('last-modified');
    const etag = response.headers.get('etag');
    if (lastModified) probe.lastModified = lastModified;
    if (etag) probe.etag = etag;
    // A 206's Content-MD5 is the part's, not the archive's.
    const md5 = md5FromHeaders(response.headers, response.status !== 206);
    if (md5) probe.md5 = md5;
    return probe;
  });
}

/**
 * The archive's file name (percent-escapes decoded) and month, from `finalUrl`, where `url` led.
 * Throws, naming both, when the name is not YYYY-MM.zip, or cannot be decoded at all (a "%"
 * without two hex digits after it, or escaped bytes that are not UTF-8).
 */
function archiveName(url: string, finalUrl: string): { name: string; month: string } {
  const last = new URL(finalUrl).pathname.split('/').pop() ?? '';
  let name: string;
  try {
    name = decodeURIComponent(last);
  } catch {
    throw new Error(
      `${url} led to "${finalUrl}", whose file name ${quoteOutside(last, 120)} has a broken ` +
        'percent-escape (a "%" without two hex digits after it, or escaped bytes that are not ' +
        'UTF-8), so it is not YYYY-MM.zip; check POLICE_ARCHIVE_BASE_URL',
    );
  }
  const month = ARCHIVE_NAME.exec(name)?.[1];
  if (month === undefined) {
    throw new Error(
      `${url} led to "${finalUrl}", whose name ${quoteOutside(name, 120)} is not YYYY-MM.zip; ` +
        'check POLICE_ARCHIVE_BASE_URL',
    );
  }
  return { name, month };
}

/** A Content-Length or a Content-Range's size as a number of bytes, when it is one. */
function usableSize(text: string | null | undefined): number | undefined {
  const size = text === null || text === undefined || !/^\d+$/.test(text) ? NaN : Number(text);
  return Number.isSafeInteger(size) && size > 0 ? size : undefined;
}

/**
 * The archive's size from a GET of its first byte: the size its 206 answer's Content-Range
 * names, or the Content-Length of a 200 (the whole archive, from a server without ranges,
 * whose body is not read). `why`: why the HEAD answer did not do, for the message when this
 * does not either. Returns the answer too, whose ETag and Last-Modified describe the archive.
 */
async function sizeFromFirstByte(
  client: HttpClient,
  url: string,
  why: string,
): Promise<{ size: number; response: Response }> {
  const { response, discard } = await client.send(url, {
    headers: { range: 'bytes=0-0', 'accept-encoding': 'identity' },
  });
  await discard();
  const contentRange = response.headers.get('content-range');
  const size =
    response.status === 206
      ? usableSize(CONTENT_RANGE.exec(contentRange ?? '')?.[3])
      : usableSize(response.headers.get('content-length'));
  if (size === undefined) {
    const answer =
      response.status === 206
        ? `Content-Range ${was(contentRange ?? undefined)}`
        : `Content-Length ${was(response.headers.get('content-length') ?? undefined)}`;
    throw new Error(
      `${url} does not say how large the archive is: ${logSafe(why)}, and a GET of its first byte ` +
        `answered HTTP ${response.status} with ${logSafe(answer)}. Check ` +
        'POLICE_ARCHIVE_BASE_URL; if it is right, the server describes its files in a way ' +
        'this pipeline cannot read: report it.',
    );
  }
  return { size, response };
}

function md5FromHeaders(headers: Headers, wholeBody = true): string | undefined {
  const contentMd5 = headers.get('content-md5');
  if (contentMd5 && wholeBody) return Buffer.from(contentMd5, 'base64').toString('hex');
  return MD5_ETAG.exec(headers.get('etag') ?? '')?.[1]?.toLowerCase();
}

/** Random access to an archive's bytes, over HTTP ranges or from a downloaded file. */
interface ByteSource {
  read(start: number, end: number): Promise<Buffer>;
  extract(
    entry: ZipEntry,
    range: { start: number; end: number },
    destination: string,
  ): Promise<void>;
}

/** The server answered a range request with the whole file. */
class RangesUnsupported extends Error {}

/**
 * The If-Range header of a request for bytes of the copy `probe` describes (RFC 9110 13.1.5):
 * its strong ETag, else its Last-Modified. A server that has replaced the archive since then
 * answers with the whole new copy (200) instead of the range, so bytes of two copies are
 * never put together. None when the probe gave neither. A weak ETag cannot be used, nor one
 * not in quotes: it is no entity-tag (RFC 9110 8.8.3), and a server reads it as a date that
 * never holds, answering every range with the whole archive.
 */
function ifRange(probe: ArchiveProbe): Record<string, string> {
  if (probe.etag !== undefined && /^"[^"]*"$/.test(probe.etag)) return { 'if-range': probe.etag };
  if (probe.lastModified !== undefined) return { 'if-range': probe.lastModified };
  return {};
}

/** An ETag without the W/ of a weak one: what a weak comparison compares (RFC 9110 8.8.3.2). */
function opaqueTag(etag: string): string {
  return etag.startsWith('W/') ? etag.slice(2) : etag;
}

/**
 * How an answer's ETag and Last-Modified differ from the probe's, each compared when both give
 * it; undefined when they agree. An answer of another copy than the run began with: police.uk
 * replaced the archive after the probe (a copy of the same size is told apart only so). ETags
 * are compared weakly: a server, or a CDN in front of it, may mark the same copy's ETag weak
 * (W/"v1") on one answer and not on another ("v1").
 */
function answerVersionChange(headers: Headers, probe: ArchiveProbe): string | undefined {
  const changes: string[] = [];
  const etag = headers.get('etag') ?? undefined;
  if (etag !== undefined && probe.etag !== undefined && opaqueTag(etag) !== opaqueTag(probe.etag)) {
    changes.push(`ETag ${was(probe.etag)}, now ${was(etag)}`);
  }
  const lastModified = headers.get('last-modified') ?? undefined;
  if (
    lastModified !== undefined &&
    probe.lastModified !== undefined &&
    lastModified !== probe.lastModified
  ) {
    changes.push(`Last-Modified ${was(probe.lastModified)}, now ${was(lastModified)}`);
  }
  return changes.length > 0 ? changes.join('; ') : undefined;
}

/** The archive is another copy than the probe described: police.uk replaced it during the run. */
function replacedError(probe: ArchiveProbe, change: string, when: string, after: string): Error {
  return new Error(
    `${probe.url} is now another copy of the archive than when this run began (${change}): ` +
      `police.uk replaced it while it was ${when}; ${after}. Run again.`,
  );
}

/**
 * A GET answer gives the archive another size than the probe's HEAD: police.uk may have
 * replaced it during the run, which the next run gets past. But a server whose HEAD and GET
 * disagree about the same copy does so on every run, and running again cannot help: the
 * message says both.
 */
function sizeChangedError(probe: ArchiveProbe, served: string, when: string, after: string): Error {
  return new Error(
    `${probe.url}: its HEAD said ${probe.size} bytes, a GET answer says ${logSafe(served)} ` +
      `(police.uk may have replaced the archive while it was ${when}); ${after}. Run again; if ` +
      "the next run fails the same way, the server's HEAD and GET disagree: report it to " +
      'police.uk, or wait for a fix.',
  );
}

/**
 * A 206 answer's Content-Range: its first and last byte, and the file's size, or "*" for a
 * size the server does not state ("bytes 0-99/1000", "bytes 0-99/*": RFC 9110, 14.4).
 */
const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+|\*)$/;

/** A 416 answer's Content-Range: the file's size, when no range of it could be given. */
const UNSATISFIED_RANGE = /^bytes \*\/(\d+)$/;

/**
 * Refuse a 416 (Range Not Satisfiable) answer: one naming another size than the probe's means
 * the archive was replaced by a smaller one since, the bytes asked lying past its end, and is
 * refused as any answer of another size (`when`, `after`: see sizeChangedError), after
 * `forget()`; any other is its status error. Nothing for another status.
 */
async function refuseUnsatisfied(
  exchange: Exchange,
  probe: ArchiveProbe,
  when: string,
  after: string,
  forget: () => Promise<void> = async () => {},
): Promise<void> {
  const { response } = exchange;
  if (response.status !== 416) return;
  await exchange.discard();
  const size = UNSATISFIED_RANGE.exec(response.headers.get('content-range') ?? '')?.[1];
  if (size === undefined || Number(size) === probe.size) {
    throw statusError('GET', probe.url, response);
  }
  await forget();
  throw sizeChangedError(probe, size, when, after);
}

/** What to do about a range answer that does not hold the bytes asked. */
const RANGE_FAULT_ADVICE =
  'nothing was written for the month. Run again later; if it fails the same way, the server ' +
  '(or a proxy on the way) answers ranges wrongly: report it to police.uk';

/**
 * A 206 whose Content-Range names other bytes than asked for, or none that can be read: a
 * fault of the server or of a proxy or CDN node on the way (a cached answer of another range),
 * which the next request need not repeat. Retried like a range answered short, never read as
 * the bytes asked for.
 */
function otherBytesAnswered(
  probe: ArchiveProbe,
  start: number,
  end: number,
  contentRange: string | undefined,
): HttpPassingFault {
  const named =
    contentRange === undefined
      ? 'no Content-Range'
      : `Content-Range "${logSafe(contentRange)}", ${CONTENT_RANGE.test(contentRange) ? 'other bytes' : 'which cannot be read'}`;
  return new HttpPassingFault(
    `${probe.url} answered bytes ${start}-${end - 1} with ${named}; ${RANGE_FAULT_ADVICE}`,
  );
}

function remoteSource(client: HttpClient, probe: ArchiveProbe): ByteSource {
  /**
   * Whether ranges are asked for with If-Range: until a server answers one with the whole of
   * the very copy the probe described (a server that finds its weak ETag unequal to the
   * strong one it gave the probe, RFC 9110 13.1.5). The ranges are then asked for without:
   * every answer's ETag and Last-Modified are checked against the probe's all the same.
   */
  let conditional = true;
  /**
   * Whether the server has answered a range: a whole file answered after that is a passing
   * fault (a proxy or a node of a CDN that ignores Range), asked again, not a server without
   * ranges, which the first request tells.
   */
  let rangesAnswered = false;
  /** Ask for bytes [start, end); the answer and the byte after the last one it holds. */
  const send = async (
    start: number,
    end: number,
  ): Promise<{ exchange: Exchange; until: number }> => {
    const condition = conditional ? ifRange(probe) : {};
    const exchange = await client.send(probe.url, {
      headers: {
        range: `bytes=${start}-${end - 1}`,
        'accept-encoding': 'identity',
        ...condition,
      },
      expectedBytes: end - start,
      accept: [416],
    });
    await refuseUnsatisfied(exchange, probe, 'read', 'nothing was written for it');
    // A 200 of another copy is the server's answer to If-Range, not a refusal of ranges.
    const change = answerVersionChange(exchange.response.headers, probe);
    if (
      change !== undefined &&
      (exchange.response.status === 200 || exchange.response.status === 206)
    ) {
      await exchange.discard();
      throw replacedError(probe, change, 'read', 'nothing was written for it');
    }
    if (exchange.response.status === 200 && condition['if-range'] !== undefined) {
      await exchange.discard();
      conditional = false;
      return send(start, end);
    }
    if (exchange.response.status !== 206) {
      await exchange.discard();
      const ignored = `${probe.url} ignored a Range header (HTTP ${exchange.response.status})`;
      if (rangesAnswered) {
        throw new HttpPassingFault(
          `${ignored}, having answered earlier ones; nothing was written for the month: ` +
            'run again later',
        );
      }
      throw new RangesUnsupported(ignored);
    }
    const contentRange = exchange.response.headers.get('content-range') ?? undefined;
    const [, firstText, lastText, sizeText] = CONTENT_RANGE.exec(contentRange ?? '') ?? [];
    const [first, last] = [Number(firstText), Number(lastText)];
    if (sizeText !== undefined && sizeText !== '*' && Number(sizeText) !== probe.size) {
      await exchange.discard();
      throw sizeChangedError(probe, sizeText, 'read', 'nothing was written for it');
    }
    if (first !== start || lastText === undefined || last < start || last > end - 1) {
      await exchange.discard();
      throw otherBytesAnswered(probe, start, end, contentRange);
    }
    rangesAnswered = true;
    return { exchange, until: last + 1 };
  };
  /**
   * Bytes [start, end) as they arrive. A server may answer a range with less than was asked
   * (its Content-Range says how much): the rest is asked for in turn. An answer that ends
   * before its Content-Range does was cut short: a transient failure, asked again.
   */
  async function* rangeChunks(start: number, end: number): AsyncGenerator<Uint8Array> {
    let at = start;
    while (at < end) {
      const from = at;
      const { exchange, until } = await send(from, end);
      for await (const chunk of exchange.chunks()) {
        at += chunk.byteLength;
        if (at > until) {
          throw new HttpPassingFault(
            `${probe.url} sent more than the bytes ${from}-${until - 1} its Content-Range names; ` +
              `${RANGE_FAULT_ADVICE}`,
          );
        }
        yield chunk;
      }
      if (at < until) {
        throw new HttpNetworkError(
          'GET',
          probe.url,
          new Error(
            `the answer for bytes ${from}-${until - 1} ended ${until - at} ` +
              `byte${until - at === 1 ? '' : 's'} before its Content-Range does (the server cut ` +
              'it short); nothing was written for the month: run again later',
          ),
        );
      }
    }
  }
  return {
    read: (start, end) =>
      client.retrying('GET', probe.url, async () => {
        const parts: Uint8Array[] = [];
        for await (const chunk of rangeChunks(start, end)) parts.push(chunk);
        return Buffer.concat(parts);
      }),
    extract: (entry, range, destination) =>
      client.retrying('GET', probe.url, () =>
        extractEntry(
          rangeChunks(range.start, range.end),
          entry,
          destination,
          `${probe.name}:${entry.name}`,
        ),
      ),
  };
}

function fileSource(file: string, label: string): ByteSource {
  /** `error`, saying what to do, when it is the downloaded file found gone. */
  const gone = (error: unknown): unknown =>
    (error as NodeJS.ErrnoException).code === 'ENOENT'
      ? new Error(
          `${label}: the downloaded copy ${file} is gone: something deleted it while this run ` +
            'was reading it, and nothing was written for the month. Run again: the next run ' +
            'downloads the archive again.',
          { cause: error },
        )
      : error;
  return {
    async read(start, end) {
      const handle = await open(file, 'r').catch((error: unknown) => {
        throw gone(error);
      });
      try {
        const buffer = Buffer.alloc(end - start);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
    extract: (entry, range, destination) =>
      extractEntry(
        createReadStream(file, { start: range.start, end: range.end - 1 }),
        entry,
        destination,
        `${label}:${entry.name}`,
      ).catch((error: unknown) => {
        throw gone(error);
      }),
  };
}

export interface RemoteArchive {
  probe: ArchiveProbe;
  /** How its bytes were read: "ranges", or "download" when the server refused ranges. */
  mode: 'ranges' | 'download';
  entries: ZipEntry[];
  /** Stream one entry to `destination`, checked against its CRC-32. */
  extract(entry: ZipEntry, destination: string): Promise<void>;
}

export interface OpenArchiveOptions {
  client: HttpClient;
  /** Where a whole archive is downloaded when the server refuses ranges. */
  downloadDir: string;
  /** "download" forces the whole-file path (e.g. when most of an archive is wanted). */
  mode?: 'auto' | 'download';
  log?: Log;
  progress?: ProgressSink;
}

/** Read the archive's central directory, by ranges when the server allows, else by downloading it. */
export async function openRemoteArchive(
  probe: ArchiveProbe,
  options: OpenArchiveOptions,
): Promise<RemoteArchive> {
  const log = options.log ?? (() => {});
  if (options.mode !== 'download') {
    const source = remoteSource(options.client, probe);
    try {
      return await withDirectory(probe, source, 'ranges');
    } catch (error) {
      if (!(error instanceof Error && error.cause instanceof RangesUnsupported)) throw error;
      log(
        `${probe.name}: the server does not answer range requests; downloading the whole archive`,
      );
    }
  }
  const file = await downloadResumable(
    options.client,
    probe,
    options.downloadDir,
    log,
    options.progress,
  );
  return withDirectory(probe, fileSource(file, probe.name), 'download', file);
}

/**
 * The archive's directory read through `source`. A directory that cannot be read fails naming
 * the archive's URL. `downloaded`: the file `source` reads, which is deleted (with its record)
 * when its directory or an entry proves damaged: kept, it would be read again by every later
 * run while the server describes the same copy, and fail the same way.
 */
async function withDirectory(
  probe: ArchiveProbe,
  source: ByteSource,
  mode: RemoteArchive['mode'],
  downloaded?: string,
): Promise<RemoteArchive> {
  /**
   * The damage for which the download was deleted: a later read of the archive in this run (for
   * another district) fails saying so, not that the file is gone.
   */
  let deletedFor: ZipIntegrityError | undefined;
  /** `error`, saying that the download it was found in is deleted, when there is one. */
  const deleteDamaged = async (error: Error): Promise<Error> => {
    if (downloaded === undefined) return error;
    await rm(downloaded, { force: true });
    await rm(`${downloaded}.version.json`, { force: true });
    if (error instanceof ZipIntegrityError) deletedFor = error;
    return new Error(
      `${error.message} The downloaded copy ${downloaded} was deleted, so the next run ` +
        'downloads the archive again.',
      { cause: error },
    );
  };
  let directory: CentralDirectory;
  try {
    directory = await readCentralDirectory(
      (start, end) => source.read(start, end),
      probe.size,
      probe.name,
    );
  } catch (error) {
    if (!(error instanceof ZipFormatError)) throw error;
    throw await deleteDamaged(
      new ZipFormatError(
        probe.url,
        `its central directory cannot be read (${error.problem}): the archive is damaged, or ` +
          'was replaced while it was read; nothing was written for its months. Run again ' +
          'later; if it fails the same way, the archive police.uk serves is damaged: report ' +
          'it to police.uk.',
        { cause: error },
      ),
    );
  }
  const { entries } = directory;
  const ranges = entryByteRanges(directory);
  return {
    probe,
    mode,
    entries,
    async extract(entry, destination) {
      const range = ranges.get(entry);
      if (!range) throw new Error(`${entry.name} is not an entry of ${probe.name}`);
      if (deletedFor !== undefined) {
        throw new Error(
          `${probe.name}:${entry.name} was not read: the downloaded copy ${downloaded} was ` +
            `deleted earlier in this run, as ${deletedFor.where} proved damaged ` +
            `(${deletedFor.problem}), and ` +
            'nothing was written for the month. Run again: the next run downloads the archive ' +
            'again; if it fails the same way, the archive police.uk serves is damaged: report ' +
            'it to police.uk.',
          { cause: deletedFor },
        );
      }
      try {
        await source.extract(entry, range, destination);
      } catch (error) {
        throw error instanceof ZipIntegrityError ? await deleteDamaged(error) : error;
      }
    },
  };
}

/**
 * What tells one copy of an archive from another, as the server describes it: police.uk
 * republishes an archive under the same name with other bytes. It is kept beside a download as
 * `<name>.version.json`, written before the download's first byte, so that a `.partial` file is
 * resumed, and a finished one used again, only while the server describes the same copy.
 */
const archiveVersionSchema = z.object({
  size: z.number().int().positive(),
  etag: z.string().optional(),
  lastModified: z.string().optional(),
});
type ArchiveVersion = z.infer<typeof archiveVersionSchema>;

function versionOf(probe: ArchiveProbe): ArchiveVersion {
  return {
    size: probe.size,
    ...(probe.etag !== undefined ? { etag: probe.etag } : {}),
    ...(probe.lastModified !== undefined ? { lastModified: probe.lastModified } : {}),
  };
}

/** The record beside a download; undefined when there is none, or none that can be read. */
async function readVersion(file: string): Promise<ArchiveVersion | undefined> {
  try {
    const parsed = archiveVersionSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An ETag or Last-Modified as messages give it: an ETag comes in its quotes ("v1", W/"v1"); a
 * Last-Modified is quoted here, as it holds commas.
 */
function was(value: string | undefined): string {
  return value === undefined ? 'none' : /^(W\/)?"/.test(value) ? value : `"${value}"`;
}

/** How the copy recorded differs from the one `probe` describes; undefined when it does not. */
function versionChange(
  recorded: ArchiveVersion | undefined,
  probe: ArchiveProbe,
): string | undefined {
  if (recorded === undefined) return 'nothing records which copy of the archive it holds';
  const changes: string[] = [];
  if (recorded.size !== probe.size) {
    changes.push(`size ${recorded.size}, now ${probe.size}`);
  }
  if (recorded.etag !== probe.etag) {
    changes.push(`ETag ${was(recorded.etag)}, now ${was(probe.etag)}`);
  }
  if (recorded.lastModified !== probe.lastModified) {
    changes.push(`Last-Modified ${was(recorded.lastModified)}, now ${was(probe.lastModified)}`);
  }
  return changes.length > 0
    ? `it is of another copy of the archive (${changes.join('; ')})`
    : undefined;
}

/**
 * Download the whole archive to `<downloadDir>/<name>`, resuming a `.partial` file left by an
 * earlier attempt or run with a Range request. A partial or finished file is used only while
 * the server describes the same copy of the archive as when it was begun (`.version.json`), and
 * a partial is resumed only from an answer that starts where it ends; otherwise it is deleted
 * and the download starts again from byte 0, saying so in one line of the log.
 * Returns the path of the complete, verified file.
 */
export async function downloadResumable(
  client: HttpClient,
  probe: ArchiveProbe,
  downloadDir: string,
  log: Log = () => {},
  progress?: ProgressSink,
): Promise<string> {
  await mkdir(downloadDir, { recursive: true });
  const file = path.join(downloadDir, probe.name);
  const partial = `${file}.partial`;
  const versionFile = `${file}.version.json`;
  const finished = await sizeOf(file);
  if (finished !== undefined) {
    // A download finished before records were kept is known by its size alone, which is all
    // there is to go on when the server gives neither ETag nor Last-Modified.
    const unversioned = probe.etag === undefined && probe.lastModified === undefined;
    const recorded = await readVersion(versionFile);
    const change =
      finished !== probe.size
        ? `it is ${finished} bytes, the archive ${probe.size}`
        : recorded === undefined && unversioned
          ? undefined
          : versionChange(recorded, probe);
    if (change === undefined) return file;
    await rm(file, { force: true });
    log(
      `${probe.name}: the downloaded ${file} is not the archive the server now has (${change}); ` +
        'deleted it, downloading the archive again',
    );
  }
  /** Delete any partial download and record the copy the next one is of. */
  const startAfresh = async () => {
    await rm(partial, { force: true });
    await writeFileAtomic(versionFile, `${JSON.stringify(versionOf(probe))}\n`);
  };
  /**
   * The archive from byte `from`. An answer of another copy than the probe's (If-Range makes
   * a resumed request's a 200 of it) fails the download, the partial deleted, as an answer of
   * another size does: the run read the archive as the probe described it.
   */
  const request = async (from: number) => {
    const exchange = await client.send(probe.url, {
      headers: {
        'accept-encoding': 'identity',
        ...(from > 0 ? { range: `bytes=${from}-`, ...ifRange(probe) } : {}),
      },
      // The rest of the archive, up to 1.5 GB: its deadline grows with it (see http.ts).
      expectedBytes: probe.size - from,
      accept: [416],
    });
    await refuseUnsatisfied(exchange, probe, 'downloaded', 'the partial download was deleted', () =>
      rm(partial, { force: true }),
    );
    const change = answerVersionChange(exchange.response.headers, probe);
    if (change !== undefined && exchange.response.ok) {
      await exchange.discard();
      await rm(partial, { force: true });
      throw replacedError(probe, change, 'downloaded', 'the partial download was deleted');
    }
    return exchange;
  };
  await client.retrying('GET', probe.url, async () => {
    let have = (await sizeOf(partial)) ?? 0;
    if (have > 0) {
      const stale =
        have > probe.size
          ? `it is ${have} bytes, more than the archive's ${probe.size}`
          : versionChange(await readVersion(versionFile), probe);
      if (stale !== undefined) {
        log(
          `${probe.name}: the partial download ${partial} cannot be resumed (${stale}); ` +
            'deleted it, starting again from byte 0',
        );
        have = 0;
      }
    }
    if (have === probe.size) return;
    if (have === 0) await startAfresh();
    let exchange = await request(have);
    if (have > 0) {
      const refusal = await resumeRefusal(exchange, have, probe, partial);
      if (refusal === undefined) {
        log(`${probe.name}: resuming the download at byte ${have}`);
      } else {
        log(
          `${probe.name}: the server cannot resume ${partial} at byte ${have} (${refusal}); ` +
            'deleted it, starting again from byte 0',
        );
        have = 0;
        await startAfresh();
        // A 200 answer is the whole archive, read from its first byte; a 206 of another range
        // is not used.
        if (exchange.response.status !== 200) {
          await exchange.discard();
          exchange = await request(0);
        }
      }
    }
    if (have === 0) {
      const length = exchange.response.headers.get('content-length');
      if (length !== null && Number(length) !== probe.size) {
        await exchange.discard();
        throw sizeChangedError(probe, length, 'downloaded', 'nothing was written for it');
      }
    }
    const tracker = trackProgress(probe.name, probe.size, progress);
    tracker.add(have);
    /**
     * A body that runs past the archive's size (one sent without a Content-Length to check
     * first) is of another copy, or the server's HEAD and GET disagree: stopped at that byte,
     * not written out in full and then taken for a cut connection, asked again and again.
     */
    let ranPast = false;
    async function* counted() {
      let at = have;
      for await (const chunk of exchange.chunks()) {
        at += chunk.byteLength;
        if (at > probe.size) {
          ranPast = true;
          throw sizeChangedError(
            probe,
            'more: its body ran past that size',
            'downloaded',
            'the partial download was deleted',
          );
        }
        tracker.add(chunk.byteLength);
        yield chunk;
      }
    }
    try {
      await pipeline(counted, createWriteStream(partial, { flags: have > 0 ? 'a' : 'w' }));
    } catch (error) {
      if (ranPast) await rm(partial, { force: true });
      throw error;
    }
    tracker.finish();
    const got = (await sizeOf(partial)) ?? 0;
    if (got !== probe.size) {
      // Transient: the next attempt resumes from what arrived.
      throw new HttpNetworkError(
        'GET',
        probe.url,
        new Error(`body ended at byte ${got} of ${probe.size}`),
      );
    }
  });
  if (probe.md5 !== undefined) {
    const actual = await md5Of(partial);
    if (actual !== probe.md5) {
      await rm(partial, { force: true });
      await rm(versionFile, { force: true });
      throw new Error(
        `${probe.url}: downloaded file has MD5 ${actual}, the server lists ${probe.md5}; the partial download was deleted, run again`,
      );
    }
  }
  await rename(partial, file);
  return file;
}

/**
 * Why an answer to "bytes=`have`-" cannot be appended to a partial download of `have` bytes:
 * it is the whole archive (200), a 206 that starts elsewhere, or another status; undefined when
 * it can. A 206 naming another size means the archive was replaced since the probe: that fails
 * the download, the partial deleted, as a later run would find it of another copy.
 */
async function resumeRefusal(
  { response, discard }: Exchange,
  have: number,
  probe: ArchiveProbe,
  partial: string,
): Promise<string | undefined> {
  if (response.status === 200) return 'HTTP 200, the whole archive';
  if (response.status !== 206) return `HTTP ${response.status}`;
  const contentRange = response.headers.get('content-range') ?? '';
  const [, firstText, lastText, sizeText] = CONTENT_RANGE.exec(contentRange) ?? [];
  if (sizeText !== undefined && sizeText !== '*' && Number(sizeText) !== probe.size) {
    await discard();
    await rm(partial, { force: true });
    throw sizeChangedError(probe, sizeText, 'downloaded', 'the partial download was deleted');
  }
  if (Number(firstText) !== have || lastText === undefined || Number(lastText) < have) {
    return `it answered with Content-Range "${contentRange}"`;
  }
  return undefined;
}

async function sizeOf(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).size;
  } catch {
    return undefined;
  }
}

async function md5Of(file: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
