// A month's Crime ID sidecar (<month>.csv.ids beside its cached rows): the first 13 hex digits
// of each Crime ID of the rows, after a stamp of the rows file's format, size and time, so
// the cross-month check (crime-ids.ts) reads 13 digits a crime rather than every month's
// rows. Written as a month is processed (createIdSidecarWriter), from the IDs at hand;
// made from the rows when missing, stale or incomplete (idPrefixes). A closing line counts
// the prefixes, so a sidecar cut short (a run killed while writing it) is never trusted.
import { readFile } from 'node:fs/promises';
import { sizeAndTime } from './files.ts';
import { writeFileAtomic } from './write.ts';

/** police.uk Crime IDs are 64 hex digits; the first 13 tell them apart (collisions are confirmed). */
const CRIME_ID = /^[0-9a-f]{64}$/;
const CRIME_ID_LENGTH = 64;
/** The most hex digits a double holds exactly (52 bits). */
const PREFIX_LENGTH = 13;
/** Prefixes joined into one string at a time as a month's sidecar is collected. */
const SIDECAR_BLOCK = 4096;
/** Starts a sidecar's first line; changed whenever the sidecar's content changes. */
const SIDECAR_FORMAT = 'prefix13-counted';
/** Starts a sidecar's last line, followed by the number of prefixes above it. */
const COUNT_LINE = 'count:';

/** An ID's prefix as a number: compact, and holding no reference to the text it came from. */
export function prefixOf(id: string): number {
  return Number.parseInt(id.slice(0, PREFIX_LENGTH), 16);
}

/**
 * The prefix a sidecar holds for `crimeId`, or -1 for an ID it leaves out (not police.uk's 64
 * hex digits, such as anti-social behaviour's blank one).
 */
export function sidecarPrefix(crimeId: string): number {
  return CRIME_ID.test(crimeId) ? prefixOf(crimeId) : -1;
}

/**
 * sidecarPrefix of a Crime ID given as UTF-8 bytes, `bytes[start, start + length)`: read from
 * the bytes, with no string made (outcome-index.ts keeps Crime IDs so).
 */
export function sidecarPrefixOfBytes(bytes: Uint8Array, start: number, length: number): number {
  if (length !== CRIME_ID_LENGTH) return -1;
  let prefix = 0;
  for (let i = start; i < start + length; i++) {
    const c = bytes[i]!;
    const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
    if (digit < 0) return -1;
    if (i - start < PREFIX_LENGTH) prefix = prefix * 16 + digit;
  }
  return prefix;
}

/**
 * The prefixes of a month's Crime IDs, as its rows are written: whether an ID belongs in the
 * sidecar (police.uk's 64 hex digits; never anti-social behaviour's blank one), and the
 * sidecar for the finished rows file.
 */
export function createIdSidecarWriter() {
  /**
   * The prefixes as text, joined a block at a time: a joined block is a string of its own,
   * while a prefix on its own would keep its row's text alive (V8 sliced strings). Numbers
   * cost more here: a 52-bit number's hex digits take V8 about 2 us to write.
   */
  const blocks: string[] = [];
  let block: string[] = [];
  return {
    add(crimeId: string): void {
      if (!CRIME_ID.test(crimeId)) return;
      block.push(crimeId.slice(0, PREFIX_LENGTH));
      if (block.length === SIDECAR_BLOCK) {
        blocks.push(block.join('\n'));
        block = [];
      }
    },
    /** Write `<csv>.ids` for `csv`, which must be complete (its size and time are the stamp). */
    async write(csv: string): Promise<void> {
      const count = blocks.length * SIDECAR_BLOCK + block.length;
      await writeSidecar(csv, await sidecarStamp(csv), [...blocks, ...block], count);
    },
  };
}

/** Write `<csv>.ids` atomically: its stamp, the prefixes (`lines`, joined in any blocks) and their count. */
async function writeSidecar(
  csv: string,
  stamp: string,
  lines: readonly string[],
  count: number,
): Promise<void> {
  const body = lines.length > 0 ? `${lines.join('\n')}\n` : '';
  await writeFileAtomic(`${csv}.ids`, `${stamp}\n${body}${COUNT_LINE}${count}\n`);
}

/** Bytes a prefix line takes: PREFIX_LENGTH hex digits and a newline. */
const PREFIX_LINE_BYTES = PREFIX_LENGTH + 1;
const NEWLINE = 0x0a;

/** A hex digit's value from its character code, or -1. */
function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  return -1;
}

/**
 * The prefixes of a sidecar's bytes, as numbers, or null unless it has `stamp` and all the
 * prefixes it counts. Read from the bytes, not split into a string a line: a run reads every
 * month's sidecar (some 900,000 prefixes at full scale), and the strings were most of its
 * garbage.
 */
function trustedPrefixes(bytes: Buffer, stamp: string): Float64Array | null {
  // A complete sidecar is: stamp \n, one line per prefix, count:N \n.
  const head = Buffer.from(`${stamp}\n`, 'latin1');
  if (bytes.length <= head.length || !bytes.subarray(0, head.length).equals(head)) return null;
  if (bytes[bytes.length - 1] !== NEWLINE) return null;
  const countStart = bytes.lastIndexOf(NEWLINE, bytes.length - 2) + 1;
  if (countStart < head.length) return null;
  const body = bytes.subarray(head.length, countStart);
  const count = body.length / PREFIX_LINE_BYTES;
  const countLine = bytes.toString('latin1', countStart, bytes.length - 1);
  if (!Number.isInteger(count) || countLine !== `${COUNT_LINE}${count}`) return null;
  const prefixes = new Float64Array(count);
  for (let i = 0, at = 0; i < count; i++, at += PREFIX_LINE_BYTES) {
    let value = 0;
    for (let d = 0; d < PREFIX_LENGTH; d++) {
      const digit = hexDigit(body[at + d]!);
      if (digit < 0) return null;
      value = value * 16 + digit;
    }
    if (body[at + PREFIX_LENGTH] !== NEWLINE) return null;
    prefixes[i] = value;
  }
  return prefixes;
}

async function sidecarStamp(csv: string): Promise<string> {
  const { size, mtimeMs } = await sizeAndTime(csv);
  return `${SIDECAR_FORMAT}:${size}:${mtimeMs}`;
}

/** The prefixes of a month's Crime IDs, from its sidecar (made when missing, stale or incomplete). */
export async function idPrefixes(csv: string): Promise<Float64Array> {
  const stamp = await sidecarStamp(csv);
  const bytes = await readFile(`${csv}.ids`).catch(() => null);
  const trusted = bytes === null ? null : trustedPrefixes(bytes, stamp);
  if (trusted) return trusted;
  // Every record starts a line with its Crime ID; a line inside a quoted field that happens to
  // look like an ID only adds a candidate, which the full comparison then rejects.
  const lines: string[] = [];
  for (const line of (await readFile(csv, 'utf8')).split('\n')) {
    const id = line.slice(0, line.indexOf(','));
    if (CRIME_ID.test(id)) lines.push(id.slice(0, PREFIX_LENGTH));
  }
  await writeSidecar(csv, stamp, lines, lines.length);
  return Float64Array.from(lines, prefixOf);
}
