// Build the site from full-scale data in a throwaway working copy of the repository, so the
// committed src/data and public/data are never touched.
import { spawn } from 'node:child_process';
import { cp, mkdir, readdir, rm, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from './paths.ts';

/** Not copied: dependencies (linked instead), history, outputs and caches. */
const SKIPPED = new Set([
  'node_modules',
  '.git',
  'dist',
  '.astro',
  'test-results',
  'bench/out',
  'data/cache',
  'data/processed',
]);
/** Build caches Astro and Vite keep under node_modules: the copy gets its own (cold) ones. */
const BUILD_CACHES = ['.astro', '.vite', '.cache'];

/**
 * The copy's node_modules: a real folder of links to each installed package, so the build's
 * caches land in the copy and never in the repository's node_modules.
 */
async function linkDependencies(workDir: string): Promise<void> {
  const target = path.join(workDir, 'node_modules');
  await mkdir(target);
  const source = path.join(REPO_ROOT, 'node_modules');
  for (const entry of await readdir(source)) {
    if (BUILD_CACHES.includes(entry)) continue;
    await symlink(path.join(source, entry), path.join(target, entry));
  }
}

/** Remove the copy's build output and caches, so the next build starts cold. */
export async function cleanBuild(workDir: string): Promise<void> {
  for (const dir of ['dist', '.astro', ...BUILD_CACHES.map((c) => `node_modules/${c}`)]) {
    await rm(path.join(workDir, dir), { recursive: true, force: true });
  }
}

/**
 * Copy the repository (sources, config, committed data) into `workDir`, link its
 * node_modules, then lay the pipeline's site outputs over the copy's src/data and public/data.
 */
export async function prepareWorkingCopy(
  workDir: string,
  siteOutputs: {
    siteData: string;
    publicData: readonly string[];
    /** The yearly record files and their manifest (pipeline/downloads.ts). */
    downloads?: { dir: string; manifest: string };
  },
): Promise<void> {
  await mkdir(workDir, { recursive: true });
  for (const entry of await readdir(REPO_ROOT)) {
    if (SKIPPED.has(entry)) continue;
    await cp(path.join(REPO_ROOT, entry), path.join(workDir, entry), {
      recursive: true,
      filter: (source) => !SKIPPED.has(path.relative(REPO_ROOT, source)),
    });
  }
  await linkDependencies(workDir);
  await mkdir(path.join(workDir, 'src/data'), { recursive: true });
  await cp(siteOutputs.siteData, path.join(workDir, 'src/data/site-data.json'));
  await mkdir(path.join(workDir, 'public/data'), { recursive: true });
  for (const file of siteOutputs.publicData) {
    await cp(file, path.join(workDir, 'public/data', path.basename(file)));
  }
  if (siteOutputs.downloads) {
    await cp(siteOutputs.downloads.manifest, path.join(workDir, 'src/data/downloads.json'));
    await rm(path.join(workDir, 'public/downloads'), { recursive: true, force: true });
    await cp(siteOutputs.downloads.dir, path.join(workDir, 'public/downloads'), {
      recursive: true,
    });
  }
}

/** What a built site weighs: every file's bytes, the file count and the largest file. */
export async function siteWeight(
  distDir: string,
): Promise<{ bytes: number; files: number; largest: { file: string; bytes: number } }> {
  let bytes = 0;
  let files = 0;
  let largest = { file: '', bytes: 0 };
  for (const entry of await readdir(distDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const size = (await stat(file)).size;
    bytes += size;
    files += 1;
    if (size > largest.bytes) largest = { file: path.relative(distDir, file), bytes: size };
  }
  return { bytes, files, largest };
}

/** Run `npm run build` in `workDir` and return its wall time in ms; throws with its output on failure. */
export async function timeBuild(workDir: string): Promise<number> {
  let output = '';
  const started = performance.now();
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('npm', ['run', 'build'], {
      cwd: workDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
    });
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', resolve);
  });
  const ms = performance.now() - started;
  if (code !== 0)
    throw new Error(`npm run build in ${workDir} exited with code ${code}:\n${output}`);
  return ms;
}
