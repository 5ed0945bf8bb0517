// V8 keeps the pages a thread's heap has freed in a pool, for that thread to reuse. When a
// worker thread stops, its pool passes to the process and is freed only some 8 s later: at
// full scale the two month workers left about 100 MiB of pages resident while the steps after
// the months step ran, which made the run's peak memory. A memory-reducing collection (the
// one V8 runs when memory runs short) frees the thread's pool at once.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Collect this thread's garbage and give its heap's freed pages back to the system: for a
 * thread about to stop, once it has dropped what it held (the less is alive, the quicker).
 */
export function releaseFreedHeapPages(): void {
  // The collector's own entry point, exposed for a moment to a context of its own only.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as NodeJS.GCFunction;
  setFlagsFromString('--no-expose-gc');
  gc({ type: 'major', flavor: 'last-resort', execution: 'sync' });
}
