// One wording, for the pipeline and the site build, of how to get a committed reference file back.
import { describe, expect, it } from 'vitest';
import { restoreFromRepository } from '../../src/shared/restore-file.ts';

describe('restoreFromRepository(source)', () => {
  it('gives the git command that restores the file, for a file of any folder', () => {
    for (const file of [
      'data/reference/wards.geojson',
      'data/areas/sheffield/lsoa21.geojson',
      '/home/someone/leeds/data/reference/postcodes-ls.csv',
    ]) {
      expect(restoreFromRepository(file)).toBe(
        `Restore it from the repository (\`git checkout -- ${file}\`)`,
      );
    }
  });

  it('leaves out the line of a source given as file:line, which git does not take', () => {
    expect(restoreFromRepository('data/reference/postcodes-ls.csv:12')).toBe(
      'Restore it from the repository (`git checkout -- data/reference/postcodes-ls.csv`)',
    );
    // A colon elsewhere in the name is the file's.
    expect(restoreFromRepository('C:/data/reference/wards.geojson')).toContain(
      'git checkout -- C:/data/reference/wards.geojson`',
    );
  });
});
