// The pipeline's yardstick: the plainest one-thread reading of the same input, every CSV file
// of every month folder read whole, split into lines and each line into fields on commas,
// rows and fields counted (and printed, so no step of it can be skipped). It parses nothing
// else (no quotes, no numbers) and writes nothing: the floor below which no pipeline that
// reads its input once can go. `node bench/read-split.ts <archive dir>` prints JSON.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MONTH_PATTERN } from '../src/shared/months.ts';

export interface ReadSplitCount {
  files: number;
  bytes: number;
  /** Lines after each file's header. */
  rows: number;
  fields: number;
}

/** Read and split every `<month>/*.csv` under `archiveDir`. */
export function readAndSplit(archiveDir: string): ReadSplitCount {
  const count: ReadSplitCount = { files: 0, bytes: 0, rows: 0, fields: 0 };
  const months = readdirSync(archiveDir)
    .filter((m) => MONTH_PATTERN.test(m))
    .sort();
  for (const month of months) {
    const dir = path.join(archiveDir, month);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.csv'))) {
      const bytes = readFileSync(path.join(dir, file));
      count.files += 1;
      count.bytes += bytes.length;
      const lines = bytes.toString('utf8').split('\n');
      for (let i = 1; i < lines.length; i++) {
        const line = lines[i] as string;
        if (line === '') continue;
        count.rows += 1;
        count.fields += line.split(',').length;
      }
    }
  }
  if (count.files === 0) throw new Error(`No <YYYY-MM>/*.csv files under ${archiveDir}`);
  return count;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = process.argv[2];
  if (dir === undefined) {
    console.error('Usage: node bench/read-split.ts <archive dir>');
    process.exit(2);
  }
  try {
    console.log(JSON.stringify(readAndSplit(dir)));
  } catch (error) {
    // Loaded only here: the yardstick's measured run loads nothing it does not need.
    const { printFailure } = await import('../pipeline/command-failure.ts');
    const { errorMessage } = await import('../src/shared/error-message.ts');
    printFailure(`bench/read-split.ts: ${errorMessage(error)}`, error);
    process.exit(1);
  }
}
