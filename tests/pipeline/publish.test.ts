// cleanUpInterruptedRuns sweeps the temporary files of killed runs from every place a run
// writes: beside each output file and inside each output folder, caches included.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pipelinePaths, writtenPaths } from '../../pipeline/paths.ts';
import { cleanUpInterruptedRuns } from '../../pipeline/publish.ts';

/** The id of a process that has exited, as a killed run's would be. */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '']).pid;
  if (pid === undefined) throw new Error('could not start a short-lived process');
  return pid;
}

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'lci-publish-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('cleanUpInterruptedRuns(paths)', () => {
  it('removes a killed run’s temporary file beside or inside every path the run writes', async () => {
    const paths = pipelinePaths({ root, out: 'out' });
    const pid = deadPid();
    const left: string[] = [];
    for (const written of writtenPaths(paths)) {
      // Files have an extension (.csv, .json, ...); folders hold files written inside them.
      const isFolder = path.extname(written) === '';
      await mkdir(isFolder ? written : path.dirname(written), { recursive: true });
      left.push(`${written}.tmp-${pid}`);
      if (isFolder) left.push(path.join(written, `part.tmp-${pid}`));
    }
    for (const file of left) await writeFile(file, 'partial');

    await cleanUpInterruptedRuns(paths);

    const remaining = [];
    for (const file of left) {
      const names = await readdir(path.dirname(file));
      if (names.includes(path.basename(file))) remaining.push(file);
    }
    expect(remaining).toEqual([]);
  });

  it('keeps the temporary file of a run still going', async () => {
    const paths = pipelinePaths({ root, out: 'out' });
    await mkdir(path.dirname(paths.masterCsv), { recursive: true });
    const live = `${paths.masterCsv}.tmp-${process.ppid}`;
    await writeFile(live, 'in progress');
    await cleanUpInterruptedRuns(paths);
    await expect(readdir(path.dirname(live))).resolves.toContain(path.basename(live));
  });
});

describe('writtenPaths(paths)', () => {
  it('lists every output and cache path of pipelinePaths and no input', () => {
    const paths = pipelinePaths({ root, out: 'out' });
    const written = writtenPaths(paths);
    const out = path.join(root, 'out');
    expect(written.length).toBeGreaterThan(10);
    expect(written.filter((p) => !p.startsWith(out + path.sep))).toEqual([]);
    expect(written).toEqual(
      expect.arrayContaining([
        paths.masterCsv,
        paths.publishJournal,
        paths.downloads.dir,
        paths.monthsCacheDir,
        paths.sources.apiLeafHistory,
        paths.sources.stagingDir,
      ]),
    );
  });
});
