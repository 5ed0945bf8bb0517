// A file's content as a zip's directory describes an entry: its size and CRC-32. Enough to
// tell two copies of a police.uk file apart, or to check a cached copy against its record,
// without keeping either's bytes.
import { crc32 } from 'node:zlib';

export interface FileContent {
  bytes: number;
  /** Unsigned. */
  crc32: number;
}

/** The size and CRC-32 of what `chunks` hold, read a chunk at a time. */
export async function contentOf(chunks: AsyncIterable<Buffer | string>): Promise<FileContent> {
  let crc = 0;
  let bytes = 0;
  for await (const chunk of chunks) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    crc = crc32(buffer, crc);
    bytes += buffer.length;
  }
  return { bytes, crc32: crc >>> 0 };
}

export function sameContent(a: FileContent, b: FileContent): boolean {
  return a.bytes === b.bytes && a.crc32 >>> 0 === b.crc32 >>> 0;
}

/** A CRC-32 as eight hex digits, as zip tools print it. */
export function crc32Hex(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

/** "N bytes, CRC-32 xxxxxxxx", for notes and errors that name a copy. */
export function describeContent({ bytes, crc32: crc }: FileContent): string {
  return `${bytes} bytes, CRC-32 ${crc32Hex(crc)}`;
}
