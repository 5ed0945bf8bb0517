// The machine's steal from /proc/stat: the eighth value of its "cpu" line, in ticks of 10 ms.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stealBetween, stealFromProcStat, stealSoFarMs } from '../../bench/steal.ts';

/** /proc/stat of a 2-core virtual machine, its interrupt lines left out. */
const PROC_STAT = readFileSync(
  path.join(import.meta.dirname, '../fixtures/bench/proc-stat.txt'),
  'utf8',
);

describe('stealFromProcStat(text)', () => {
  it("reads the all-CPU line's steal column, in ms", () => {
    const cpu = PROC_STAT.split('\n').find((line) => line.startsWith('cpu '))!;
    const steal = Number(cpu.split(/\s+/)[8]);
    expect(steal).toBeGreaterThan(0);
    // The per-CPU lines add up to the all-CPU line, so the column is the right one in each.
    const perCpu = PROC_STAT.split('\n')
      .filter((line) => /^cpu\d+ /.test(line))
      .map((line) => Number(line.split(/\s+/)[8]));
    expect(perCpu).toHaveLength(2);
    expect(perCpu[0]! + perCpu[1]!).toBe(steal);
    expect(stealFromProcStat(PROC_STAT)).toBe(steal * 10);
  });

  it('knows none from a kernel without the column, or text without a cpu line', () => {
    expect(stealFromProcStat('cpu  904949 0 169766 1059456 5492 0 1871\nctxt 1\n')).toBeNull();
    expect(stealFromProcStat('ctxt 1\nbtime 2\n')).toBeNull();
    expect(stealFromProcStat('')).toBeNull();
  });
});

describe('stealBetween(before, after)', () => {
  it('is the difference of two readings, or null when either is unknown or the counter went back', () => {
    expect(stealBetween(1200, 1530)).toBe(330);
    expect(stealBetween(1200, 1200)).toBe(0);
    expect(stealBetween(null, 1530)).toBeNull();
    expect(stealBetween(1200, null)).toBeNull();
    expect(stealBetween(1530, 1200)).toBeNull();
  });

  it("reads this machine's /proc/stat where Linux gives one, and knows none elsewhere", () => {
    const before = stealSoFarMs();
    const after = stealSoFarMs();
    if (process.platform !== 'linux') {
      expect(before).toBeNull();
      return;
    }
    expect(before).not.toBeNull();
    expect(stealBetween(before, after)).toBeGreaterThanOrEqual(0);
  });
});
