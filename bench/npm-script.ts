// How an npm script of the form `node [options] <entry.ts>` starts Node, so that the benchmark
// runs the entry with the same options (package.json sets the pipeline's memory settings
// there) while measuring Node's own process, without npm's.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from './paths.ts';

export interface NodeScript {
  /** Node's own options, as the script gives them ("--max-semi-space-size=4"). */
  nodeOptions: string[];
  /** The entry point, relative to the repository root. */
  entry: string;
}

/** `command` (an npm script) as Node options and an entry point; throws when it is another form. */
export function parseNodeScript(name: string, command: string): NodeScript {
  const [program, ...words] = command.trim().split(/\s+/);
  const entryAt = words.findIndex((word) => !word.startsWith('-'));
  if (program !== 'node' || entryAt < 0 || entryAt !== words.length - 1) {
    throw new Error(
      `npm script "${name}" is "${command}": the benchmark runs only scripts of the form ` +
        '`node [options] <entry.ts>`',
    );
  }
  return { nodeOptions: words.slice(0, entryAt), entry: words[entryAt]! };
}

/** The npm script `name` of the repository's package.json, as Node options and an entry point. */
export async function nodeScript(name: string, root: string = REPO_ROOT): Promise<NodeScript> {
  const file = path.join(root, 'package.json');
  const { scripts } = JSON.parse(await readFile(file, 'utf8')) as {
    scripts?: Record<string, string>;
  };
  const command = scripts?.[name];
  if (command === undefined) throw new Error(`${file} has no "${name}" script`);
  return parseNodeScript(name, command);
}
