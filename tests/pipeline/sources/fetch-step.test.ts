import { describe, expect, it } from 'vitest';
import { fetchNotes, gapNote } from '../../../pipeline/sources/fetch-step.ts';

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

describe('fetchNotes(months, force)', () => {
  it('says each gap and each month kept against a re-issue with fewer files, in month order', () => {
    const kept = '2025-02: 2025-03.zip no longer has 2025-02-btp-street.csv; the copy cached ...';
    const notes = fetchNotes(
      [
        { month: '2024-11', source: 'archive', snapshot: '2025-03.zip', status: 'gap' },
        { month: '2025-01', source: 'archive', snapshot: '2025-03.zip', status: 'unchanged' },
        {
          month: '2025-02',
          source: 'archive',
          snapshot: '2025-03.zip',
          status: 'kept',
          note: kept,
        },
        { month: '2025-03', source: 'archive', snapshot: '2025-03.zip', status: 'fetched' },
      ],
      'west-yorkshire',
    );
    expect(notes).toEqual([gapNote('2024-11', '2025-03.zip', 'west-yorkshire'), kept]);
  });

  it("says a gap's own reason where it has one, and the missing street file where not", () => {
    const why = '2025-01 is a gap: 2025-03.zip holds 2 copies of ... that differ ...';
    const notes = fetchNotes(
      [
        { month: '2024-11', source: 'archive', snapshot: '2025-03.zip', status: 'gap' },
        { month: '2025-01', source: 'archive', snapshot: '2025-03.zip', status: 'gap', note: why },
      ],
      'west-yorkshire',
    );
    expect(notes).toEqual([gapNote('2024-11', '2025-03.zip', 'west-yorkshire'), why]);
  });
});
