// A month worker's entry (month-pool.ts starts it): month-worker.ts, loaded with Node's
// compile cache on, as cli-entry.mjs loads cli.ts. The cache is the process's, but a worker
// thread uses it only once it has turned it on itself: without this, each worker of every
// run stripped the types of the modules it loads and compiled them anew, some 120 ms of CPU
// a worker. Plain JavaScript, for the same reason as cli-entry.mjs.
import { enableCompileCache } from 'node:module';

enableCompileCache();
await import('./month-worker.ts');
