// One entry per file name of a month in an archive: copies with the same size and CRC-32 are
// one file; copies that differ are set apart, whatever their number and order.
import { describe, expect, it } from 'vitest';
import { onePerName } from '../../../pipeline/sources/fetch-months.ts';
import type { ZipEntry } from '../../../pipeline/sources/zip.ts';

function entry(name: string, uncompressedSize: number, crc32: number): ZipEntry {
  return {
    name,
    method: 8,
    flags: 0,
    crc32,
    compressedSize: 5,
    uncompressedSize,
    localHeaderOffset: 0,
  };
}

const STREET = '2025-03/2025-03-west-yorkshire-street.csv';
const BTP = '2025-03/2025-03-btp-street.csv';

describe('onePerName()', () => {
  it('keeps one entry per name, sorted by name, when no name repeats', () => {
    const street = entry(STREET, 10, 1);
    const btp = entry(BTP, 20, 2);
    expect(onePerName([street, btp])).toEqual({
      entries: [btp, street],
      repeated: [],
      differing: [],
    });
  });

  it('takes copies with the same size and CRC-32 as one file, and names them', () => {
    const first = entry(STREET, 10, 0xfffffff0);
    // The same CRC-32 read as a signed number: still the same file.
    const again = entry(STREET, 10, 0xfffffff0 | 0);
    expect(onePerName([first, again, entry(BTP, 20, 2)])).toMatchObject({
      entries: [{ name: BTP }, first],
      repeated: [STREET],
      differing: [],
    });
  });

  it.each([
    ['another CRC-32', entry(STREET, 10, 2)],
    ['another size', entry(STREET, 11, 1)],
  ])('sets apart copies with %s, and leaves their name out of the entries', (_what, other) => {
    const first = entry(STREET, 10, 1);
    const btp = entry(BTP, 20, 2);
    expect(onePerName([first, btp, other])).toEqual({
      entries: [btp],
      repeated: [],
      differing: [{ name: STREET, copies: [first, other] }],
    });
  });

  it('sets apart three copies of which two agree, whichever comes first', () => {
    const same = entry(STREET, 10, 1);
    const other = entry(STREET, 12, 3);
    for (const order of [
      [same, same, other],
      [other, same, same],
      [same, other, same],
    ]) {
      expect(onePerName(order)).toEqual({
        entries: [],
        repeated: [],
        differing: [{ name: STREET, copies: order }],
      });
    }
  });
});
