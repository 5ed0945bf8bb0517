import { cp, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeFingerprint, importGraph } from '../../pipeline/code-fingerprint.ts';
import { MONTH_STAGE_ENTRIES } from '../../pipeline/month-cache.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'code-fingerprint-'));
  await mkdir(path.join(root, 'pipeline'));
  await mkdir(path.join(root, 'src/shared'), { recursive: true });
  const files: Record<string, string> = {
    'pipeline/entry.ts': [
      "import { a } from './a.ts';",
      "import type { T } from './types-only.ts';",
      "import { type U, b } from './b.ts';",
      "export { c } from '../src/shared/c.ts';",
      "import 'node:fs';",
      'export const run = (t: T, u: U) => [a, b, t, u];',
    ].join('\n'),
    'pipeline/a.ts': "import { d } from './d.ts';\nexport const a = d;",
    'pipeline/b.ts': 'export type U = number;\nexport const b = 2;',
    'pipeline/d.ts': "export const d = await import('./lazy.ts');",
    'pipeline/lazy.ts': 'export const lazy = 1;',
    'pipeline/types-only.ts': 'export type T = string;',
    'pipeline/unrelated.ts': 'export const z = 0;',
    'src/shared/c.ts': 'export const c = 3;',
  };
  for (const [file, text] of Object.entries(files)) await writeFile(path.join(root, file), text);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('importGraph(entries, root)', () => {
  it('follows run-time imports, re-exports and import() transitively, not type-only imports', () => {
    expect(importGraph(['pipeline/entry.ts'], root)).toEqual([
      'pipeline/a.ts',
      'pipeline/b.ts',
      'pipeline/d.ts',
      'pipeline/entry.ts',
      'pipeline/lazy.ts',
      'src/shared/c.ts',
    ]);
  });

  it('names a module that is imported but missing', async () => {
    await rm(path.join(root, 'pipeline/lazy.ts'));
    expect(() => importGraph(['pipeline/entry.ts'], root)).toThrow(/pipeline\/lazy\.ts/);
  });
});

describe('codeFingerprint(entries, root)', () => {
  it('changes with any module in the graph, and only with those', async () => {
    const fingerprint = (): string => codeFingerprint(['pipeline/entry.ts'], root);
    const before = fingerprint();
    // Each variant is a copy of the root with one file edited (fingerprints are memoised per root).
    const copy = async (edit: (dir: string) => Promise<void>): Promise<string> => {
      const parent = await mkdtemp(path.join(tmpdir(), 'code-fingerprint-'));
      const other = path.join(parent, 'repo');
      try {
        await cp(root, other, { recursive: true });
        await edit(other);
        return codeFingerprint(['pipeline/entry.ts'], other);
      } finally {
        await rm(parent, { recursive: true, force: true });
      }
    };
    const touch = (file: string) => (dir: string) =>
      writeFile(path.join(dir, file), '\n// edited', { flag: 'a' });
    expect(await copy(async () => {})).toBe(before);
    expect(await copy(touch('pipeline/lazy.ts'))).not.toBe(before);
    expect(await copy(touch('src/shared/c.ts'))).not.toBe(before);
    expect(await copy(touch('pipeline/types-only.ts'))).toBe(before);
    expect(await copy(touch('pipeline/unrelated.ts'))).toBe(before);
  });
});

describe('MONTH_STAGE_ENTRIES', () => {
  it('cover every stage of a month and the shared code they use, but not the site or later steps', () => {
    const graph = importGraph(MONTH_STAGE_ENTRIES);
    for (const stage of [
      'pipeline/archive.ts',
      'pipeline/api-months.ts',
      'pipeline/normalise.ts',
      'pipeline/outcomes.ts',
      'pipeline/merge.ts',
      'pipeline/geo.ts',
      'pipeline/enrich.ts',
      'pipeline/summarise.ts',
      'src/shared/schema.ts',
      'src/shared/coordinates.ts',
    ]) {
      expect(graph).toContain(stage);
    }
    expect(graph.filter((file) => !/^(pipeline|src\/shared)\//.test(file))).toEqual([]);
    for (const later of ['pipeline/aggregate.ts', 'pipeline/map-data.ts', 'pipeline/cli.ts']) {
      expect(graph).not.toContain(later);
    }
  });
});
