// When a staged output reaches the disk: its flush starts as soon as the file is complete
// (while the run goes on) and the flush before it has ended, every flush ends before the
// journal is written, and a flush that fails stops the publish with the outputs as they were. The flushes are seen through
// node:fs/promises `open`, wrapped to record each file handle's sync().
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

/** What happened, in order: "sync-start <file>", "sync-end <file>", "open-w <file>". */
const events: string[] = [];
/** Files whose sync() fails (as on a disk error). */
const failing = new Set<string>();

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const open: typeof fs.open = async (file, flags, mode) => {
    const handle = await fs.open(file, flags, mode);
    const name = path.basename(String(file));
    if (flags === 'w') events.push(`open-w ${name}`);
    const sync = handle.sync.bind(handle);
    handle.sync = async () => {
      events.push(`sync-start ${name}`);
      // Slow enough that a flush left running would show up after the journal.
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (failing.has(name))
        throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
      await sync();
      events.push(`sync-end ${name}`);
    };
    return handle;
  };
  return { ...fs, open, default: { ...fs, open } };
});

const { Staging } = await import('../../pipeline/write.ts');

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'write-sync-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});
beforeEach(() => {
  events.length = 0;
  failing.clear();
});

const tmpName = (file: string) => `${file}.tmp-${process.pid}`;

describe('Staging flushes', () => {
  it('start when a staged file is complete, before commit() is called', async () => {
    const dir = path.join(tmp, 'early');
    const staging = new Staging(path.join(dir, 'publish-journal.json'));
    const stream = await staging.createWriteStream(path.join(dir, 'big.csv'));
    await stream.write('rows\n');
    await stream.close();
    await staging.writeFile(path.join(dir, 'small.json'), '{}');
    // Each flush starts once its file's handle opens (asynchronously), with no commit() yet.
    await vi.waitFor(() =>
      expect(events.filter((e) => e.startsWith('sync-start'))).toEqual([
        `sync-start ${tmpName('big.csv')}`,
        `sync-start ${tmpName('small.json')}`,
      ]),
    );
    await staging.commit();
  });

  it('run one at a time, in the order the files were completed, going on past one that fails', async () => {
    const dir = path.join(tmp, 'one-at-a-time');
    const staging = new Staging(path.join(dir, 'publish-journal.json'));
    const names = ['first.csv', 'second.json', 'third.json', 'fourth.csv'];
    failing.add(tmpName('second.json'));
    for (const name of names) {
      if (name.endsWith('.json')) {
        await staging.writeFile(path.join(dir, name), '{}');
      } else {
        const stream = await staging.createWriteStream(path.join(dir, name));
        await stream.write(`${name}\n`);
        await stream.close();
      }
    }
    await vi.waitFor(() => expect(events).toContain(`sync-end ${tmpName('fourth.csv')}`));
    // Each flush ends (second.json's by failing, with no end) before the next one starts.
    expect(events.filter((e) => e.startsWith('sync-'))).toEqual([
      `sync-start ${tmpName('first.csv')}`,
      `sync-end ${tmpName('first.csv')}`,
      `sync-start ${tmpName('second.json')}`,
      `sync-start ${tmpName('third.json')}`,
      `sync-end ${tmpName('third.json')}`,
      `sync-start ${tmpName('fourth.csv')}`,
      `sync-end ${tmpName('fourth.csv')}`,
    ]);
    await expect(staging.commit()).rejects.toThrow(/EIO/);
    await staging.abort();
    expect(await readdir(dir)).toEqual([]);
  });

  it('all end before the journal is written, and each file is flushed once', async () => {
    const dir = path.join(tmp, 'order');
    const staging = new Staging(path.join(dir, 'publish-journal.json'));
    const names = ['a.csv', 'b.csv', 'c.json'];
    for (const name of names.slice(0, 2)) {
      const stream = await staging.createWriteStream(path.join(dir, name));
      await stream.write(`${name}\n`);
      if (name === 'a.csv') await stream.close(); // b.csv is left for commit() to close
    }
    await staging.writeFile(path.join(dir, 'c.json'), '{}');
    await staging.commit();
    const journal = events.indexOf(`open-w ${tmpName('publish-journal.json')}`);
    expect(journal).toBeGreaterThan(0);
    for (const name of names) {
      const ends = events.flatMap((e, i) => (e === `sync-end ${tmpName(name)}` ? [i] : []));
      expect(ends, name).toHaveLength(1);
      expect(ends[0]!, name).toBeLessThan(journal);
    }
    expect((await readdir(dir)).sort()).toEqual(names);
  });

  it('that fail stop the publish, leave the outputs as they were, and are reported', async () => {
    const dir = path.join(tmp, 'failing');
    const journalFile = path.join(dir, 'publish-journal.json');
    const first = new Staging(journalFile);
    await first.writeFile(path.join(dir, 'out.csv'), 'old\n');
    await first.commit();
    const staging = new Staging(journalFile);
    failing.add(tmpName('out.csv'));
    const stream = await staging.createWriteStream(path.join(dir, 'out.csv'));
    await stream.write('new\n');
    await stream.close();
    // Failed in the background before commit(): no unhandled rejection, the error comes here.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(staging.commit()).rejects.toThrow(/EIO/);
    await staging.abort();
    expect(await readFile(path.join(dir, 'out.csv'), 'utf8')).toBe('old\n');
    expect(await readdir(dir)).toEqual(['out.csv']);
  });
});
