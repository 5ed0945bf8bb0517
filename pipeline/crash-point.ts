// Test hook: PIPELINE_CRASH_AT=<point> kills the process with SIGKILL at that point, as a
// power cut or an OOM kill would, so tests can check what an interrupted run leaves.

/**
 * - staged: every output written, before the publish journal is.
 * - publishing: past the journal, after the first rename.
 * - appending: past the journal, an append's rows written but not yet flushed or cleared.
 */
export type CrashPoint = 'staged' | 'publishing' | 'appending';

export function crashPoint(point: CrashPoint): void {
  if (process.env['PIPELINE_CRASH_AT'] === point) process.kill(process.pid, 'SIGKILL');
}
