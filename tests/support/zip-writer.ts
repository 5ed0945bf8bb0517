// Test archives, written by yazl: deflated or stored entries and, with `zip64`, the ZIP64
// layout (ZIP64 extra fields and end of central directory records) that archives over 4 GB
// or with over 65,535 entries have, forced on small ones.
import { ZipFile } from 'yazl';

export interface ZipInput {
  name: string;
  data: Buffer;
  /** Default deflate. */
  method?: 'deflate' | 'store';
}

/** One fixed modification time, so a test archive has the same bytes on every run. */
const MTIME = new Date('2025-05-01T00:00:00Z');

export async function buildZip(
  inputs: readonly ZipInput[],
  options: { zip64?: boolean } = {},
): Promise<Buffer> {
  const forceZip64Format = options.zip64 ?? false;
  const zip = new ZipFile();
  for (const input of inputs) {
    zip.addBuffer(input.data, input.name, {
      mtime: MTIME,
      compress: input.method !== 'store',
      forceZip64Format,
    });
  }
  zip.end({ forceZip64Format, comment: '' });
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
