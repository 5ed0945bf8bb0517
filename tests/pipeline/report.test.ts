import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  createConsoleReporter,
  DropTally,
  EXAMPLES_PER_REASON,
  formatDropCounts,
  formatSigned,
} from '../../pipeline/report.ts';

function capture(isTTY: boolean) {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean };
  stream.isTTY = isTTY;
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

describe('createConsoleReporter', () => {
  it('writes one plain line per finished task when the output is not a terminal', () => {
    const out = capture(false);
    const progress = createConsoleReporter(out.stream).progress('2025-03', 100);
    progress.advance(50);
    progress.advance(50);
    progress.done('read 9,304');
    expect(out.text()).toBe('  2025-03: read 9,304\n');
  });

  it('redraws one line in place on a terminal, at most every 100 ms', () => {
    const out = capture(true);
    let now = 0;
    const progress = createConsoleReporter(out.stream, () => now).progress('2025-03', 200);
    now = 1000;
    progress.advance(50);
    progress.advance(50); // same instant: not redrawn
    now = 1200;
    progress.advance(100);
    progress.done();
    expect(out.text()).toBe('\r\x1b[2K  2025-03 25%\r\x1b[2K  2025-03 100%\r\x1b[2K  2025-03\n');
  });
});

describe('DropTally', () => {
  it('counts every drop but keeps only the first examples of each reason', () => {
    const tally = new DropTally();
    for (let line = 2; line < 12; line++) tally.add('no-coordinates', `f.csv:${line}`, 'blank');
    tally.add('duplicate', 'f.csv:20', 'seen');
    expect(tally.total).toBe(11);
    expect(tally.examples['no-coordinates']).toHaveLength(EXAMPLES_PER_REASON);
    expect(tally.examples['no-coordinates']?.[0]?.where).toBe('f.csv:2');
    expect(formatDropCounts(tally.counts)).toBe('10 no-coordinates, 1 duplicate');
  });
});

describe('formatSigned(n)', () => {
  it('marks a rise with +, a fall with -, and no change with neither', () => {
    expect([3, -3, 0].map(formatSigned)).toEqual(['+3', '-3', '0']);
  });
});
