import { describe, expect, it } from 'vitest';
import { judge } from '../../bench/targets.ts';

describe('judge(values)', () => {
  it('gives the margin and its share of the limit', () => {
    const wall = judge({ incrementalWall: 1.2, pipelineMemory: 420 });
    expect(wall.find((v) => v.id === 'incrementalWall')).toMatchObject({
      met: true,
      text: 'met by 0.3 s (20% under)',
    });
    expect(wall.find((v) => v.id === 'pipelineMemory')).toMatchObject({
      met: false,
      text: 'MISSED by 70 MiB (20% over)',
    });
  });

  it('gives a value next to its limit, and its margin, the decimals that keep them apart', () => {
    const close = judge({ areasWallRatio: 0.9958, pipelineMemoryGrowth: 10.003 });
    expect(close.find((v) => v.id === 'areasWallRatio')).toMatchObject({
      met: true,
      value: 0.996,
      text: 'met by 0.004 x (0.42% under)',
    });
    expect(close.find((v) => v.id === 'pipelineMemoryGrowth')).toMatchObject({
      met: false,
      value: 10.003,
      text: 'MISSED by 0.003 % (0.03% over)',
    });
    // Further off, as before: two decimals, a whole share.
    expect(judge({ areasWallRatio: 0.9512 }).find((v) => v.id === 'areasWallRatio')).toMatchObject({
      value: 0.95,
      text: 'met by 0.05 x (5% under)',
    });
    // Exactly at a limit it may equal, nothing to keep apart.
    expect(judge({ areasReadsPerFile: 1 }).find((v) => v.id === 'areasReadsPerFile')).toMatchObject(
      { met: true, value: 1, text: 'met by 0 x (0% under)' },
    );
  });

  it('judges a limit of 0 without a share: none is met, any is missed by their number', () => {
    const none = judge({ incrementalDiffering: 0 }).find((v) => v.id === 'incrementalDiffering');
    expect(none).toMatchObject({ met: true, value: 0, text: 'met', target: '<= 0 files' });
    const two = judge({ incrementalDiffering: 2 }).find((v) => v.id === 'incrementalDiffering');
    expect(two).toMatchObject({ met: false, text: 'MISSED by 2 files' });
  });

  it('reports a target whose measurement did not run as not measured', () => {
    expect(judge({}).every((v) => v.met === null && v.text === 'not measured')).toBe(true);
  });
});
