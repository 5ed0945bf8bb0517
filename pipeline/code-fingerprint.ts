// What a cache's entries depend on in code: the modules that compute them. A cache key
// hashes the source of every module an entry module imports, directly or not, so a change
// to any of them (normalising, locating, a shared constant) can never serve stale entries,
// while a change elsewhere (the site, the map encoder, the CLI) keeps the cache.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, against which module paths are given. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Relative module specifiers a module loads at run time: `import ... from`, `export ... from`,
 * bare `import '...'` and `import('...')`. Type-only imports are left out: they are erased
 * before the code runs. Packages (bare specifiers) are pinned by package-lock.json instead.
 */
const IMPORT =
  /(?:^|[;\s])(?:import|export)\s+(?!type[\s{])(?:[^'";]*?\sfrom\s*)?['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** Every module reached from `entries` by run-time relative imports, as sorted root-relative paths. */
export function importGraph(entries: readonly string[], root = REPOSITORY_ROOT): string[] {
  const seen = new Set<string>();
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
      pending.push(path.resolve(path.dirname(file), (match[1] ?? match[2])!));
    }
  }
  return [...seen].map((file) => path.relative(root, file).split(path.sep).join('/')).sort();
}

const memo = new Map<string, string>();

/** sha256 over the paths and contents of importGraph(entries), memoised per entry list. */
export function codeFingerprint(entries: readonly string[], root = REPOSITORY_ROOT): string {
  const memoKey = JSON.stringify([root, entries]);
  const known = memo.get(memoKey);
  if (known !== undefined) return known;
  const hash = createHash('sha256');
  for (const file of importGraph(entries, root)) {
    hash.update(`${file}\0`).update(readFileSync(path.join(root, file)));
  }
  const fingerprint = hash.digest('hex');
  memo.set(memoKey, fingerprint);
  return fingerprint;
}
