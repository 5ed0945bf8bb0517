import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ArchiveEntry } from '../../pipeline/archive.ts';
import { readEachOnce, readOrder } from '../../pipeline/read-once.ts';

/** A file of one column "n" holding `rows`, counting its opens. */
function file(where: string, rows: string[], opens: Map<string, number>): ArchiveEntry {
  return {
    where,
    input: 'input',
    snapshot: 'archive:2024-03',
    month: '2024-03',
    force: where,
    kind: 'street',
    size: 0,
    fingerprint: where,
    modifiedAt: new Date(0),
    open: () => {
      opens.set(where, (opens.get(where) ?? 0) + 1);
      return Promise.resolve(Readable.from(`n\n${rows.join('\n')}\n`));
    },
  };
}

describe('readEachOnce(lists, columns, row)', () => {
  it("opens each file once and gives each reader its own files' rows in its own order", async () => {
    const opens = new Map<string, number>();
    const wy = file('west-yorkshire', ['w1', 'w2'], opens);
    const sy = file('south-yorkshire', ['s1'], opens);
    const btp = file('btp', ['b1', 'b2'], opens);
    const seen: string[][] = [[], []];
    await readEachOnce(
      [
        [wy, btp],
        [sy, btp],
      ],
      ['n'],
      (readers, _entry, { values }) => {
        for (const i of readers) seen[i]!.push(values['n']!);
      },
    );
    expect(seen).toEqual([
      ['w1', 'w2', 'b1', 'b2'],
      ['s1', 'b1', 'b2'],
    ]);
    expect(Object.fromEntries(opens)).toEqual({
      'west-yorkshire': 1,
      'south-yorkshire': 1,
      btp: 1,
    });
  });
});

describe('readEachOnce: one file reached by two paths', () => {
  /** `where`, but the file on disk `identity` (a hard link to it: same size and mtime). */
  const linked = (
    where: string,
    identity: string,
    rows: string[],
    opens: Map<string, number>,
    fingerprint = 'size:12,mtime:1',
  ) => ({ ...file(where, rows, opens), identity, fingerprint });

  it("reads a file two readers reach by their own paths once, each row named by the reader's own path", async () => {
    const opens = new Map<string, number>();
    const leeds = linked('leeds/cache/btp.csv', 'file:1:42', ['b1', 'b2'], opens);
    const sheffield = linked('sheffield/cache/btp.csv', 'file:1:42', ['b1', 'b2'], opens);
    const seen: string[][] = [[], []];
    await readEachOnce([[leeds], [sheffield]], ['n'], (readers, entries, { line, values }) => {
      for (const i of readers) seen[i]!.push(`${entries[i]!.where}:${line} ${values['n']}`);
    });
    expect(seen).toEqual([
      ['leeds/cache/btp.csv:2 b1', 'leeds/cache/btp.csv:3 b2'],
      ['sheffield/cache/btp.csv:2 b1', 'sheffield/cache/btp.csv:3 b2'],
    ]);
    expect([...opens.values()].reduce((a, b) => a + b)).toBe(1);
  });

  it('reads two files that a file system numbers alike but that differ in size or time as two', async () => {
    const opens = new Map<string, number>();
    const leeds = linked('leeds/btp.csv', 'file:0:0', ['b1'], opens, 'size:3,mtime:1');
    const sheffield = linked('sheffield/btp.csv', 'file:0:0', ['x1'], opens, 'size:3,mtime:2');
    const seen: string[][] = [[], []];
    await readEachOnce([[leeds], [sheffield]], ['n'], (readers, _entries, { values }) => {
      for (const i of readers) seen[i]!.push(values['n']!);
    });
    expect(seen).toEqual([['b1'], ['x1']]);
    expect(Object.fromEntries(opens)).toEqual({ 'leeds/btp.csv': 1, 'sheffield/btp.csv': 1 });
  });

  it('reads both paths of a reader that lists one file twice, as it would alone', async () => {
    const opens = new Map<string, number>();
    const first = linked('a/btp.csv', 'file:1:42', ['b1'], opens);
    const second = linked('b/btp.csv', 'file:1:42', ['b1'], opens);
    const seen: string[] = [];
    await readEachOnce([[first, second]], ['n'], (readers, entries, { values }) => {
      for (const i of readers) seen.push(`${entries[i]!.where} ${values['n']}`);
    });
    expect(seen).toEqual(['a/btp.csv b1', 'b/btp.csv b1']);
    expect(Object.fromEntries(opens)).toEqual({ 'a/btp.csv': 1, 'b/btp.csv': 1 });
  });
});

describe('readOrder(lists)', () => {
  it('keeps the order of every list', () => {
    const opens = new Map<string, number>();
    const [a, b, c] = ['a', 'b', 'c'].map((where) => file(where, [], opens)) as [
      ArchiveEntry,
      ArchiveEntry,
      ArchiveEntry,
    ];
    expect(
      readOrder([
        [a, c],
        [b, c],
        [a, b],
      ]).map((e) => e.where),
    ).toEqual(['a', 'b', 'c']);
  });

  it('throws when two lists read the same files in different orders', () => {
    const opens = new Map<string, number>();
    const [a, b] = ['a', 'b'].map((where) => file(where, [], opens)) as [
      ArchiveEntry,
      ArchiveEntry,
    ];
    expect(() =>
      readOrder([
        [a, b],
        [b, a],
      ]),
    ).toThrow('in different orders');
  });
});
