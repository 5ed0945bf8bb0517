// Progress of long transfers: bytes so far, of how many, and the rate. The sink is injected so
// the CLI can draw it on stderr while tests stay silent.
import { realClock, type Clock } from './pacing.ts';
import { logSafe } from '../log-safe.ts';

export interface ProgressEvent {
  label: string;
  bytes: number;
  /** Undefined when the server did not say how long the body is. */
  total: number | undefined;
  bytesPerSecond: number;
  done: boolean;
}

export type ProgressSink = (event: ProgressEvent) => void;

/** Redrawing more often than this only costs terminal output. */
const REPORT_INTERVAL_MS = 500;

export function trackProgress(
  label: string,
  total: number | undefined,
  sink: ProgressSink | undefined,
  clock: Clock = realClock,
): { add(bytes: number): void; finish(): void } {
  const started = clock.now();
  let bytes = 0;
  let lastReport = -Infinity;
  const report = (done: boolean): void => {
    const now = clock.now();
    if (!sink || (!done && now - lastReport < REPORT_INTERVAL_MS)) return;
    lastReport = now;
    const seconds = Math.max((now - started) / 1000, 1e-3);
    sink({ label, bytes, total, bytesPerSecond: bytes / seconds, done });
  };
  return {
    add(count) {
      bytes += count;
      report(false);
    },
    finish() {
      report(true);
    },
  };
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function formatProgress(event: ProgressEvent): string {
  const of =
    event.total !== undefined && event.total > 0
      ? ` of ${formatBytes(event.total)} (${((100 * event.bytes) / event.total).toFixed(1)}%)`
      : '';
  return `${event.label}: ${formatBytes(event.bytes)}${of}, ${formatBytes(event.bytesPerSecond)}/s`;
}

/** Draw progress on one stderr line when it is a terminal; otherwise print only the final line. */
export function stderrProgress(stream: NodeJS.WriteStream = process.stderr): ProgressSink {
  return (event) => {
    const text = logSafe(formatProgress(event));
    if (stream.isTTY) stream.write(`\r${text}\x1b[K${event.done ? '\n' : ''}`);
    else if (event.done) stream.write(`${text}\n`);
  };
}
