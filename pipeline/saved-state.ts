// State a run keeps in its cache folder for the next (the months step's folds, the Crime ID
// index): a v8 serialisation behind its own SHA-256, `sha256(BODY) BODY`, so that a file cut
// short or damaged reads as nothing saved rather than as wrong state.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { deserialize, serialize } from 'node:v8';
import { writeFileAtomic } from './write.ts';

const HASH_BYTES = 32;

/** Save `value` to `file`; `what` names it in the error when the file cannot be written. */
export async function saveState(file: string, value: unknown, what: string): Promise<void> {
  const body = serialize(value);
  const hash = createHash('sha256').update(body).digest();
  try {
    await writeFileAtomic(file, [hash, body]);
  } catch (cause) {
    throw new Error(
      `could not save ${what} to ${file}: check that the cache folder is writable and has ` +
        'space, then run again',
      { cause },
    );
  }
}

/**
 * What `file` holds, or null when it is missing, unreadable or does not match its hash. The
 * caller checks the shape: a file of another format deserialises to something else.
 */
export async function readState(file: string): Promise<unknown> {
  try {
    const bytes = await readFile(file);
    const body = bytes.subarray(HASH_BYTES);
    const hash = createHash('sha256').update(body).digest();
    return hash.equals(bytes.subarray(0, HASH_BYTES)) ? deserialize(body) : null;
  } catch {
    return null;
  }
}
