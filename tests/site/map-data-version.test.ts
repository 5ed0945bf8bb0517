// The map page asks for its data files at addresses whose query string (?v=) changes whenever
// the file does, so a browser never uses a cached old file with a new page. Two builds of the
// committed Leeds outputs, the second with map data written again as a refresh that fetched
// nothing new writes it (its pipeline changed: the same site data generatedAt): the map data's
// address must differ between them, and the files that did not change keep theirs.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../support/astro-build.ts';

const FILES = ['map-data.bin.gz', 'wards.geojson', 'postcodes.json'] as const;

let scratch: string;
/** Each build's map page. */
const maps: { before: string; after: string } = { before: '', after: '' };

/** A --out folder holding the committed Leeds outputs. */
async function committedOutputs(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const file of ['site-data.json', 'downloads.json', 'changes.json']) {
    await cp(path.join('src', 'data', file), path.join(dir, file));
  }
  for (const file of FILES) await cp(path.join('public', 'data', file), path.join(dir, file));
  await cp(path.join('public', 'downloads'), path.join(dir, 'downloads'), { recursive: true });
}

async function buildMap(data: string, name: string): Promise<string> {
  const site = path.join(scratch, name);
  await buildSite({ outDir: site, env: { AREA: 'leeds', AREA_DATA_DIR: data } });
  return readFile(path.join(site, 'index.html'), 'utf8');
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'map-data-version-'));
  const before = path.join(scratch, 'before');
  const after = path.join(scratch, 'after');
  await committedOutputs(before);
  await committedOutputs(after);
  // The same map data compressed otherwise: another file, as any change to it makes.
  const file = path.join(after, 'map-data.bin.gz');
  const bytes = gzipSync(gunzipSync(await readFile(file)), { level: 1 });
  expect(bytes.equals(await readFile(path.join(before, 'map-data.bin.gz')))).toBe(false);
  await writeFile(file, bytes);
  maps.before = await buildMap(before, 'site-before');
  maps.after = await buildMap(after, 'site-after');
}, 600_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** The addresses the map page preloads and gives the island for `file`, each once. */
function addressesOf(html: string, file: string): string[] {
  const pattern = new RegExp(`/data/${file.replaceAll('.', '\\.')}\\?v=[^"&]+`, 'g');
  return [...new Set(html.replaceAll('&quot;', '"').match(pattern) ?? [])];
}

describe('the map page built from the same site data with other map data', () => {
  it('asks for the map data at another address', () => {
    const before = addressesOf(maps.before, 'map-data.bin.gz');
    const after = addressesOf(maps.after, 'map-data.bin.gz');
    // One address in each page, used by the preload and the island alike.
    expect(before).toHaveLength(1);
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before[0]);
  });

  it('keeps the addresses of the files that did not change', () => {
    for (const file of ['wards.geojson', 'postcodes.json']) {
      const before = addressesOf(maps.before, file);
      expect(before, file).toHaveLength(1);
      expect(addressesOf(maps.after, file), file).toEqual(before);
    }
  });
});
