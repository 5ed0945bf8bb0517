// Where the benchmark reads and writes, and the guard that keeps synthetic data out of the
// site's committed data.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Directories whose contents are committed data or sources: synthetic output never goes there. */
const PROTECTED_DIRS = ['src', 'public', 'data', 'pipeline', 'tests', '.github'];

/**
 * Resolve `dir` and throw if writing synthetic data there could reach the site or the
 * committed inputs (anything under src/, public/, data/, ...) or would replace the
 * repository itself.
 */
export function assertSafeOutputDir(dir: string, repoRoot: string = REPO_ROOT): string {
  const resolved = path.resolve(dir);
  const relative = path.relative(repoRoot, resolved);
  const insideRepo = !relative.startsWith('..') && !path.isAbsolute(relative);
  const top = relative.split(path.sep)[0] ?? '';
  if (insideRepo && (relative === '' || PROTECTED_DIRS.includes(top))) {
    throw new Error(
      `Refusing to write synthetic benchmark data to ${resolved}: it is inside the repository's ` +
        `${top === '' ? 'root' : `${top}/`} directory. Use bench/out/ or a temporary directory.`,
    );
  }
  if (!insideRepo && path.relative(resolved, repoRoot).split(path.sep)[0] !== '..') {
    throw new Error(
      `Refusing to write synthetic benchmark data to ${resolved}: it contains the repository.`,
    );
  }
  return resolved;
}
