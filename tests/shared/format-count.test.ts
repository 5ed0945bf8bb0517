// formatCount: the one way counts are printed, on the pages, in the map island, in the
// published data's descriptions and in the pipeline's reports.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatCount } from '../../src/shared/format-count.ts';

/** Every source file under `dir`, as a path from the repository's root. */
async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.(ts|tsx|astro|mjs)$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

describe('formatCount', () => {
  it('formatCount(n) groups thousands with commas, as British English writes them', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(26721)).toBe('26,721');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(-4200)).toBe('-4,200');
  });

  it('is the only count formatter in src/, pipeline/ and bench/', async () => {
    const files = (
      await Promise.all(['src', 'pipeline', 'bench'].map((dir) => sourceFiles(dir)))
    ).flat();
    const ownFormatters: string[] = [];
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      // A count formatted in place: toLocaleString, or an Intl.NumberFormat with no options.
      if (/\.toLocaleString\(|new Intl\.NumberFormat\('en-GB'\)/.test(text))
        ownFormatters.push(file);
    }
    expect(ownFormatters).toEqual([path.join('src', 'shared', 'format-count.ts')]);
  });
});
