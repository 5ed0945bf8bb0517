// README.txt beside the yearly files says which months each file holds: a year's file with
// some months of data is not that year's crimes, and the months it lacks are gaps.
import { describe, expect, it } from 'vitest';
import { downloadsReadme, LEEDS_NAMING } from '../../pipeline/downloads.ts';
import type { DownloadsManifest } from '../../src/shared/open-data.ts';

const manifest: DownloadsManifest = {
  schemaVersion: 1,
  folder: 'downloads',
  columns: [],
  files: [
    {
      year: 2024,
      file: 'leeds-crimes-2024.csv.gz',
      rows: 26721,
      months: ['2024-02', '2024-03', '2024-12'],
      contentSha256: 'c'.repeat(64),
      bytes: 1328927,
      sha256: 'a'.repeat(64),
    },
  ],
};

describe('downloadsReadme(manifest, naming)', () => {
  it('lists the months each file holds, and says a month not listed is a gap', () => {
    const readme = downloadsReadme(manifest, LEEDS_NAMING);
    expect(readme).toContain(
      `  leeds-crimes-2024.csv.gz  months 2024-02, 2024-03, 2024-12  26721 rows  1328927 bytes  ${'a'.repeat(64)}`,
    );
    expect(readme).toMatch(/not listed has no data: it is a gap, not a month without crimes/);
  });
});
