// A project command run as `npm run` runs it: node on its .ts file, in a child process, so
// its exit code and everything it prints (Node's own printing of an error included) are seen.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const REPO = path.resolve(import.meta.dirname, '../..');

export interface ScriptRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run `script` (relative to the repository root, or absolute) with `args`, from `cwd` (default
 * the repository root), without colours and without PIPELINE_DEBUG unless `env` sets it.
 */
export function runScript(
  script: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): ScriptRun {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env['PIPELINE_DEBUG'];
  const result = spawnSync(process.execPath, [path.resolve(REPO, script), ...args], {
    cwd: options.cwd ?? REPO,
    encoding: 'utf8',
    env: { ...env, ...options.env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
