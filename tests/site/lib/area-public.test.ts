// The pipeline's files a build serves (the map's data and the downloads), from public/ for the
// default area or an area's data folder: one missing stops the build naming it and the
// command that makes it, not on a bare ENOENT (or, for the default area, not at all); and so
// does a downloads folder that does not hold the files its manifest lists, as it lists them.
import { createHash } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { downloadsManifestSchema, type DownloadsManifest } from '../../../src/shared/open-data.ts';
import { scratchBuild } from '../../support/scratch-build.ts';

const SERVED = ['map-data.bin.gz', 'wards.geojson', 'postcodes.json', 'downloads'];
const buildIn = scratchBuild('area-public-');

/**
 * src/lib/area-public.ts as a build for `area` loads it, working in a copy of the
 * repository's public/ and `area`'s area.json, with `dataDir` (if any) copied to data/out.
 */
async function publicFor(area: string, dataDir?: string) {
  await buildIn(area, [
    'public',
    ...(dataDir === undefined
      ? [path.join('src', 'data', 'downloads.json')]
      : [[dataDir, 'data/out'] as const]),
  ]);
  return import('../../../src/lib/area-public.ts');
}

describe('areaPublicDir(slug, dataDir)', () => {
  it.each(SERVED)(
    'fails naming %s when the data folder has none, and the command that makes it',
    async (name) => {
      const { areaPublicDir } = await publicFor('sheffield', 'data/areas/sheffield/output');
      await rm(path.join('data', 'out', name), { recursive: true });
      expect(() => areaPublicDir('sheffield', path.join('data', 'out'))).toThrow(
        `${path.join('data', 'out', name)} is missing. Run \`npm run pipeline -- --area ` +
          `sheffield --offline --out ${path.join('data', 'out')}\` to make it again in the ` +
          'folder AREA_DATA_DIR names.',
      );
    },
  );

  it.each(SERVED)(
    "fails naming %s when sheffield's output folder has none, and the command that makes it there",
    async (name) => {
      const own = path.join('data', 'areas', 'sheffield', 'output');
      const { areaPublicDir } = await publicFor('sheffield', own);
      await rm(path.join('data', 'out', name), { recursive: true });
      await rename(path.join('data', 'out'), own);
      expect(() => areaPublicDir('sheffield', own)).toThrow(
        `${path.join(own, name)} is missing. Run \`npm run pipeline -- --area sheffield ` +
          '--offline` to make it (or set AREA_DATA_DIR to a --out folder).',
      );
    },
  );

  it("serves the data folder's files when they are all there", async () => {
    const { areaPublicDir } = await publicFor('sheffield', 'data/areas/sheffield/output');
    const served = areaPublicDir('sheffield', path.join('data', 'out'));
    expect(served).toBe(path.resolve('.astro', 'area-public', 'sheffield'));
  });
});

describe('defaultPublicDir()', () => {
  it.each([...SERVED.slice(0, 3).map((name) => path.join('data', name)), 'downloads'])(
    'fails naming public/%s when it is missing, and the command that makes it',
    async (name) => {
      const { defaultPublicDir } = await publicFor('leeds');
      await rm(path.join('public', name), { recursive: true });
      expect(() => defaultPublicDir()).toThrow(
        `${path.join('public', name)} is missing. Run \`npm run pipeline -- --offline\` to rebuild it.`,
      );
    },
  );

  it('is public/ when every file is there', async () => {
    const { defaultPublicDir } = await publicFor('leeds');
    expect(defaultPublicDir()).toBe('./public');
  });
});

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function manifestIn(file: string): Promise<DownloadsManifest> {
  return downloadsManifestSchema.parse(JSON.parse(await readFile(file, 'utf8')));
}

/** The two builds whose downloads are checked: their folder, manifest, and how to serve them. */
const BUILDS = [
  {
    name: 'the default area',
    area: 'leeds',
    folder: path.join('public', 'downloads'),
    manifest: path.join('src', 'data', 'downloads.json'),
    command: 'npm run pipeline -- --offline',
  },
  {
    name: 'another area, from a --out folder',
    area: 'sheffield',
    folder: path.join('data', 'out', 'downloads'),
    manifest: path.join('data', 'out', 'downloads.json'),
    command: `npm run pipeline -- --area sheffield --offline --out ${path.join('data', 'out')}`,
  },
] as const;

