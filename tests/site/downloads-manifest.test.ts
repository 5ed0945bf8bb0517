// The committed downloads agree with each other and with the site data: the manifest's
// sizes, checksums and row counts are those of the files in public/downloads, and the files
// cover exactly the months the site shows (a refresh that published new site data without
// its downloads would fail here).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { MASTER_COLUMNS } from '../../src/shared/constants.ts';
import { downloadsManifestSchema } from '../../src/shared/open-data.ts';
import { siteDataSchema } from '../../src/shared/schema.ts';

const manifest = downloadsManifestSchema.parse(
  JSON.parse(readFileSync('src/data/downloads.json', 'utf8')),
);
const siteData = siteDataSchema.parse(JSON.parse(readFileSync('src/data/site-data.json', 'utf8')));

describe('the committed downloads (public/downloads, src/data/downloads.json)', () => {
  it('cover exactly the months of the site data, each in the file of its year', () => {
    expect(manifest.files.flatMap((f) => f.months)).toEqual(siteData.months);
    for (const f of manifest.files) {
      for (const m of f.months) expect(m.startsWith(`${f.year}-`)).toBe(true);
    }
  });

  it('are the files the manifest describes: size, SHA-256, columns and rows per month', () => {
    for (const f of manifest.files) {
      const bytes = readFileSync(`public/downloads/${f.file}`);
      expect(bytes.length, f.file).toBe(f.bytes);
      expect(createHash('sha256').update(bytes).digest('hex'), f.file).toBe(f.sha256);
      const [header, ...rows] = parse(gunzipSync(bytes)) as string[][];
      expect(header).toEqual([...MASTER_COLUMNS]);
      expect(rows).toHaveLength(f.rows);
      for (const month of f.months) {
        const shown = siteData.provenance.find((p) => p.month === month)?.rows;
        expect(rows.filter((r) => r[1] === month).length, month).toBe(shown);
      }
    }
  });
});
