// A file's size and CRC-32, read a chunk at a time, compared and named as zip tools name them.
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { contentOf, crc32Hex, describeContent, sameContent } from '../../pipeline/file-content.ts';
import { sampleStreetFile } from '../support/police-fixtures.ts';

describe('contentOf(chunks)', () => {
  it("gives a street file's size and CRC-32 whatever the chunks it comes in", async () => {
    const file = sampleStreetFile('2025-03');
    const whole = { bytes: file.length, crc32: crc32(file) >>> 0 };
    expect(await contentOf(Readable.from([file]))).toEqual(whole);
    const pieces = [file.subarray(0, 7), file.subarray(7, 70_001), file.subarray(70_001)];
    expect(await contentOf(Readable.from(pieces))).toEqual(whole);
    // Text counts as its UTF-8 bytes.
    const text = 'Café, Leeds';
    expect(await contentOf(Readable.from([text], { objectMode: true }))).toEqual({
      bytes: Buffer.byteLength(text),
      crc32: crc32(Buffer.from(text)) >>> 0,
    });
    expect(await contentOf(Readable.from([]))).toEqual({ bytes: 0, crc32: 0 });
  });
});

describe('sameContent(a, b)', () => {
  it('takes a CRC-32 read as a signed number for the same, and another size or CRC-32 for another', () => {
    expect(sameContent({ bytes: 4, crc32: 0xfffffff0 }, { bytes: 4, crc32: 0xfffffff0 | 0 })).toBe(
      true,
    );
    expect(sameContent({ bytes: 4, crc32: 1 }, { bytes: 5, crc32: 1 })).toBe(false);
    expect(sameContent({ bytes: 4, crc32: 1 }, { bytes: 4, crc32: 2 })).toBe(false);
  });
});

describe('describeContent(content)', () => {
  it('names the size and the CRC-32 as eight hex digits, leading zeros kept', () => {
    expect(describeContent({ bytes: 38_629, crc32: 0x0a1b2c3d })).toBe(
      '38629 bytes, CRC-32 0a1b2c3d',
    );
    expect(crc32Hex(-1)).toBe('ffffffff');
  });
});
