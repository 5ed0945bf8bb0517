// An offline run (`npm run pipeline -- --offline`) skips the fetch and postcodes steps, and
// loads none of the network code they run (pipeline/steps/fetch.ts and postcodes.ts import it
// when they run): loading it cost every offline run its start-up time.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** The network clients: every module that asks police.uk, postcodes.io or a map server. */
const NETWORK_MODULES = [
  'pipeline/sources/http.ts',
  'pipeline/sources/archive-remote.ts',
  'pipeline/sources/police-api.ts',
  'pipeline/sources/postcodes.ts',
  'pipeline/sources/arcgis.ts',
  'pipeline/sources/fetch-step.ts',
  'pipeline/sources/postcodes-step.ts',
];

/**
 * A hook (node --import) that records every module the process resolves, written to
 * LOADED_MODULES_FILE as it exits: the project's modules, relative to the repository.
 */
const RECORDER = `
  import { registerHooks } from 'node:module';
  import { writeFileSync } from 'node:fs';
  const root = ${JSON.stringify(`file://${process.cwd()}/`)};
  const loaded = new Set();
  registerHooks({
    resolve(specifier, context, next) {
      const resolved = next(specifier, context);
      if (resolved.url.startsWith(root)) loaded.add(resolved.url.slice(root.length));
      return resolved;
    },
  });
  process.on('exit', () => writeFileSync(process.env.LOADED_MODULES_FILE, [...loaded].join('\\n')));`;

/** The project's modules a Node process (`args` after node's own) loads, failing or not. */
async function modulesLoaded(args: readonly string[]): Promise<string[]> {
  const file = path.join(dir, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  await run(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(RECORDER)}`, ...args],
    { env: { ...process.env, LOADED_MODULES_FILE: file } },
  );
  return (await readFile(file, 'utf8')).split('\n');
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'offline-imports-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('an offline run of the pipeline', () => {
  it('builds every output from the sample without loading a network client', async () => {
    const loaded = await modulesLoaded([
      'pipeline/cli-entry.mjs',
      '--offline',
      '--quiet',
      '--out',
      path.join(dir, 'out'),
    ]);
    // It ran the local steps (the map data's is the last but one) ...
    expect(loaded).toContain('pipeline/steps/months.ts');
    expect(loaded).toContain('pipeline/map-data.ts');
    // ... and none of the network code.
    expect(loaded.filter((module) => NETWORK_MODULES.includes(module))).toEqual([]);
  }, 120_000);

  it('is told apart, by the same record, from a process that loads the fetch step', async () => {
    const loaded = await modulesLoaded([
      '--input-type=module',
      '-e',
      "await import('./pipeline/sources/fetch-step.ts');",
    ]);
    expect(loaded).toContain('pipeline/sources/fetch-step.ts');
    expect(loaded).toContain('pipeline/sources/http.ts');
  }, 60_000);
});
