// Text in a PNG (iTXt chunks, PNG specification 11.3.3.4): notes the picture keeps wherever it
// is copied to, which image viewers, exiftool and image libraries read. Build-time only.
import { crc32 } from 'node:zlib';

/** The PNG signature, then the IHDR chunk: 4 bytes of length, 4 of type, 13 of data, 4 of CRC. */
const IHDR_END = 8 + 4 + 4 + 13 + 4;
/** A keyword is 1-79 Latin-1 characters, no space at either end (11.3.3.2). */
const KEYWORD = /^[\x21-\x7e\xa1-\xff](?:[\x20-\x7e\xa1-\xff]{0,77}[\x21-\x7e\xa1-\xff])?$/;

/** One iTXt chunk: uncompressed UTF-8 `text` under `keyword`, no language tag. */
function iTXt(keyword: string, text: string): Buffer {
  if (!KEYWORD.test(keyword)) {
    throw new RangeError(`A PNG text keyword is 1-79 Latin-1 characters, got "${keyword}"`);
  }
  const data = Buffer.concat([
    Buffer.from(keyword, 'latin1'),
    // Keyword's end, not compressed, compression method, empty language tag and translation.
    Buffer.from([0, 0, 0, 0, 0]),
    Buffer.from(text, 'utf8'),
  ]);
  const typeAndData = Buffer.concat([Buffer.from('iTXt', 'latin1'), data]);
  const chunk = Buffer.alloc(4 + typeAndData.length + 4);
  chunk.writeUInt32BE(data.length, 0);
  typeAndData.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(typeAndData), 4 + typeAndData.length);
  return chunk;
}

/** `png` with `texts` (keyword -> text) as iTXt chunks after its header chunk. */
export function withPngText(png: Buffer, texts: Readonly<Record<string, string>>): Buffer {
  if (png.toString('latin1', 12, 16) !== 'IHDR') {
    throw new Error('Not a PNG that starts with its IHDR chunk: its text cannot be added');
  }
  return Buffer.concat([
    png.subarray(0, IHDR_END),
    ...Object.entries(texts).map(([keyword, text]) => iTXt(keyword, text)),
    png.subarray(IHDR_END),
  ]);
}
