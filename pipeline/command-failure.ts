// What a command prints when it fails. A failure's message can quote text from outside (a
// file's name, a server's answer, a field of a CSV, a JSON parse error quoting a file): every
// command entry point (the npm scripts in pipeline/ and bench/) prints its failures here, the
// ones it expects and the ones it does not alike, escaped as every other line it prints
// (log-safe.ts), never left for Node to print raw.
//
// The message is always printed. The stack only when PIPELINE_DEBUG is set, as the pipeline
// has always done: then the error as Node prints an uncaught one (its stack, its causes with
// theirs, its properties such as code and path), so nothing of it is lost.
import { inspect } from 'node:util';
import { logSafe } from './log-safe.ts';
import { errorMessage } from '../src/shared/error-message.ts';

export const DEBUG_VARIABLE = 'PIPELINE_DEBUG';

/** The debug variable as a command's --help lists it (CommandSpec.env). */
export const DEBUG_ENV = {
  [DEBUG_VARIABLE]: 'set to print the stack of a failure, with its causes',
} as const;

/**
 * What a failed command prints on stderr: `line` (the command's name and what failed), then,
 * when PIPELINE_DEBUG is set in `env`, everything Node would print of `error` uncaught. Escaped
 * line by line (logSafe), the stack too: its first line is the message, and a file's name or
 * a server's answer can be in it.
 */
export function failureText(
  line: string,
  error: unknown,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return logSafe(env[DEBUG_VARIABLE] ? `${line}\n${inspect(error)}` : line);
}

/** Print failureText() on stderr. */
export function printFailure(
  line: string,
  error: unknown,
  env: NodeJS.ProcessEnv = process.env,
): void {
  console.error(failureText(line, error, env));
}

/**
 * A command's entry: run `main` and set the exit code it gives (none: left as it is). What it
 * throws is printed (printFailure, after the command's `name`), never by Node raw, and exits
 * with `exitCode(error)`: the code the command's --help gives that failure.
 */
export async function runCommand(
  name: string,
  main: () => Promise<number | void>,
  exitCode: (error: unknown) => number = () => 1,
): Promise<void> {
  try {
    const code = await main();
    if (code !== undefined) process.exitCode = code;
  } catch (error) {
    printFailure(`${name}: ${errorMessage(error)}`, error);
    process.exitCode = exitCode(error);
  }
}
