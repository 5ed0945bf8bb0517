// Vitest global setup of the browser tests: build the site once per run into dist/ and serve
// it on 127.0.0.1. Tests read the address with inject('siteUrl').
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { serveStatic } from '../support/static-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    siteUrl: string;
  }
}

export const DIST_DIR = path.resolve('dist');

/** `astro build` with the Node that runs the tests; fails with the build's own output. */
async function buildSite(): Promise<void> {
  const astro = path.resolve('node_modules/astro/bin/astro.mjs');
  const child = spawn(process.execPath, [astro, 'build'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
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

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await buildSite();
  const server = await serveStatic(DIST_DIR);
  project.provide('siteUrl', server.url);
  return () => server.close();
}
