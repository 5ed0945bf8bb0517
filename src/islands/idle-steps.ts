// Work run a step at a time while the page is idle, so that none of it stands between the
// reader and what they do: each step in an idle period of its own, and the rest dropped when
// the work is no longer wanted.

/**
 * Asks for `run` to be called once the page is idle, never before it returns; the function
 * returned takes it back.
 */
export type IdleScheduler = (run: () => void) => () => void;

/**
 * requestIdleCallback. Browsers without it (Safari) get a task posted from the next frame,
 * which runs once that frame has been rendered, as the history writer does.
 */
export const whenIdle: IdleScheduler = (run) => {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(run);
    return () => cancelIdleCallback(id);
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const frame = requestAnimationFrame(() => {
    timer = setTimeout(run, 0);
  });
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
};

/**
 * Run `steps` in order, each once the page is next idle after the one before. The function
 * returned stops those not yet run (the one running, if any, finishes). A step that throws
 * ends the run there: its error is the page's, as any callback's is.
 */
export function runStepsWhenIdle(
  steps: readonly (() => void)[],
  schedule: IdleScheduler = whenIdle,
): () => void {
  let next = 0;
  let pending: (() => void) | null = null;
  const runNext = () => {
    pending = null;
    const step = steps[next];
    if (step === undefined) return;
    next += 1;
    step();
    if (next < steps.length) pending = schedule(runNext);
  };
  if (steps.length > 0) pending = schedule(runNext);
  return () => {
    next = steps.length;
    pending?.();
    pending = null;
  };
}
