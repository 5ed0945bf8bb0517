// CPU time the hypervisor gave to other machines while this one wanted it: the "steal" of a
// virtual machine (Linux /proc/stat). On a shared 2-core VM it was 0.4 to 5.9 s during
// pipeline runs of 15-25 s on one day, and runs of the same code differed by as much: a
// measure taken with a lot of steal is a measure of the neighbours. The benchmark records it
// beside each measured process, so a reader can tell a slow run from slow code.
import { readFileSync } from 'node:fs';

/**
 * /proc/stat counts in USER_HZ ticks (sysconf(_SC_CLK_TCK)), which Linux fixes at 100 a second
 * on x86 and ARM whatever the kernel's own HZ.
 */
const MS_PER_TICK = 10;

/**
 * The steal of all the machine's CPUs so far in ms, from the text of /proc/stat; null when it
 * has no "cpu" line with a steal column (the eighth value; kernels before 2.6.11 have none).
 */
export function stealFromProcStat(text: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (line === undefined) return null;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const steal = values[7];
  if (steal === undefined || !Number.isFinite(steal)) return null;
  return steal * MS_PER_TICK;
}

/** The machine's steal so far in ms; null where there is no /proc/stat (not Linux). */
export function stealSoFarMs(): number | null {
  let text: string;
  try {
    text = readFileSync('/proc/stat', 'utf8');
  } catch {
    return null;
  }
  return stealFromProcStat(text);
}

/**
 * The steal between two readings of stealSoFarMs; null unless both were taken, or when the
 * counter went backwards (a virtual machine moved to another host can restart it): not known.
 */
export function stealBetween(before: number | null, after: number | null): number | null {
  if (before === null || after === null || after < before) return null;
  return after - before;
}
