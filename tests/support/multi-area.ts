// Set-up shared by the runs for several districts (tests/pipeline/multi-area-*.test.ts):
// British Transport Police street rows made of sample rows, and a repository with a second
// district made from Leeds's configuration.
import { readFileSync } from 'node:fs';
import { cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Sample rows of each district that are made British Transport Police's. */
export const BTP_ROWS_PER_DISTRICT = 40;

/** Sample rows of a street file, as text lines (police.uk's street rows hold no line breaks). */
export function streetLines(file: string): { header: string; rows: string[] } {
  const [header, ...rows] = readFileSync(file, 'utf8').trimEnd().split(/\r?\n/);
  return { header: header!, rows };
}

/** A street row as British Transport Police's: its force, another Crime ID, marked TEST DATA. */
export function asBtp(line: string): string {
  const [id, month, , , ...rest] = line.split(',');
  rest[rest.length - 1] = 'TEST DATA';
  return [
    id === '' ? '' : `b${id!.slice(1)}`,
    month,
    ...Array(2).fill('British Transport Police'),
    ...rest,
  ].join(',');
}

/**
 * A repository at `root` with Leeds and a second district, leeds-twin, made from Leeds's
 * configuration: both read the West Yorkshire files. The reference data is linked, not copied.
 */
export async function writeLeedsTwin(root: string): Promise<void> {
  await mkdir(path.join(root, 'data', 'areas', 'leeds-twin'), { recursive: true });
  await symlink(path.resolve('data/reference'), path.join(root, 'data', 'reference'));
  await cp(path.resolve('data/areas/leeds'), path.join(root, 'data', 'areas', 'leeds'), {
    recursive: true,
  });
  const config = JSON.parse(await readFile('data/areas/leeds/area.json', 'utf8')) as Record<
    string,
    unknown
  >;
  await writeFile(
    path.join(root, 'data', 'areas', 'leeds-twin', 'area.json'),
    JSON.stringify({ ...config, slug: 'leeds-twin', siteName: 'Leeds Twin' }, null, 2),
  );
}
