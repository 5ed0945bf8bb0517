// What a cache's entries depend on in code: the modules that compute them and the packages
// they run. A cache key hashes the source of every module an entry module imports, directly
// or not, and the version package-lock.json pins for every package those modules import
// (with the packages it needs in turn), so a change to any of them (normalising, locating, a
// shared constant, a CSV parser upgraded) can never serve stale entries, while a change
// elsewhere (the site, the map encoder, the CLI, a test tool upgraded) keeps the cache.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, against which module paths are given. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Module specifiers a module loads at run time: `import ... from`, `export ... from`, bare
 * `import '...'` and `import('...')`. Type-only imports are left out: they are erased before
 * the code runs. Relative ones are modules of the repository; the rest are packages or
 * Node's own modules.
 */
const IMPORT =
  /(?:^|[;\s])(?:import|export)\s+(?!type[\s{])(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

const isRelative = (specifier: string): boolean => /^\.{1,2}\//.test(specifier);

/** The package a bare specifier names: `csv-parse/sync` is csv-parse, `@turf/turf/x` @turf/turf. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

interface Imports {
  /** Modules of the repository, as sorted root-relative paths. */
  modules: string[];
  /** Packages those modules import (not Node's own modules), sorted. */
  packages: string[];
}

/** What `entries` load at run time, directly or through the repository's modules they import. */
function imports(entries: readonly string[], root: string): Imports {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const pending = entries.map((entry) => path.resolve(root, entry));
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch (cause) {
      throw new Error(`${path.relative(root, file)} is imported but cannot be read`, { cause });
    }
    for (const match of source.matchAll(IMPORT)) {
      const specifier = (match[1] ?? match[2])!;
      if (isRelative(specifier)) pending.push(path.resolve(path.dirname(file), specifier));
      else if (!isBuiltin(specifier)) packages.add(packageName(specifier));
    }
  }
  const modules = [...seen].map((file) => path.relative(root, file).split(path.sep).join('/'));
  return { modules: modules.sort(), packages: [...packages].sort() };
}

/** Every module reached from `entries` by run-time relative imports, as sorted root-relative paths. */
export function importGraph(entries: readonly string[], root = REPOSITORY_ROOT): string[] {
  return imports(entries, root).modules;
}

/** The packages `entries` import at run time, directly or through the repository's modules. */
export function importedPackages(entries: readonly string[], root = REPOSITORY_ROOT): string[] {
  return imports(entries, root).packages;
}

interface LockedPackage {
  version?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  /** Packages it loads that the installer puts beside it (npm 7 and later install them). */
  peerDependencies?: Record<string, string>;
}

/** package-lock.json's packages by their place in node_modules, read once per root. */
const lockFiles = new Map<string, Record<string, LockedPackage>>();
function lockedEntries(root: string): Record<string, LockedPackage> {
  const known = lockFiles.get(root);
  if (known !== undefined) return known;
  const lockFile = path.join(root, 'package-lock.json');
  let lock: { lockfileVersion?: unknown; packages?: unknown } | null;
  try {
    lock = JSON.parse(readFileSync(lockFile, 'utf8')) as typeof lock;
  } catch (cause) {
    throw new Error(
      `${lockFile} cannot be read, and the cache keys name the package versions it pins: ` +
        'run npm install to write it',
      { cause },
    );
  }
  // Without its packages (a lock file of npm 6 or older lists them otherwise), every package
  // would read as not in the lock file, and an upgrade would keep every cache.
  if (typeof lock?.packages !== 'object' || lock.packages === null) {
    throw new Error(
      `${lockFile} has no "packages" (lockfileVersion ${JSON.stringify(lock?.lockfileVersion)}), ` +
        'and the cache keys name the package versions it pins there: run npm install with ' +
        'npm 7 or later to write it',
    );
  }
  const locked = lock.packages as Record<string, LockedPackage>;
  lockFiles.set(root, locked);
  return locked;
}

/**
 * What package-lock.json pins for `packages` and every package they need in turn: each as
 * `<its place in node_modules> <version> <integrity>`, sorted. A dependency is found as Node
 * finds it, in the nearest node_modules folder up from the package that needs it.
 */
export function lockedPackages(packages: readonly string[], root = REPOSITORY_ROOT): string[] {
  if (packages.length === 0) return [];
  const locked = lockedEntries(root);
  /** Where Node finds `name` for the package at `from` ('' for the repository itself). */
  const resolve = (name: string, from: string): string | undefined => {
    for (let dir = from; ;) {
      const place = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
      if (locked[place] !== undefined) return place;
      if (dir === '') return undefined;
      // Up one node_modules level; a package outside node_modules (a workspace) looks at the root.
      const up = dir.replace(/\/?node_modules\/(@[^/]+\/)?[^/]+$/, '');
      dir = up === dir ? '' : up;
    }
  };
  const found = new Set<string>();
  // A name the lock file does not list cannot be loaded, so it is no import (text in a comment
  // or a string that reads like one): named as such, it keeps the key the same from run to run.
  const unlisted = packages.filter((name) => resolve(name, '') === undefined);
  const pending = packages.flatMap((name) => resolve(name, '') ?? []);
  while (pending.length > 0) {
    const place = pending.pop()!;
    if (found.has(place)) continue;
    found.add(place);
    const entry = locked[place]!;
    const needs = {
      ...entry.peerDependencies,
      ...entry.optionalDependencies,
      ...entry.dependencies,
    };
    for (const name of Object.keys(needs)) {
      // An optional dependency not installed on this platform, or an optional peer dependency
      // nothing installed, is not in the lock file.
      const dependency = resolve(name, place);
      if (dependency !== undefined) pending.push(dependency);
    }
  }
  return [
    ...[...found]
      .sort()
      .map((place) => `${place} ${locked[place]!.version ?? ''} ${locked[place]!.integrity ?? ''}`),
    ...unlisted.map((name) => `${name} (not in the lock file)`),
  ];
}

const memo = new Map<string, string>();

/**
 * sha256 over the paths and contents of the modules `entries` load and the versions of the
 * packages they run (lockedPackages), memoised per entry list.
 */
export function codeFingerprint(entries: readonly string[], root = REPOSITORY_ROOT): string {
  const memoKey = JSON.stringify([root, entries]);
  const known = memo.get(memoKey);
  if (known !== undefined) return known;
  const hash = createHash('sha256');
  const { modules, packages } = imports(entries, root);
  for (const file of modules) {
    hash.update(`${file}\0`).update(readFileSync(path.join(root, file)));
  }
  for (const line of lockedPackages(packages, root)) hash.update(`${line}\0`);
  const fingerprint = hash.digest('hex');
  memo.set(memoKey, fingerprint);
  return fingerprint;
}
