import { describe, expect, it } from 'vitest';
import { gapNote } from '../../../pipeline/sources/fetch-step.ts';

describe('gapNote(month, snapshot, force)', () => {
  it("names the area's territorial force, not West Yorkshire, for another area", () => {
    const note = gapNote('2024-11', '2025-03.zip', 'south-yorkshire');
    expect(note).toBe(
      "2024-11 is a gap: police.uk's 2025-03.zip, the archive that holds it, has no South " +
        'Yorkshire street file for it, so it is left out of every output (never shown as zero)',
    );
  });

  it('names West Yorkshire for Leeds', () => {
    expect(gapNote('2024-11', '2025-03.zip', 'west-yorkshire')).toMatch(
      /has no West Yorkshire street file/,
    );
  });
});
