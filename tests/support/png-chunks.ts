// A PNG's chunks read as the PNG specification lays them out (5.3), each CRC checked, and its
// text chunks (tEXt and iTXt, uncompressed) by keyword: for the tests of the files' metadata,
// written apart from the code that adds it.
import { crc32 } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface PngChunk {
  type: string;
  data: Buffer;
}

/** Every chunk in order; throws on a bad signature, a bad CRC or bytes after IEND. */
export function pngChunks(png: Buffer): PngChunk[] {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG signature');
  const chunks: PngChunk[] = [];
  let offset = 8;
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const typeAndData = png.subarray(offset + 4, offset + 8 + length);
    const crc = png.readUInt32BE(offset + 8 + length);
    const type = typeAndData.subarray(0, 4).toString('latin1');
    if (crc32(typeAndData) !== crc) throw new Error(`${type} at byte ${offset}: bad CRC`);
    chunks.push({ type, data: Buffer.from(typeAndData.subarray(4)) });
    offset += 12 + length;
    if (type === 'IEND' && offset !== png.length) throw new Error('bytes after IEND');
  }
  return chunks;
}

/** The text of each tEXt and iTXt chunk by keyword. */
export function pngTexts(png: Buffer): Map<string, string> {
  const texts = new Map<string, string>();
  for (const { type, data } of pngChunks(png)) {
    const end = data.indexOf(0);
    const keyword = data.toString('latin1', 0, end);
    if (type === 'tEXt') texts.set(keyword, data.toString('latin1', end + 1));
    if (type === 'iTXt') {
      if (data[end + 1] !== 0) throw new Error(`${keyword}: compressed iTXt`);
      const language = data.indexOf(0, end + 3);
      const translated = data.indexOf(0, language + 1);
      texts.set(keyword, data.toString('utf8', translated + 1));
    }
  }
  return texts;
}