describe.each(BUILDS)('the downloads served for $name', (build) => {
  /** Loads the build's modules in a scratch folder, then edits its files, then serves it. */
  async function serveAfter(edit: (manifest: DownloadsManifest) => Promise<void>) {
    const { defaultPublicDir, areaPublicDir } = await publicFor(
      build.area,
      build.area === 'leeds' ? undefined : 'data/areas/sheffield/output',
    );
    await edit(await manifestIn(build.manifest));
    return () =>
      build.area === 'leeds'
        ? defaultPublicDir()
        : areaPublicDir(build.area, path.join('data', 'out'));
  }

  it('refuses a yearly file edited by hand (same size), naming it, both hashes and what to do', async () => {
    let message = '';
    const serve = await serveAfter(async (manifest) => {
      const listed = manifest.files[0]!;
      const file = path.join(build.folder, listed.file);
      const bytes = await readFile(file);
      bytes[bytes.length - 20] = (bytes.at(-20) ?? 0) ^ 1;
      await writeFile(file, bytes);
      message =
        `The downloads in ${build.folder} are not the files ${build.manifest} lists: ` +
        `${listed.file} has SHA-256 ${sha256(bytes)}, the manifest lists ${listed.sha256}.`;
    });
    expect(serve).toThrow(message);
    expect(serve).toThrow(
      `run it again (\`${build.command}\`), or restore the files and the manifest as they ` +
        `were published (if committed: \`git checkout -- ${build.folder} ${build.manifest}\`).`,
    );
  });

  it("refuses a manifest of another run, whose sizes and checksums are not the files'", async () => {
    let message = '';
    const serve = await serveAfter(async (manifest) => {
      const listed = manifest.files[0]!;
      const other = { ...listed, bytes: listed.bytes + 1, sha256: '0'.repeat(64) };
      await writeFile(
        build.manifest,
        JSON.stringify({ ...manifest, files: [other, ...manifest.files.slice(1)] }),
      );
      message = `${listed.file} is ${listed.bytes} bytes, the manifest lists ${other.bytes}`;
    });
    expect(serve).toThrow(message);
  });

  it('refuses a listed yearly file that is not there', async () => {
    let message = '';
    const serve = await serveAfter(async (manifest) => {
      const listed = manifest.files.at(-1)!;
      await rm(path.join(build.folder, listed.file));
      message = `${listed.file} is not there`;
    });
    expect(serve).toThrow(message);
  });

  it('refuses a yearly file cut short, and files it does not list', async () => {
    const serve = await serveAfter(async (manifest) => {
      const file = path.join(build.folder, manifest.files[0]!.file);
      const bytes = await readFile(file);
      await writeFile(file, bytes.subarray(0, 100));
      await writeFile(path.join(build.folder, `${build.area}-crimes-2019.csv.gz`), 'old');
      await writeFile(path.join(build.folder, 'notes\u001b.txt'), 'by hand');
    });
    const manifest = await manifestIn(build.manifest);
    const first = manifest.files[0]!;
    expect(serve).toThrow(`${first.file} is 100 bytes, the manifest lists ${first.bytes}`);
    expect(serve).toThrow(`${build.area}-crimes-2019.csv.gz is not listed`);
    // A name from the folder is shown escaped.
    expect(serve).toThrow('"notes\\u001b.txt" is not listed');
  });

  it('refuses a README.txt that gives other checksums than the manifest', async () => {
    const serve = await serveAfter(async (manifest) => {
      const readme = path.join(build.folder, 'README.txt');
      const text = await readFile(readme, 'utf8');
      const first = manifest.files[0]!;
      expect(text).toContain(first.sha256);
      await writeFile(readme, text.replace(first.sha256, 'f'.repeat(64)));
    });
    const first = (await manifestIn(build.manifest)).files[0]!;
    expect(serve).toThrow(
      `README.txt does not list the files as the manifest does (${first.file})`,
    );
  });

  it('serves the files as the manifest lists them', async () => {
    const serve = await serveAfter(async () => {});
    expect(serve()).toBe(
      build.area === 'leeds' ? './public' : path.resolve('.astro', 'area-public', build.area),
    );
  });
});
