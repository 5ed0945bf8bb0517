// A build of one area in a scratch working folder, for tests of the build's own modules, which
// read the area's files from the working folder as a build run from the repository root does.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, vi } from 'vitest';

/** A path of the repository, or [its path in the repository, its path in the scratch folder]. */
export type Copy = string | readonly [string, string];

/**
 * Registers, for the calling test file, a scratch folder made before each test and removed
 * after, the working folder and environment put back. Returns how to work in it as a build
 * for `area`: holding its area.json and `copies`, with AREA set and modules loaded afresh.
 */
export function scratchBuild(prefix: string) {
  const repository = process.cwd();
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), prefix));
  });
  afterEach(async () => {
    process.chdir(repository);
    vi.unstubAllEnvs();
    vi.resetModules();
    await rm(dir, { recursive: true, force: true });
  });
  return async (area: string, copies: readonly Copy[] = []): Promise<void> => {
    for (const copy of [path.join('data', 'areas', area, 'area.json'), ...copies]) {
      const [from, to] = typeof copy === 'string' ? [copy, copy] : copy;
      await cp(from, path.join(dir, to), { recursive: true });
    }
    process.chdir(dir);
    vi.stubEnv('AREA', area);
    vi.resetModules();
  };
}
