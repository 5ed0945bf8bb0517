// V8 keeps the pages a thread's heap has freed in a pool, for that thread to reuse. When a
// worker thread stops, its pool passes to the process and is freed only some 8 s later: at
// full scale the two month workers left about 100 MiB of pages resident while the steps after
// the months step ran, which made the run's peak memory. A memory-reducing collection (the
// one V8 runs when memory runs short) frees the thread's pool at once.
//
// The collector's entry point is reached through V8's --expose-gc flag, which is the
// process's, not the thread's: two workers stopping together could each set it, and one clear
// it before the other had made its context, which then had no `gc` (a run failed so, "gc is
// not defined"). The threads that call this share one lock for the moment the flag is set.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A lock for the flag, to share among every thread that calls releaseFreedHeapPages. */
export function createHeapReleaseLock(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
}

const UNLOCKED = 0;
const LOCKED = 1;
/**
 * The longest wait for the lock. A thread that died holding it (a worker stopped by its heap
 * limit) would otherwise keep the others waiting for ever; the release only saves memory.
 */
const LOCK_WAIT_MS = 10_000;

/**
 * Collect this thread's garbage and give its heap's freed pages back to the system: for a
 * thread about to stop, once it has dropped what it held (the less is alive, the quicker).
 * `lock` (createHeapReleaseLock) must be the one every other thread calling this uses.
 * Returns false, having released nothing, if the lock stayed taken for `waitMs`.
 */
export function releaseFreedHeapPages(lock: Int32Array, waitMs = LOCK_WAIT_MS): boolean {
  const giveUpAt = Date.now() + waitMs;
  while (Atomics.compareExchange(lock, 0, UNLOCKED, LOCKED) !== UNLOCKED) {
    const left = giveUpAt - Date.now();
    if (left <= 0) return false;
    Atomics.wait(lock, 0, LOCKED, left);
  }
  let gc: unknown;
  try {
    // Exposed for a moment to a context of its own only.
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('typeof gc === "function" ? gc : undefined');
  } finally {
    setFlagsFromString('--no-expose-gc');
    Atomics.store(lock, 0, UNLOCKED);
    Atomics.notify(lock, 0, 1);
  }
  if (typeof gc !== 'function') {
    throw new Error(
      'releaseFreedHeapPages: V8 did not expose its collector to a new context; another thread ' +
        'changed --expose-gc without the shared lock (createHeapReleaseLock)',
    );
  }
  (gc as NodeJS.GCFunction)({ type: 'major', flavor: 'last-resort', execution: 'sync' });
  return true;
}
