// Run a TypeScript entry point of this repository in a child Node process and measure it:
// wall time, CPU time (user + system) and peak resident memory of that process, and the
// machine's steal meanwhile (steal.ts).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './paths.ts';
import { stealBetween, stealSoFarMs } from './steal.ts';

/** Output kept for error messages: enough to show the failing step and its cause. */
const OUTPUT_TAIL_CHARS = 8000;

export interface ChildMeasurement {
  wallMs: number;
  cpuMs: number;
  userMs: number;
  systemMs: number;
  maxRssMiB: number;
  /**
   * CPU time of the machine taken by the hypervisor while the process ran (steal.ts), all
   * CPUs together; null where it is not known.
   */
  stealMs: number | null;
  stdout: string;
  stderr: string;
}

interface Usage {
  userMicros: number;
  systemMicros: number;
  maxRssKiB: number;
}

function tail(text: string): string {
  return text.length > OUTPUT_TAIL_CHARS ? `...${text.slice(-OUTPUT_TAIL_CHARS)}` : text;
}

/**
 * Run `node [nodeOptions] <script> ...args` from the repository root, as the npm scripts do
 * (Node strips the types of .ts files itself). Throws, with the tail of the child's output, if
 * it exits non-zero.
 */
export async function runMeasured(
  script: string,
  args: readonly string[],
  nodeOptions: readonly string[] = [],
): Promise<ChildMeasurement> {
  const usageDir = await mkdtemp(path.join(os.tmpdir(), 'bench-usage-'));
  const usageFile = path.join(usageDir, 'usage.json');
  const preload = pathToFileURL(path.join(REPO_ROOT, 'bench/child-usage.mjs')).href;
  const nodeArgs = [...nodeOptions, '--import', preload, script, ...args];
  let stdout = '';
  let stderr = '';
  const started = performance.now();
  const stealBefore = stealSoFarMs();
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, nodeArgs, {
        cwd: REPO_ROOT,
        env: { ...process.env, BENCH_USAGE_FILE: usageFile },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout = tail(stdout + chunk);
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr = tail(stderr + chunk);
      });
      child.on('error', reject);
      child.on('close', resolve);
    });
    const wallMs = performance.now() - started;
    const stealMs = stealBetween(stealBefore, stealSoFarMs());
    if (code !== 0) {
      throw new Error(
        `${script} ${args.join(' ')} exited with code ${code}\n--- stderr ---\n${stderr}\n--- stdout ---\n${stdout}`,
      );
    }
    const usage = JSON.parse(await readFile(usageFile, 'utf8')) as Usage;
    return {
      wallMs,
      userMs: usage.userMicros / 1000,
      systemMs: usage.systemMicros / 1000,
      cpuMs: (usage.userMicros + usage.systemMicros) / 1000,
      maxRssMiB: usage.maxRssKiB / 1024,
      stealMs,
      stdout,
      stderr,
    };
  } finally {
    await rm(usageDir, { recursive: true, force: true });
  }
}
