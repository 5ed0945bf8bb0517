// Atomic writes. Every output is written to "<path>.tmp-<pid>" and renamed into place only
// when complete, so a failed or interrupted run never leaves a half-written file where a good
// one was. A Staging collects a run's outputs and publishes them together at the very end:
// it first writes a journal listing every rename (and every append, append-in-place.ts), then
// appends and renames, then deletes the journal.
// The journal's durable write is the commit point: from then on the new outputs are the
// published ones, and whoever reads the outputs next (the next run, `npm run
// complete-publish` before the site build and dev server, validate-data and the refresh's
// steps on the folder they read) finishes the renames before reading
// (recoverInterruptedPublish), so no reader sees a mix of two runs. Temporary
// files of runs killed earlier are swept (sweep-temporary-files.ts).
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import {
  appendableStamp,
  appendSchema,
  appendStaged,
  appendTime,
  type Append,
} from './append-in-place.ts';
import { issueLines } from '../src/shared/schema.ts';
import { crashPoint } from './crash-point.ts';
import { exists, sameSizeAndTime, sizeAndTime, type SizeAndTime } from './files.ts';
import { isRunning } from './sweep-temporary-files.ts';
import { errorMessage } from '../src/shared/error-message.ts';

export function tempPathFor(finalPath: string): string {
  return `${finalPath}.tmp-${process.pid}`;
}

/**
 * What to do about a write that failed with `code`, in `dir`, for the errors the user can
 * mend; '' for another.
 */
function whatToDo(code: string | undefined, dir: string): string {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return `free some space on the disk that holds ${dir} and run again`;
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      // Not "give --out": the commands that write through here do not all take one.
      return `make ${dir} writable and run again`;
    case 'EFBIG':
      return 'raise the limit on the size of a file (ulimit -f) and run again';
    case 'ENOENT':
      return `${dir} was removed while the run wrote to it: run again`;
    default:
      return '';
  }
}

/**
 * An output that could not be written: the message names the file (Node's write errors do
 * not) and, when the user can mend the cause (a full disk, a folder that cannot be written),
 * says what to do.
 */
export class WriteError extends Error {
  readonly file: string;
  constructor(file: string, cause: unknown) {
    const reason = errorMessage(cause);
    const todo = whatToDo((cause as NodeJS.ErrnoException | undefined)?.code, path.dirname(file));
    super(`${file} could not be written (${reason})${todo === '' ? '' : `: ${todo}`}`, { cause });
    this.name = 'WriteError';
    this.file = file;
  }
}

/**
 * Write `data` (or its chunks, one after another, without joining them in memory) to
 * `finalPath` atomically (creating its folder); on failure the old file stays.
 */
