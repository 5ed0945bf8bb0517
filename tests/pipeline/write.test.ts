import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAtomicWriteStream,
  recoverInterruptedPublish,
  Staging,
  tempPathFor,
  writeFileAtomic,
  WriteError,
} from '../../pipeline/write.ts';
import { jsonParseProblem } from '../support/json-problem.ts';
import { writeLeftJournal } from '../support/left-journal.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'write-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes the file (creating its folder) and leaves no temporary file', async () => {
    const file = path.join(tmp, 'a/b/out.json');
    await writeFileAtomic(file, '{"ok":true}\n');
    expect(await readFile(file, 'utf8')).toBe('{"ok":true}\n');
    expect(await readdir(path.dirname(file))).toEqual(['out.json']);
  });

  it('writes chunks one after another, as one file', async () => {
    const file = path.join(tmp, 'chunks.bin');
    const chunks = [Buffer.from('head|'), new Uint8Array(70_000).fill(7), Buffer.from('|tail')];
    await writeFileAtomic(file, chunks);
    expect((await readFile(file)).equals(Buffer.concat(chunks))).toBe(true);
  });

  it('leaves the previous file untouched when the write fails', async () => {
    const file = path.join(tmp, 'keep.txt');
    await writeFile(file, 'previous');
    // A folder where the temporary file should go makes the write fail.
    await writeFileAtomic(path.join(tempPathFor(file), 'x'), 'block');
    await expect(writeFileAtomic(file, 'new')).rejects.toThrow();
    expect(await readFile(file, 'utf8')).toBe('previous');
  });
});

describe('createAtomicWriteStream', () => {
  it('shows nothing at the final path until commit()', async () => {
    const file = path.join(tmp, 'stream.csv');
    await writeFile(file, 'old\n');
    const out = await createAtomicWriteStream(file);
    for (let i = 0; i < 10_000; i++) await out.write(`row ${i}\n`);
    expect(await readFile(file, 'utf8')).toBe('old\n');
    await out.commit();
    const text = await readFile(file, 'utf8');
    expect(text.split('\n')).toHaveLength(10_001);
  });

  it('abort() removes the temporary file and keeps the old one', async () => {
    const file = path.join(tmp, 'aborted.csv');
    await writeFile(file, 'old\n');
    const out = await createAtomicWriteStream(file);
    await out.write('half a file');
    await out.abort();
    expect(await readFile(file, 'utf8')).toBe('old\n');
    expect((await readdir(tmp)).filter((f) => f.startsWith('aborted.csv.tmp'))).toEqual([]);
  });

  it('fails naming the file when its temporary file cannot be opened (a folder in its place)', async () => {
    const file = path.join(tmp, 'blocked.csv');
    await writeFile(file, 'old\n');
    await mkdir(tempPathFor(file));
    const error = await createAtomicWriteStream(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WriteError);
    expect((error as Error).message).toBe(
      `${file} could not be written (EISDIR: illegal operation on a directory, open ` +
        `'${tempPathFor(file)}')`,
    );
    expect(await readFile(file, 'utf8')).toBe('old\n');
  });
});

describe('createAtomicWriteStream on a full disk', () => {
  it('reports the disk full to a write made while the stream closes after that error', async () => {
    const file = path.join(tmp, 'full', 'out.csv');
    await mkdir(path.dirname(file), { recursive: true });
    // The first write fails with ENOSPC (/dev/full); the stream then closes its file before it
    // emits the error, and a write made in between fails with ERR_STREAM_DESTROYED. Which
    // turn of the event loop that window falls in depends on the machine: every one of the
    // first twenty is tried, a stream each.
    const reasons = new Set<string>();
    for (let turns = 0; turns < 20; turns += 1) {
      await rm(tempPathFor(file), { force: true });
      await symlink('/dev/full', tempPathFor(file));
      const out = await createAtomicWriteStream(file);
      const header = out.write('Crime ID,Month\n').catch((e: unknown) => e);
      for (let i = 0; i < turns; i += 1) await new Promise((resolve) => setImmediate(resolve));
      const later = await out.writeThrough(Buffer.alloc(1024, 65)).catch((e: unknown) => e);
      await header;
      await out.abort();
      expect(later).toBeInstanceOf(WriteError);
      reasons.add((later as Error).message);
    }
    expect([...reasons]).toEqual([
      `${file} could not be written (ENOSPC: no space left on device, write): free some space ` +
        `on the disk that holds ${path.dirname(file)} and run again`,
    ]);
  });
});

