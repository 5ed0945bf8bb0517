import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const HOOK = path.resolve('tests/support/forbid-network.ts');
/** Node runs the .ts files itself (type stripping), as `npm run pipeline` does. */
const NODE = process.execPath;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'offline-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function attempts(file: string): Promise<string> {
  return readFile(file, 'utf8').catch(() => '');
}

describe('npm run pipeline -- --offline', () => {
  it('the socket guard catches a connection attempt (control)', async () => {
    const file = path.join(dir, 'control.txt');
    const script = "await fetch('http://127.0.0.1:45678/').catch(() => {});";
    await run(NODE, ['--import', HOOK, '--eval', script], {
      env: { ...process.env, NETWORK_ATTEMPTS_FILE: file },
    });
    expect(await attempts(file)).not.toBe('');
  });

  it('runs every step on local inputs without opening a socket', async () => {
    const file = path.join(dir, 'pipeline.txt');
    const out = path.join(dir, 'out');
    const { stderr } = await run(
      NODE,
      ['--import', HOOK, 'pipeline/cli.ts', '--offline', '--out', out],
      {
        env: { ...process.env, NETWORK_ATTEMPTS_FILE: file },
        maxBuffer: 32 * 1024 * 1024,
      },
    );
    expect(stderr).toMatch(/fetch: skipped \(--offline\)/);
    expect(await attempts(file)).toBe('');
    expect(JSON.parse(await readFile(path.join(out, 'site-data.json'), 'utf8'))).toHaveProperty(
      'months',
    );
  }, 240_000);
});
