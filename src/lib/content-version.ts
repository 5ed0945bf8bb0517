// A file's address versioned by its content (`?v=` and the first hex digits of its SHA-256):
// the address changes exactly when the file does, so a browser or a CDN never serves a cached
// old file after a refresh (GitHub Pages lets them keep one for 10 minutes), and two builds of
// the same data give the same pages. Build-time only (Node).
import { createHash } from 'node:crypto';

/** Hex digits of a file's SHA-256 in its address: enough to tell its versions apart. */
export const VERSION_HEX_DIGITS = 12;

/** "crime-types.csv?v=0123456789ab": `file` (a path or an address) for `content`. */
export function versioned(file: string, content: string | Uint8Array): string {
  return versionedBySha256(file, createHash('sha256').update(content).digest('hex'));
}

/** versioned() of a file whose content's SHA-256 (hex) is known already (a manifest gives it). */
export function versionedBySha256(file: string, sha256: string): string {
  return `${file}?v=${sha256.slice(0, VERSION_HEX_DIGITS)}`;
}