describe('new WriteError(file, cause)', () => {
  const file = path.join('/srv', 'out', 'site-data.json');
  /** A write error as Node gives it: the code, and a message that does not name the file. */
  const failure = (code: string, reason: string) =>
    Object.assign(new Error(`${code}: ${reason}, write`), { code });

  it('names the file and says what to do when the user can mend the cause', () => {
    const message = (code: string, reason: string) =>
      new WriteError(file, failure(code, reason)).message;
    expect(message('ENOSPC', 'no space left on device')).toBe(
      `${file} could not be written (ENOSPC: no space left on device, write): free some space ` +
        'on the disk that holds /srv/out and run again',
    );
    for (const [code, reason] of [
      ['EACCES', 'permission denied'],
      ['EROFS', 'read-only file system'],
    ] as const) {
      expect(message(code, reason)).toBe(
        `${file} could not be written (${code}: ${reason}, write): make /srv/out writable and ` +
          'run again',
      );
    }
    expect(message('EFBIG', 'file too large')).toBe(
      `${file} could not be written (EFBIG: file too large, write): raise the limit on the ` +
        'size of a file (ulimit -f) and run again',
    );
    expect(message('ENOENT', 'no such file or directory')).toBe(
      `${file} could not be written (ENOENT: no such file or directory, write): /srv/out was ` +
        'removed while the run wrote to it: run again',
    );
  });

  it('names the file and the reason alone for another cause', () => {
    expect(new WriteError(file, failure('EIO', 'i/o error')).message).toBe(
      `${file} could not be written (EIO: i/o error, write)`,
    );
  });
});

