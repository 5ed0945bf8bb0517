// readApiMonth(file): an API month snapshot that cannot be read says which file and how to
// have the month fetched again (the fetch step keeps a saved month while it is current).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readApiMonth } from '../../pipeline/api-months.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'api-months-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readAll(text: string): Promise<unknown> {
  const file = path.join(dir, '2025-03.json');
  await writeFile(file, text);
  try {
    for await (const _ of readApiMonth({ path: file })) {
      // read to the end
    }
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('readApiMonth(file)', () => {
  it.each([
    ['not JSON', '[{', 'is not readable JSON'],
    ['not an array', '{}', 'is not a JSON array of crimes-street objects'],
    ['an element that is not a crime', '[null]', 'is not a crimes-street object'],
  ])(
    'says to delete a snapshot that is %s, and that a run online then fetches it',
    async (_, text, problem) => {
      const file = path.join(dir, '2025-03.json');
      const error = (await readAll(text)) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toContain(problem);
      expect(error.message).toContain(
        `; delete ${file} and run the pipeline online: the month is then fetched again`,
      );
    },
  );
});
