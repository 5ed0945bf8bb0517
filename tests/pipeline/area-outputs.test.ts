// The committed Sheffield outputs (data/areas/sheffield/output/: what `AREA=sheffield npm run
// build` serves on a fresh clone) are what an offline run of the committed Sheffield months
// makes, byte for byte, so they cannot go stale without this test failing. A yearly download
// whose rows are the same is the committed file itself, as a refresh keeps it whatever zlib
// settings made it (downloads.ts: its content hash, of the rows, decides); one whose rows
// changed is compressed anew and differs. The months are copied with the modification time
// they are published with (a month's fetchedAt, and so the site data's generatedAt, is its
// files' newest modification time, as for the Leeds sample).
import { cp, mkdtemp, readdir, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../pipeline/cli.ts';
import { pipelinePaths, type PipelinePaths } from '../../pipeline/paths.ts';
import { createMemoryReporter } from '../../pipeline/report.ts';

/** When the Sheffield sample months were committed: their files' time for the committed run. */
const SAMPLE_TIME = new Date('2026-12-01T23:56:22Z');

const committed = pipelinePaths({ area: 'sheffield' });
let scratch: string;
let fresh: PipelinePaths;

/** The files of the site's data a run publishes (the rest of the folder is caches). */
function publishedFiles(paths: PipelinePaths): string[] {
  return [
    paths.siteData,
    paths.downloads.manifest,
    paths.mapData,
    paths.wardShapes,
    paths.postcodeIndex,
  ];
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'area-outputs-'));
  const archive = path.join(scratch, 'archive');
  await cp(committed.sampleArchiveDir, archive, { recursive: true });
  for (const entry of await readdir(archive, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      await utimes(path.join(entry.parentPath, entry.name), SAMPLE_TIME, SAMPLE_TIME);
    }
  }
  const out = path.join(scratch, 'out');
  fresh = pipelinePaths({ area: 'sheffield', out });
  await runPipeline(
    { help: false, list: false, offline: true, area: 'sheffield', archiveDir: archive, out },
    { reporter: createMemoryReporter(), threads: 1 },
  );
}, 120_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe("Sheffield's committed outputs", () => {
  it('are byte for byte what an offline run of the committed months writes', async () => {
    const expected = publishedFiles(fresh);
    const actual = publishedFiles(committed);
    for (const [i, file] of expected.entries()) {
      const name = path.relative(path.dirname(fresh.siteData), file);
      expect((await readFile(actual[i]!)).equals(await readFile(file)), name).toBe(true);
    }
  });

  it('hold the same downloads, byte for byte', async () => {
    const names = (await readdir(fresh.downloads.dir)).sort();
    expect((await readdir(committed.downloads.dir)).sort()).toEqual(names);
    for (const name of names) {
      const [a, b] = await Promise.all([
        readFile(path.join(committed.downloads.dir, name)),
        readFile(path.join(fresh.downloads.dir, name)),
      ]);
      expect(a.equals(b), name).toBe(true);
    }
  });
});
