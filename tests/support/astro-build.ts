// `astro build` for the browser tests, run with the Node that runs them so the build sees the
// same install; a failed build fails the test with the tail of the build's own output.
import { spawn } from 'node:child_process';
import path from 'node:path';

/** Builds the site (into `outDir` when given, else dist/) with `env` added to the environment. */
export async function buildSite(
  options: { outDir?: string; env?: Record<string, string> } = {},
): Promise<void> {
  const astro = path.resolve('node_modules/astro/bin/astro.mjs');
  const args = [astro, 'build', ...(options.outDir ? ['--outDir', options.outDir] : [])];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', ...options.env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) {
    throw new Error(`astro build failed (exit ${code}); its output:\n${output.slice(-4000)}`);
  }
}
