// The pipeline's command (`npm run pipeline`): cli.ts, run with Node's compile cache on. The
// cache keeps each module compiled, its types stripped, between runs (checked against the
// module's source, so an edited module is compiled again): loading the pipeline's modules
// was some 0.4 s of CPU of every run, a quarter of a monthly run's. It must be on before
// cli.ts and its imports are loaded, hence this entry, which loads them after turning it on.
// Plain JavaScript: an entry in TypeScript is loaded before the cache is on, and stripping its
// types loads Node's type stripper (some 80 ms of CPU), which the cached modules never need.
import { enableCompileCache } from 'node:module';

enableCompileCache();
// What main throws is printed escaped, as every command prints a failure (command-failure.ts).
const { EXIT, main } = await import('./cli.ts');
const { runCommand } = await import('./command-failure.ts');
await runCommand(
  'pipeline',
  () => main(process.argv.slice(2)),
  () => EXIT.failed,
);
