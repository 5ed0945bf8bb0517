// The log line of a benchmark section that failed: its name and the start of the error's
// stack. The message can quote a child's output (a site build's error quoting a data file,
// the stderr of a pipeline run) or a file: escaped like every line the pipeline prints
// (pipeline/log-safe.ts), so nothing in it acts on the terminal or the runner.
import { logSafe } from '../pipeline/log-safe.ts';

/** Stack lines kept: enough to see where it failed, not a child's whole output. */
const STACK_LINES = 12;

/** The error as a section's result records it: the stack (holding the message), else the text. */
export function sectionError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** The line logged for section `name` failing with `message` (sectionError). */
export function sectionFailureLine(name: string, message: string): string {
  return logSafe(`   ${name} FAILED: ${message.split('\n').slice(0, STACK_LINES).join('\n   ')}`);
}
