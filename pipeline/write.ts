// Atomic writes. Every output is written to "<path>.tmp-<pid>" and renamed into place only
// when complete, so a failed or interrupted run never leaves a half-written file where a good
// one was. A Staging collects a run's outputs and renames them together at the very end.
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export function tempPathFor(finalPath: string): string {
  return `${finalPath}.tmp-${process.pid}`;
}

/** Write `data` to `finalPath` atomically (creating its folder); on failure the old file stays. */
export async function writeFileAtomic(finalPath: string, data: string | Uint8Array): Promise<void> {
  const temp = tempPathFor(finalPath);
  await mkdir(path.dirname(finalPath), { recursive: true });
  try {
    await writeFile(temp, data);
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
  stream.on('error', (error) => {
    failure = error;
  });
  await once(stream, 'open');
  let closed = false;

  const close = async () => {
    if (closed) return;
    closed = true;
    if (failure) throw failure;
    stream.end();
    await once(stream, 'close');
    if (failure) throw failure;
  };

  return {
    finalPath,
    tempPath,
    async write(chunk) {
      if (failure) throw failure;
      if (closed) throw new Error(`${finalPath}: write after close`);
      if (!stream.write(chunk)) await once(stream, 'drain');
    },
    close,
    async commit() {
      await close();
      await rename(tempPath, finalPath);
    },
    async abort() {
      if (!closed) {
        closed = true;
        stream.destroy();
        await once(stream, 'close').catch(() => {});
      }
      await rm(tempPath, { force: true });
    },
  };
}

/**
 * A run's outputs, staged as temporary files and renamed into place together by commit().
 * Until then every previous output stays as it was; abort() removes what was staged.
 */
export class Staging {
  private readonly staged = new Map<string, AtomicWriteStream | { tempPath: string }>();

  /** Stage `data` for `finalPath`. */
  async writeFile(finalPath: string, data: string | Uint8Array): Promise<void> {
    this.claim(finalPath);
    const tempPath = tempPathFor(finalPath);
    this.staged.set(finalPath, { tempPath });
    await mkdir(path.dirname(finalPath), { recursive: true });
    await writeFile(tempPath, data);
  }

  /** Stage a stream for `finalPath`; close() it when written. */
  async createWriteStream(finalPath: string): Promise<AtomicWriteStream> {
    this.claim(finalPath);
    const stream = await createAtomicWriteStream(finalPath);
    this.staged.set(finalPath, stream);
    return stream;
  }

  /** The final paths staged so far. */
  get paths(): string[] {
    return [...this.staged.keys()];
  }

  /** Close every staged stream, then rename every staged file into place. */
  async commit(): Promise<void> {
    for (const item of this.staged.values()) if ('close' in item) await item.close();
    for (const [finalPath, item] of this.staged) await rename(item.tempPath, finalPath);
    this.staged.clear();
  }

  /** Remove every staged file; no final path is touched. */
  async abort(): Promise<void> {
    for (const item of this.staged.values()) {
      if ('abort' in item) await item.abort();
      else await rm(item.tempPath, { force: true });
    }
    this.staged.clear();
  }

  private claim(finalPath: string): void {
    if (this.staged.has(finalPath)) throw new Error(`${finalPath} was staged twice in one run`);
  }
}
