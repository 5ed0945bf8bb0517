// Test support: zip a folder with yazl (file modification times kept), optionally under a
// top-level folder, as someone zipping their archive folder would; with `folders`, each folder
// also has its own entry ("2025-02/"), as `zip -r` writes, so an empty folder is kept.
import { createWriteStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import yazl from 'yazl';

export async function zipFolder(
  folder: string,
  zipPath: string,
  options: { prefix?: string; compress?: boolean; folders?: boolean } = {},
): Promise<void> {
  const zip = new yazl.ZipFile();
  const output = createWriteStream(zipPath);
  zip.outputStream.pipe(output);
  for (const relative of await listFiles(folder, '', options.folders ?? false)) {
    const full = path.join(folder, relative);
    const name = options.prefix ? `${options.prefix}/${relative}` : relative;
    if (relative.endsWith('/')) {
      zip.addEmptyDirectory(name, { mtime: (await stat(full)).mtime });
      continue;
    }
    zip.addFile(full, name, {
      mtime: (await stat(full)).mtime,
      compress: options.compress ?? true,
    });
  }
  zip.end();
  await finished(output);
}

async function listFiles(folder: string, relative: string, folders: boolean): Promise<string[]> {
  const entries = await readdir(path.join(folder, relative), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (folders) files.push(`${child}/`);
      files.push(...(await listFiles(folder, child, folders)));
    } else files.push(child);
  }
  return files;
}