export async function writeFileAtomic(
  finalPath: string,
  data: string | Uint8Array | readonly Uint8Array[],
): Promise<void> {
  const temp = tempPathFor(finalPath);
  await mkdir(path.dirname(finalPath), { recursive: true });
  try {
    await writeFile(temp, data).catch((cause: unknown) => {
      throw new WriteError(finalPath, cause);
    });
    await rename(temp, finalPath);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** A stream to a temporary file; nothing appears at its final path until commit(). */
export interface AtomicWriteStream {
  readonly finalPath: string;
  readonly tempPath: string;
  /** Write a chunk, waiting when the disk is behind (backpressure). */
  write(chunk: string | Uint8Array): Promise<void>;
  /** Write a chunk and wait until it is written: its bytes may then be reused. */
  writeThrough(chunk: Uint8Array): Promise<void>;
  /** Flush and close the temporary file (without renaming it). */
  close(): Promise<void>;
  /** close(), then rename the temporary file to the final path. */
  commit(): Promise<void>;
  /** Stop writing and delete the temporary file; the final path is untouched. */
  abort(): Promise<void>;
}

export async function createAtomicWriteStream(finalPath: string): Promise<AtomicWriteStream> {
  const tempPath = tempPathFor(finalPath);
  await mkdir(path.dirname(finalPath), { recursive: true });
  const stream: WriteStream = createWriteStream(tempPath);
  let failure: Error | undefined;
  /** The stream's first error, as the error that every later call throws. */
  const failed = (error: unknown): Error => {
    // A write made while the stream is closing after an error (its file handle closes before
    // the 'error' event) fails with ERR_STREAM_DESTROYED, which can arrive first: the error
    // that destroyed the stream (ENOSPC, EIO, ...) is the one to report.
    const destroyed = (error as NodeJS.ErrnoException | null)?.code === 'ERR_STREAM_DESTROYED';
    const cause = destroyed && stream.errored ? stream.errored : error;
    return (failure ??= new WriteError(finalPath, cause));
  };
  stream.on('error', failed);
  // A temporary file that cannot be opened (a folder in its place, no permission) fails here.
  await once(stream, 'open').catch((error: unknown) => {
    throw failed(error);
  });
  let closed = false;
  // Not once(stream, 'close'): it rejects at an 'error', before the stream has closed its file.
  const closing = () => new Promise<void>((resolve) => stream.once('close', () => resolve()));

  const close = async () => {
    if (closed) return;
    closed = true;
    if (failure) throw failure;
    stream.end();
    await closing();
    if (failure) throw failure;
  };

  return {
    finalPath,
    tempPath,
    async write(chunk) {
      if (failure) throw failure;
      if (closed) throw new Error(`${finalPath}: write after close`);
      if (!stream.write(chunk)) {
        await once(stream, 'drain').catch((error: unknown) => {
          throw failed(error);
        });
      }
    },
    async writeThrough(chunk) {
      if (failure) throw failure;
      if (closed) throw new Error(`${finalPath}: write after close`);
      await new Promise<void>((resolve, reject) => {
        stream.write(chunk, (error) => (error ? reject(failed(error)) : resolve()));
      });
    },
    close,
    async commit() {
      await close();
      await rename(tempPath, finalPath);
    },
    async abort() {
      if (!closed) {
        closed = true;
        // A stream that failed has closed itself: its 'close' has been and will not come again.
        if (!stream.closed) {
          stream.destroy();
          await closing();
        }
      }
      await rm(tempPath, { force: true });
    },
  };
}

const journalSchema = z.object({
  /** 2 added appends: a journal of 1 has none, and one of 2 is refused by a reader of 1. */
  version: z.union([z.literal(1), z.literal(2)]),
  startedAt: z.string(),
  /** The publishing process: while it runs, its renames are its own to make. */
  pid: z.number().int().positive().optional(),
  /** Staged rows appended to published files, before the renames. */
  appends: z.array(appendSchema).default([]),
  renames: z.array(z.object({ from: z.string(), to: z.string() })),
  /** Outputs the publish takes away (a year no longer in the data), after the renames. */
  removals: z.array(z.string()).default([]),
});

/** Flush a file (or a folder's entries) to disk. */
async function syncToDisk(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    // A disk that fills up may say so only now, when the file's blocks are written.
    await handle.sync().catch((cause: unknown) => {
      throw new WriteError(file, cause);
    });
  } finally {
    await handle.close();
  }
}

/**
 * Write `data` to `file` and flush it, and the folder entry naming it, to disk before
 * returning: the journal is the commit point, so it must survive a power cut.
 */
async function writeDurably(file: string, data: string): Promise<void> {
  const temp = tempPathFor(file);
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (cause) {
    throw new WriteError(file, cause);
  } finally {
    await handle.close();
  }
  await rename(temp, file);
  await syncToDisk(path.dirname(file));
}

/** A staged output's stream, and what the published file will be. */
export interface StagedStream extends AtomicWriteStream {
  /** The size and time the output's final path has once it is published; after close(). */
  publishedStamp(): Promise<SizeAndTime>;
}

/**
 * A run's outputs, staged as temporary files and published together by commit(). Until then
 * every previous output stays as it was; abort() removes what was staged.
 */
export class Staging {
  private readonly staged = new Map<string, AtomicWriteStream | { tempPath: string }>();
  /**
   * Outputs staged as rows to append to the published file (appendInBackground), by final
   * path: where they go and the file's time once they are there.
   */
  private readonly appends = new Map<string, { base: SizeAndTime; mtimeMs: number }>();
  private readonly removals = new Set<string>();
  /**
   * Each staged file's flush to disk, started as soon as the file is complete and the flush
   * before it has ended, so that the disk writes a large output back while the run goes on to
   * its next steps; commit() waits for them all before it writes the journal.
   */
  private readonly syncs = new Map<string, Promise<void>>();
  /**
   * The flush last started (settled or not): the next waits for it. One at a time, because a
   * flush holds one of libuv's four threads until the disk has the file (the master CSV's,
   * 270 MB, some 0.3 s): several at once took the threads every read, write and compression
   * of the run's later steps waits for, and left the main thread idle. One disk writes the
   * files back no faster side by side.
   */
  private lastSync: Promise<void> = Promise.resolve();
  /** Outputs being written while the run goes on (writeInBackground, appendInBackground). */
  private readonly background: Promise<void>[] = [];
  /** Where commit() records its appends and renames while it makes them. */
  readonly journal: string;

  constructor(journal: string) {
    this.journal = journal;
  }

  /** Stage `data` for `finalPath`. */
  async writeFile(finalPath: string, data: string | Uint8Array): Promise<void> {
    const tempPath = this.stage(finalPath);
    await mkdir(path.dirname(finalPath), { recursive: true });
    await writeFile(tempPath, data).catch((cause: unknown) => {
      throw new WriteError(finalPath, cause);
    });
    this.startSync(finalPath, tempPath);
  }

  /** Stage the removal of `finalPath`: an output this run no longer has, taken away by commit(). */
  remove(finalPath: string): void {
    this.claim(finalPath);
    this.removals.add(finalPath);
  }

  /** Stage a stream for `finalPath`; close() it when written. */
  async createWriteStream(finalPath: string): Promise<StagedStream> {
    this.stage(finalPath);
    return this.stageStream(finalPath);
  }

  /** A stream for `finalPath`, staged (its path already claimed), flushed once closed. */
  private async stageStream(finalPath: string): Promise<StagedStream> {
    const stream = await createAtomicWriteStream(finalPath);
    const append = this.appends.get(finalPath);
    const staged: StagedStream = {
      ...stream,
      close: async () => {
        await stream.close();
        this.startSync(finalPath, stream.tempPath);
      },
      publishedStamp: async () => {
        const written = await sizeAndTime(stream.tempPath);
        return append === undefined
          ? written
          : { size: append.base.size + written.size, mtimeMs: append.mtimeMs };
      },
    };
    this.staged.set(finalPath, staged);
    return staged;
  }

  /**
   * Stage a stream for `finalPath` and let `write` fill it while the run goes on: for an
   * output that is mostly disk work, such as the master CSV's rows. `write` may close it
   * itself (to read the finished file, or its publishedStamp); it is closed after `write` in
   * any case (close() does nothing the second time). commit() waits for it first and fails
   * with its error; abort() waits for it, then removes it.
   */
  writeInBackground(finalPath: string, write: (out: StagedStream) => Promise<void>): void {
    this.stage(finalPath);
    const task = (async () => {
      const out = await this.stageStream(finalPath);
      await write(out);
      await out.close();
    })();
    task.catch(() => {}); // awaited by commit() or abort(); not an unhandled rejection meanwhile
    this.background.push(task);
  }

  /**
   * As writeInBackground, but what `write` writes is appended to the published file at
   * `finalPath` by commit() (append-in-place.ts), which the run found as `base`
   * (appendableStamp): its bytes are those of the output's start. commit() fails, publishing
   * nothing, when the file is no longer as `base` says.
   */
  appendInBackground(
    finalPath: string,
    base: SizeAndTime,
    write: (out: StagedStream) => Promise<void>,
  ): void {
    this.claim(finalPath);
    this.appends.set(finalPath, { base, mtimeMs: appendTime() });
    this.writeInBackground(finalPath, write);
  }

  /** The final paths staged so far. */
  get paths(): string[] {
    return [...this.staged.keys()];
  }

  /**
   * Close every staged stream, record the appends and renames in the journal, append and
   * rename every staged file into place, then delete the journal. Interrupted after the
   * journal is written, the next run's recoverInterruptedPublish() completes them.
   */
  async commit(): Promise<void> {
    // Every background output ends (failed or not) before anything else happens.
    const failed = (await Promise.allSettled(this.background.splice(0))).find(
      (result) => result.status === 'rejected',
    );
    if (failed !== undefined) throw failed.reason;
    for (const item of this.staged.values()) if ('close' in item) await item.close();
    crashPoint('staged');
    const appends: Append[] = [];
    const renames: { from: string; to: string }[] = [];
    for (const [to, { tempPath: from }] of this.staged) {
      const append = this.appends.get(to);
      if (append === undefined) {
        renames.push({ from, to });
        continue;
      }
      if (!sameSizeAndTime(await appendableStamp(to), append.base)) {
        throw new Error(
          `${to} changed (or gained another link) while this run wrote the rows that follow ` +
            `its ${append.base.size} bytes, so nothing was published; run the pipeline again.`,
        );
      }
      appends.push({ from, to, offset: append.base.size, mtimeMs: append.mtimeMs });
    }
    const removals = [...this.removals];
    await mkdir(path.dirname(this.journal), { recursive: true });
    if (await exists(this.journal, { strict: true })) {
      // Replacing it would lose the renames of a publish still pending (or in progress).
      throw new Error(
        `${this.journal}: an earlier publish is not finished, so this run's outputs were not ` +
          'published. Run `npm run complete-publish` (with the same --out) and run again.',
      );
    }
    // What the journal names must be on disk before it is: after a power cut, the appends and
    // renames it lists are completed, and they must not put empty or partial files in place.
    for (const { from, to } of [...appends, ...renames]) {
      await (this.syncs.get(to) ?? syncToDisk(from));
    }
    this.syncs.clear();
    await writeDurably(
      this.journal,
      JSON.stringify({
        version: appends.length > 0 ? 2 : 1,
        startedAt: new Date().toISOString(),
        pid: process.pid,
        appends,
        renames,
        removals,
      }),
    );
    // Past the commit point the publish can only go forward: an append or rename that fails
    // leaves the journal and its temporary files for recoverInterruptedPublish, not for abort().
    this.staged.clear();
    this.appends.clear();
    this.removals.clear();
    for (const append of appends) await appendStaged(append);
    for (const [i, { from, to }] of renames.entries()) {
      await rename(from, to);
      if (i === 0) crashPoint('publishing');
    }
    for (const file of removals) await rm(file, { force: true });
    // The renames reach the disk before the journal that would redo them is deleted (each
    // append has flushed its file).
    const touched = [...renames.map(({ to }) => to), ...removals];
    for (const dir of new Set(touched.map((file) => path.dirname(file)))) await syncToDisk(dir);
    await rm(this.journal, { force: true });
  }

  /** Remove every staged file; no final path is touched. */
  async abort(): Promise<void> {
    await Promise.allSettled(this.background.splice(0));
    this.removals.clear();
    this.appends.clear();
    // A flush still under way holds its file open; it ends before the file is deleted.
    await Promise.allSettled(this.syncs.values());
    this.syncs.clear();
    for (const item of this.staged.values()) {
      if ('abort' in item) await item.abort();
      else await rm(item.tempPath, { force: true });
    }
    this.staged.clear();
  }

  /**
   * Flush the complete staged file `tempPath` to disk once the flushes before it have ended,
   * failed or not (its own failure shows at commit).
   */
  private startSync(finalPath: string, tempPath: string): void {
    if (this.syncs.has(finalPath)) return;
    const sync = this.queueSync(tempPath);
    sync.catch(() => {}); // awaited by commit(); not an unhandled rejection meanwhile
    this.syncs.set(finalPath, sync);
  }

  /** Flush `file` to disk once the flushes queued before it have ended, failed or not. */
  private queueSync(file: string): Promise<void> {
    const sync = this.lastSync.then(() => syncToDisk(file));
    // A flush that fails is no stop to the next.
    this.lastSync = sync.catch(() => {});
    return sync;
  }

  private claim(finalPath: string): void {
    if (this.staged.has(finalPath) || this.removals.has(finalPath)) {
      throw new Error(`${finalPath} was staged twice in one run`);
    }
  }

  /**
   * Claim `finalPath` for an output written to its temporary file, which is returned: held in
   * its place among the outputs (listed by `paths`, its file removed by abort()) from now on,
   * before its file or stream is ready.
   */
  private stage(finalPath: string): string {
    this.claim(finalPath);
    const tempPath = tempPathFor(finalPath);
    this.staged.set(finalPath, { tempPath });
    return tempPath;
  }
}

/**
 * Finish a publish that a killed run left half done: every append its journal lists whose
 * staged rows are still there is made again (append-in-place.ts), every rename whose
 * temporary file is still there is made (those files were complete before the journal was
 * written), then every removal it lists. Returns the files appended to, put in place or
 * removed; none when there is no journal.
 */
export async function recoverInterruptedPublish(journal: string): Promise<string[]> {
  const parsed = await readJournal(journal);
  if (parsed === null) return [];
  if (parsed.pid !== undefined && parsed.pid !== process.pid && isRunning(parsed.pid)) {
    throw new Error(
      `${journal}: process ${parsed.pid} is publishing these outputs now; wait for it to ` +
        'finish and try again (if that process is not a pipeline run, delete the journal ' +
        'after checking that the outputs belong together)',
    );
  }
  const completed: string[] = [];
  for (const append of parsed.appends) {
    try {
      if (await appendStaged(append)) completed.push(append.to);
    } catch (cause) {
      // What went wrong is in the message: a command prints the message, not the cause.
      const why = errorMessage(cause).replace(/\.$/, '');
      throw new Error(
        `${journal}: the interrupted publish could not append its rows to ${append.to}: ` +
          `${why}. Mend that and run again, which completes it; or, if that file was ` +
          'changed by hand, delete the journal and run the pipeline again to write it anew',
        { cause },
      );
    }
  }
  for (const { from, to } of parsed.renames) {
    const moved = await rename(from, to).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return false; // renamed before the run was killed
        throw error;
      },
    );
    if (moved) completed.push(to);
  }
  for (const file of parsed.removals) {
    if (await exists(file)) {
      await rm(file, { force: true });
      completed.push(file);
    }
  }
  for (const dir of new Set(completed.map((to) => path.dirname(to)))) await syncToDisk(dir);
  await rm(journal, { force: true });
  return completed;
}

/**
 * What the publish journal `journal` lists, without completing anything: the outputs it
 * appends to, puts in place or removes, and the temporary files it takes them from. Null when
 * there is no journal; throws when it is not a readable journal.
 */
export async function interruptedPublishFiles(
  journal: string,
): Promise<{ outputs: string[]; temporary: string[] } | null> {
  const parsed = await readJournal(journal);
  if (parsed === null) return null;
  const moves = [...parsed.appends, ...parsed.renames];
  return {
    outputs: [...new Set([...moves.map(({ to }) => to), ...parsed.removals])],
    temporary: moves.map(({ from }) => from),
  };
}

/** The publish journal `journal`; null when there is none. */
async function readJournal(journal: string): Promise<z.infer<typeof journalSchema> | null> {
  let text: string;
  try {
    text = await readFile(journal, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    return journalSchema.parse(JSON.parse(text));
  } catch (cause) {
    const problem =
      cause instanceof z.ZodError ? issueLines(cause).join('; ') : errorMessage(cause);
    throw new Error(
      `${journal} is not a readable publish journal (${problem}), so an interrupted run cannot ` +
        'be completed: ' +
        'check that the outputs belong together (or run the pipeline again), then delete it',
      { cause },
    );
  }
}
