// The build serves the pipeline's downloads and map data beside the site data; each says which
// months it holds (the manifest's files, the map data's header). Of another run than the site
// data (restored from an older commit with their own files, or copied from another folder), the
// Data page would offer records of other months and the map other figures than the pages: the
// build stops, naming the file, the months that differ and what to do. On the committed Leeds
// outputs, with one of them from another run each time.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadsManifestSchema } from '../../src/shared/open-data.ts';
import { buildSite } from '../support/astro-build.ts';
import { committedOutputs } from '../support/committed-outputs.ts';

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'outputs-of-another-run-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** The build's failure on `data`, or '' when it builds. */
async function buildFailure(data: string): Promise<string> {
  try {
    await buildSite({
      outDir: path.join(scratch, `site-${path.basename(data)}`),
      env: { AREA: 'leeds', AREA_DATA_DIR: data },
    });
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('a build whose outputs are not all of one run', () => {
  it('stops on downloads of a run without the first year, agreeing among themselves', async () => {
    const data = path.join(scratch, 'downloads');
    await committedOutputs(data);
    const manifest = downloadsManifestSchema.parse(
      JSON.parse(await readFile(path.join(data, 'downloads.json'), 'utf8')),
    );
    const [dropped, ...kept] = manifest.files;
    // The yearly files, their manifest and README.txt as a run without that year writes them.
    await rm(path.join(data, 'downloads', dropped!.file));
    await writeFile(
      path.join(data, 'downloads.json'),
      JSON.stringify({ ...manifest, files: kept }),
    );
    const readme = path.join(data, 'downloads', 'README.txt');
    const text = await readFile(readme, 'utf8');
    await writeFile(
      readme,
      text
        .split('\n')
        .filter((line) => !line.includes(dropped!.sha256))
        .join('\n'),
    );
    const message = await buildFailure(data);
    expect(message).toContain(
      `The downloads manifest ${path.join(data, 'downloads.json')} lacks ${dropped!.months.join(', ')}: ` +
        `it is not of the run that made the site data ${path.join(data, 'site-data.json')}.`,
    );
    // The build reads an AREA_DATA_DIR folder: the command makes the outputs again there.
    expect(message).toContain(
      `Run \`npm run pipeline -- --offline --out ${data}\` to make it again in the folder ` +
        'AREA_DATA_DIR names.',
    );
  }, 300_000);

  it("stops on map data of another district's run, whose months are not the site data's", async () => {
    const data = path.join(scratch, 'map');
    await committedOutputs(data);
    const other = path.join('data', 'areas', 'sheffield', 'output', 'map-data.bin.gz');
    await cp(other, path.join(data, 'map-data.bin.gz'));
    const message = await buildFailure(data);
    expect(message).toMatch(
      new RegExp(
        `The map data ${path.join(data, 'map-data.bin.gz').replaceAll(/[.\\/]/g, '\\$&')} ` +
          '(lacks|holds) .*: it is not of the run that made the site data',
      ),
    );
  }, 300_000);

  it('stops on map data of format version 1, which carries no licence or attribution', async () => {
    const data = path.join(scratch, 'map-version-1');
    await committedOutputs(data);
    const file = path.join(data, 'map-data.bin.gz');
    // The committed file as the format's version 1 laid it out: no licence, no attribution.
    const bytes = gunzipSync(await readFile(file));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerEnd = 12 + view.getUint32(8, true);
    const {
      licence: _l,
      attribution: _a,
      ...header
    } = JSON.parse(bytes.subarray(12, headerEnd).toString('utf8')) as Record<string, unknown>;
    const json = Buffer.from(JSON.stringify(header));
    const preamble = Buffer.alloc(12);
    preamble.write('LCMD', 0, 'latin1');
    preamble.writeUInt32LE(1, 4);
    preamble.writeUInt32LE(json.length, 8);
    await writeFile(file, gzipSync(Buffer.concat([preamble, json, bytes.subarray(headerEnd)])));
    const message = await buildFailure(data);
    expect(message).toContain(
      'Map data is not readable: format version 1, this site reads version 2; rebuild the map ' +
        `data with the pipeline (${file}).`,
    );
    expect(message).toContain(`Run \`npm run pipeline -- --offline --out ${data}\``);
  }, 300_000);

  it('builds from the outputs of one run', async () => {
    const data = path.join(scratch, 'committed');
    await committedOutputs(data);
    expect(await buildFailure(data)).toBe('');
  }, 300_000);
});
