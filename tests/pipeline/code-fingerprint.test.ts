import { cp, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  codeFingerprint,
  importedPackages,
  importGraph,
  lockedPackages,
} from '../../pipeline/code-fingerprint.ts';
import { MONTH_STAGE_ENTRIES } from '../../pipeline/month-cache.ts';

/** A lock file as npm writes it: @turf/area needs @turf/helpers, which needs its own tslib. */
const LOCK = {
  lockfileVersion: 3,
  packages: {
    '': { dependencies: { 'csv-parse': '^6', '@turf/area': '^7', vitest: '^4' } },
    'node_modules/csv-parse': { version: '6.1.0', integrity: 'sha512-csv' },
    'node_modules/@turf/area': {
      version: '7.4.0',
      integrity: 'sha512-area',
      dependencies: { '@turf/helpers': '7.4.0', tslib: '^2' },
    },
    'node_modules/@turf/helpers': {
      version: '7.4.0',
      integrity: 'sha512-helpers',
      dependencies: { tslib: '^2.8' },
    },
    'node_modules/@turf/helpers/node_modules/tslib': { version: '2.8.1', integrity: 'sha512-t28' },
    'node_modules/tslib': { version: '2.6.0', integrity: 'sha512-t26' },
    'node_modules/vitest': { version: '4.0.0', integrity: 'sha512-vitest' },
  },
};

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
      "import { parse } from 'csv-parse/sync';",
      "import type { Feature } from 'geojson';",
      'export const run = (t: T, u: U) => [a, b, t, u, parse];',
    ].join('\n'),
    'pipeline/a.ts': "import { d } from './d.ts';\nexport const a = d;",
    'pipeline/b.ts': "import path from 'path';\nexport type U = number;\nexport const b = 2;",
    'pipeline/d.ts': "export const d = await import('./lazy.ts');",
    'pipeline/lazy.ts': 'export const lazy = 1;',
    'pipeline/types-only.ts': 'export type T = string;',
    'pipeline/unrelated.ts': 'export const z = 0;',
    'src/shared/c.ts': "import { area } from '@turf/area';\nexport const c = area;",
    // What the entry's packages need, and packages nothing imported needs.
    'package-lock.json': JSON.stringify(LOCK),
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

  it('names the packages the graph imports at run time, not Node modules or type-only imports', () => {
    expect(importedPackages(['pipeline/entry.ts'], root)).toEqual(['@turf/area', 'csv-parse']);
  });

  it('names a module that is imported but missing', async () => {
    await rm(path.join(root, 'pipeline/lazy.ts'));
    expect(() => importGraph(['pipeline/entry.ts'], root)).toThrow(/pipeline\/lazy\.ts/);
  });
});

describe('lockedPackages(packages, root)', () => {
  it('pins each package and every package it needs, found as Node finds them', () => {
    expect(lockedPackages(['@turf/area', 'csv-parse'], root)).toEqual([
      'node_modules/@turf/area 7.4.0 sha512-area',
      'node_modules/@turf/helpers 7.4.0 sha512-helpers',
      'node_modules/@turf/helpers/node_modules/tslib 2.8.1 sha512-t28',
      'node_modules/csv-parse 6.1.0 sha512-csv',
      'node_modules/tslib 2.6.0 sha512-t26',
    ]);
  });

  it('pins the peer dependencies a package loads, which npm installs beside it', async () => {
    // A parser that loads the geometry package it is given as a peer, and an optional peer
    // nothing installed.
    const lock = structuredClone(LOCK) as {
      packages: Record<string, Record<string, unknown>>;
    };
    lock.packages['node_modules/csv-parse'] = {
      ...lock.packages['node_modules/csv-parse'],
      peerDependencies: { 'geo-kernel': '^2', 'absent-peer': '^1' },
      peerDependenciesMeta: { 'absent-peer': { optional: true } },
    };
    lock.packages['node_modules/geo-kernel'] = {
      version: '2.3.0',
      integrity: 'sha512-kernel',
      peer: true,
    };
    await writeFile(path.join(root, 'package-lock.json'), JSON.stringify(lock));
    expect(lockedPackages(['csv-parse'], root)).toEqual([
      'node_modules/csv-parse 6.1.0 sha512-csv',
      'node_modules/geo-kernel 2.3.0 sha512-kernel',
    ]);
  });

  it('names a package the lock file does not list, rather than failing', () => {
    expect(lockedPackages(['not-installed'], root)).toEqual([
      'not-installed (not in the lock file)',
    ]);
  });

  it('says what to do when the lock file does not list its packages by place (npm 6 and older)', async () => {
    const npm6 = {
      lockfileVersion: 1,
      dependencies: { 'csv-parse': { version: '6.1.0', integrity: 'sha512-csv' } },
    };
    await writeFile(path.join(root, 'package-lock.json'), JSON.stringify(npm6));
    expect(() => lockedPackages(['csv-parse'], root)).toThrow(
      /package-lock\.json has no "packages" \(lockfileVersion 1\).*npm install with npm 7 or later/,
    );
  });

  it('says what to do when the lock file cannot be read', async () => {
    await rm(path.join(root, 'package-lock.json'));
    expect(() => lockedPackages(['csv-parse'], root)).toThrow(/package-lock\.json.*npm install/);
    expect(lockedPackages([], root)).toEqual([]);
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

  it('changes when the lock file pins another version of a package the graph runs, directly or not', async () => {
    const fingerprint = (): string => codeFingerprint(['pipeline/entry.ts'], root);
    const before = fingerprint();
    const withLock = async (edit: (lock: typeof LOCK) => void): Promise<string> => {
      const parent = await mkdtemp(path.join(tmpdir(), 'code-fingerprint-'));
      const other = path.join(parent, 'repo');
      try {
        await cp(root, other, { recursive: true });
        const lock = structuredClone(LOCK);
        edit(lock);
        await writeFile(path.join(other, 'package-lock.json'), JSON.stringify(lock));
        return codeFingerprint(['pipeline/entry.ts'], other);
      } finally {
        await rm(parent, { recursive: true, force: true });
      }
    };
    type Entry = { version: string; integrity: string };
    const bump = (place: keyof typeof LOCK.packages) => (lock: typeof LOCK) => {
      (lock.packages[place] as Entry).version = '9.9.9';
      (lock.packages[place] as Entry).integrity = 'sha512-other';
    };
    expect(await withLock(() => {})).toBe(before);
    expect(await withLock(bump('node_modules/csv-parse'))).not.toBe(before);
    expect(await withLock(bump('node_modules/@turf/helpers'))).not.toBe(before);
    expect(await withLock(bump('node_modules/@turf/helpers/node_modules/tslib'))).not.toBe(before);
    expect(await withLock(bump('node_modules/tslib'))).not.toBe(before);
    // A package the pipeline does not run (a test tool) keeps the caches.
    expect(await withLock(bump('node_modules/vitest'))).toBe(before);
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