describe('Staging', () => {
  it('renames every staged output into place only on commit()', async () => {
    const dir = path.join(tmp, 'staging');
    const a = path.join(dir, 'a.json');
    const b = path.join(dir, 'b.csv');
    const staging = new Staging(path.join(dir, 'publish-journal.json'));
    await staging.writeFile(a, 'A');
    const stream = await staging.createWriteStream(b);
    await stream.write('B');
    expect(await readdir(dir)).not.toContain('a.json');
    await staging.commit();
    expect(await readFile(a, 'utf8')).toBe('A');
    expect(await readFile(b, 'utf8')).toBe('B');
    expect(await readdir(dir)).toEqual(['a.json', 'b.csv']);
  });

  it('abort() leaves previous outputs untouched and no temporary files', async () => {
    const dir = path.join(tmp, 'staging-abort');
    const a = path.join(dir, 'a.json');
    await writeFileAtomic(a, 'previous');
    const staging = new Staging(path.join(dir, 'publish-journal.json'));
    await staging.writeFile(a, 'next');
    await (await staging.createWriteStream(path.join(dir, 'b.csv'))).write('x');
    await staging.abort();
    expect(await readFile(a, 'utf8')).toBe('previous');
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('commit() refuses while an earlier publish is pending, leaving its journal and the outputs', async () => {
    const dir = path.join(tmp, 'staging-pending');
    const a = path.join(dir, 'a.json');
    await writeFileAtomic(a, 'previous');
    const pending = '{"version":1,"startedAt":"","renames":[]}';
    await writeFile(path.join(dir, 'publish-journal.json'), pending);
    const staging = new Staging(path.join(dir, 'publish-journal.json'));
    await staging.writeFile(a, 'next');
    await expect(staging.commit()).rejects.toThrow(/an earlier publish is not finished/);
    await staging.abort();
    expect(await readFile(a, 'utf8')).toBe('previous');
    expect(await readFile(staging.journal, 'utf8')).toBe(pending);
    expect((await readdir(dir)).sort()).toEqual(['a.json', 'publish-journal.json']);
  });

  it('takes away a removed output on commit(), together with the renames, and not on abort()', async () => {
    const dir = path.join(tmp, 'staging-remove');
    const old = path.join(dir, 'leeds-crimes-2017.csv.gz');
    const a = path.join(dir, 'a.json');
    await writeFileAtomic(old, 'a year no longer in the data');
    const aborted = new Staging(path.join(dir, 'publish-journal.json'));
    aborted.remove(old);
    await aborted.writeFile(a, 'A');
    await aborted.abort();
    expect(await readdir(dir)).toEqual(['leeds-crimes-2017.csv.gz']);

    const staging = new Staging(path.join(dir, 'publish-journal.json'));
    staging.remove(old);
    expect(() => staging.remove(old)).toThrow(/staged twice/);
    await expect(staging.writeFile(old, 'x')).rejects.toThrow(/staged twice/);
    await staging.writeFile(a, 'A');
    await staging.commit();
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('refuses to stage the same path twice', async () => {
    const staging = new Staging(path.join(tmp, 'publish-journal.json'));
    const file = path.join(tmp, 'twice.txt');
    await staging.writeFile(file, '1');
    await expect(staging.writeFile(file, '2')).rejects.toThrow(/staged twice/);
    await staging.abort();
  });
});

describe('Staging.writeInBackground(finalPath, write)', () => {
  /** Resolves after `ms`: a write still under way when the run reaches commit(). */
  const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('lists the output in its place at once, and commit() publishes it only once written', async () => {
    const dir = path.join(tmp, 'background');
    const big = path.join(dir, 'big.csv');
    const staging = new Staging(path.join(dir, 'publish-journal.json'));
    let finished = false;
    staging.writeInBackground(big, async (out) => {
      await out.write('header\n');
      for (let i = 0; i < 5; i++) {
        await later(10);
        await out.write(`row ${i}\n`);
      }
      finished = true;
    });
    expect(() => staging.writeInBackground(big, async () => {})).toThrow(/staged twice/);
    await expect(staging.writeFile(big, 'x')).rejects.toThrow(/staged twice/);
    await staging.writeFile(path.join(dir, 'small.json'), '{}');
    expect(staging.paths).toEqual([big, path.join(dir, 'small.json')]);
    expect(finished).toBe(false);
    await staging.commit();
    expect(finished).toBe(true);
    expect(await readFile(big, 'utf8')).toBe('header\nrow 0\nrow 1\nrow 2\nrow 3\nrow 4\n');
    expect((await readdir(dir)).sort()).toEqual(['big.csv', 'small.json']);
  });

  it('that fails makes commit() fail with its error, and abort() then leaves the outputs as they were', async () => {
    const dir = path.join(tmp, 'background-fails');
    const big = path.join(dir, 'big.csv');
    const small = path.join(dir, 'small.json');
    await writeFileAtomic(big, 'previous big');
    await writeFileAtomic(small, 'previous small');
    const staging = new Staging(path.join(dir, 'publish-journal.json'));
    staging.writeInBackground(big, async (out) => {
      await out.write('half');
      await later(10);
      throw new Error('the rows of 2025-03 could not be read');
    });
    await staging.writeFile(small, 'next small');
    await later(30); // failed before commit(): no unhandled rejection, the error comes there
    await expect(staging.commit()).rejects.toThrow('the rows of 2025-03 could not be read');
    await staging.abort();
    expect(await readFile(big, 'utf8')).toBe('previous big');
    expect(await readFile(small, 'utf8')).toBe('previous small');
    expect((await readdir(dir)).sort()).toEqual(['big.csv', 'small.json']);
  });

  it('that fails while another is still being written: commit() waits for both, and abort() leaves no temporary file', async () => {
    const dir = path.join(tmp, 'background-two');
    const staging = new Staging(path.join(dir, 'publish-journal.json'));
    let slowDone = false;
    staging.writeInBackground(path.join(dir, 'slow.csv'), async (out) => {
      for (let i = 0; i < 5; i++) {
        await later(20);
        await out.write(`row ${i}\n`);
      }
      slowDone = true;
    });
    staging.writeInBackground(path.join(dir, 'fails.csv'), async () => {
      throw new Error('the rows of 2025-04 could not be read');
    });
    await expect(staging.commit()).rejects.toThrow('the rows of 2025-04 could not be read');
    expect(slowDone).toBe(true);
    await staging.abort();
    expect(await readdir(dir)).toEqual([]);
  });
});

// /dev/full answers every write with ENOSPC: a full disk, without root or a small filesystem.
// The temporary file of an output is made a link to it (its name holds this process's id).
describe.skipIf(!existsSync('/dev/full'))('writing to a full disk', () => {
  /** `file` in a new folder of its own, holding "previous", whose next write finds the disk full. */
  async function onFullDisk(name: string): Promise<string> {
    const dir = path.join(tmp, name);
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, 'out.csv');
    await writeFile(file, 'previous');
    await symlink('/dev/full', tempPathFor(file));
    return file;
  }

  /** The error every write to `file` fails with. */
  const diskFull = (file: string) =>
    `${file} could not be written (ENOSPC: no space left on device, write): free some space ` +
    `on the disk that holds ${path.dirname(file)} and run again`;

  /**
   * Resolves once a stream that failed has closed its file, as it has by the time a run that
   * failed aborts its outputs.
   */
  const afterClose = () => new Promise((resolve) => setTimeout(resolve, 100));

  /** Whatever the failure, the previous file stays and no temporary file (or link) is left. */
  async function expectUntouched(file: string): Promise<void> {
    expect(await readFile(file, 'utf8')).toBe('previous');
    expect(await readdir(path.dirname(file))).toEqual(['out.csv']);
  }

  it('createAtomicWriteStream: a write fails naming the file, and abort() of the stream that closed itself returns', async () => {
    const file = await onFullDisk('stream-full');
    const out = await createAtomicWriteStream(file);
    await expect(out.writeThrough(Buffer.from('row\n'))).rejects.toThrow(diskFull(file));
    await expect(out.write('row\n')).rejects.toThrow(diskFull(file));
    // The failed stream closes itself (by now): abort() must not wait for a 'close' that has been.
    await afterClose();
    await out.abort();
    await expectUntouched(file);
  }, 5_000);

  it('createAtomicWriteStream: a write waiting for the disk (backpressure) fails naming the file', async () => {
    const file = await onFullDisk('stream-backpressure');
    const out = await createAtomicWriteStream(file);
    await expect(out.write(new Uint8Array(1 << 20))).rejects.toThrow(diskFull(file));
    await expect(out.close()).rejects.toThrow(diskFull(file));
    await out.abort();
    await expectUntouched(file);
  }, 5_000);

  it('createAtomicWriteStream: close() fails naming the file when the last bytes find the disk full', async () => {
    const file = await onFullDisk('stream-close');
    const out = await createAtomicWriteStream(file);
    await out.write('row\n');
    await expect(out.commit()).rejects.toThrow(diskFull(file));
    await out.abort();
    await expectUntouched(file);
  }, 5_000);

  it('Staging: a staged stream that fails makes commit() fail naming the file, and abort() returns', async () => {
    const file = await onFullDisk('staging-stream');
    const staging = new Staging(path.join(path.dirname(file), 'publish-journal.json'));
    staging.writeInBackground(file, async (out) => {
      // Batches of rows, as the master CSV's: more than the stream buffers.
      for (let i = 0; i < 100; i++) await out.write('row\n'.repeat(1 << 14));
    });
    await expect(staging.commit()).rejects.toThrow(diskFull(file));
    await afterClose();
    await staging.abort();
    await expectUntouched(file);
  }, 5_000);

  it('Staging: a file whose flush to disk fails makes commit() fail naming it', async () => {
    const file = await onFullDisk('staging-sync');
    const staging = new Staging(path.join(path.dirname(file), 'publish-journal.json'));
    // Nothing to write, so only the flush reaches /dev/full, which cannot flush.
    await (await staging.createWriteStream(file)).close();
    await expect(staging.commit()).rejects.toThrow(
      `${tempPathFor(file)} could not be written (EINVAL: invalid argument, fsync)`,
    );
    await staging.abort();
    await expectUntouched(file);
  }, 5_000);

  it('Staging.writeFile and writeFileAtomic fail naming the file', async () => {
    const file = await onFullDisk('staging-file');
    const staging = new Staging(path.join(path.dirname(file), 'publish-journal.json'));
    await expect(staging.writeFile(file, 'next')).rejects.toThrow(diskFull(file));
    await staging.abort();
    await expectUntouched(file);
    await symlink('/dev/full', tempPathFor(file));
    await expect(writeFileAtomic(file, 'next')).rejects.toThrow(diskFull(file));
    await expectUntouched(file);
  }, 5_000);
});

describe('recoverInterruptedPublish(journal)', () => {
  it('makes the renames a killed run left, then deletes the journal', async () => {
    const dir = path.join(tmp, 'recover');
    const staging = new Staging(path.join(dir, 'publish-journal.json'));
    await staging.writeFile(path.join(dir, 'a.json'), 'A');
    const renames = staging.paths.map((to) => ({ from: tempPathFor(to), to }));
    await writeLeftJournal(staging.journal, { renames });
    expect(await recoverInterruptedPublish(staging.journal)).toEqual(staging.paths);
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('makes the removals a killed run left after its renames', async () => {
    const dir = path.join(tmp, 'recover-removals');
    const old = path.join(dir, 'leeds-crimes-2017.csv.gz');
    await writeFileAtomic(old, 'a year no longer in the data');
    const staging = new Staging(path.join(dir, 'publish-journal.json'));
    await staging.writeFile(path.join(dir, 'a.json'), 'A');
    const [to] = staging.paths as [string];
    await writeLeftJournal(staging.journal, {
      renames: [{ from: tempPathFor(to), to }],
      removals: [old],
    });
    expect(await recoverInterruptedPublish(staging.journal)).toEqual([to, old]);
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it.each([
    ['not JSON', '{"version": 1, "renames": [', (text: string) => jsonParseProblem(text)],
    [
      'JSON of another shape',
      JSON.stringify({ version: 1, startedAt: '', pid: 7, renames: [{ from: 'a' }] }),
      () => 'renames.0.to: ',
    ],
  ])(
    'says what is wrong with a journal that is %s, and keeps the journal',
    async (_what, text, problem) => {
      const dir = path.join(tmp, `recover-unreadable-${text.length}`);
      await mkdir(dir, { recursive: true });
      const journal = path.join(dir, 'publish-journal.json');
      await writeFile(journal, text);
      const error = (await recoverInterruptedPublish(journal).catch((e: unknown) => e)) as Error;
      expect(error.message).toContain(
        `${journal} is not a readable publish journal (${problem(text)}`,
      );
      expect(await readFile(journal, 'utf8')).toBe(text);
    },
  );

  it('refuses while the process that wrote the journal is still running, touching nothing', async () => {
    const dir = path.join(tmp, 'recover-live');
    const staging = new Staging(path.join(dir, 'publish-journal.json'));
    await staging.writeFile(path.join(dir, 'a.json'), 'A');
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    try {
      const renames = staging.paths.map((to) => ({ from: tempPathFor(to), to }));
      await writeFile(
        staging.journal,
        JSON.stringify({ version: 1, startedAt: '', pid: live.pid, renames }),
      );
      await expect(recoverInterruptedPublish(staging.journal)).rejects.toThrow(
        new RegExp(`process ${live.pid} is publishing these outputs now`),
      );
      expect((await readdir(dir)).sort()).toEqual(
        ['publish-journal.json', path.basename(tempPathFor(path.join(dir, 'a.json')))].sort(),
      );
    } finally {
      live.kill();
      await once(live, 'close');
    }
  });
});
