// Steps run one per idle period, against a stand-in scheduler that holds what it is asked for
// until the test says the page is idle; and whenIdle against stand-ins for the browser's own.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runStepsWhenIdle, whenIdle, type IdleScheduler } from '../../../src/islands/idle-steps.ts';

/** A scheduler that holds each callback until idle() runs the oldest one still held. */
function heldScheduler() {
  const held: { run: () => void; cancelled: boolean }[] = [];
  const schedule: IdleScheduler = (run) => {
    const entry = { run, cancelled: false };
    held.push(entry);
    return () => {
      entry.cancelled = true;
    };
  };
  return {
    schedule,
    /** Callbacks asked for and neither run nor taken back. */
    waiting: () => held.filter((h) => !h.cancelled).length,
    /** The page goes idle once: the oldest waiting callback runs. */
    idle() {
      const next = held.find((h) => !h.cancelled);
      if (next === undefined) throw new Error('nothing is waiting for idle time');
      next.cancelled = true;
      next.run();
    },
  };
}

describe('runStepsWhenIdle(steps, schedule)', () => {
  it('runs the steps in order, each in an idle period of its own', () => {
    const ran: number[] = [];
    const scheduler = heldScheduler();
    runStepsWhenIdle(
      [0, 1, 2].map((n) => () => ran.push(n)),
      scheduler.schedule,
    );
    expect(ran).toEqual([]);
    for (const n of [0, 1, 2]) {
      expect(scheduler.waiting()).toBe(1);
      scheduler.idle();
      expect(ran).toEqual([0, 1, 2].slice(0, n + 1));
    }
    expect(scheduler.waiting()).toBe(0);
  });

  it('asks for no idle time when there are no steps', () => {
    const scheduler = heldScheduler();
    const stop = runStepsWhenIdle([], scheduler.schedule);
    expect(scheduler.waiting()).toBe(0);
    stop();
  });

  it('stops the steps not yet run, and takes back the idle time asked for', () => {
    const ran: number[] = [];
    const scheduler = heldScheduler();
    const stop = runStepsWhenIdle(
      [0, 1, 2].map((n) => () => ran.push(n)),
      scheduler.schedule,
    );
    scheduler.idle();
    stop();
    expect(scheduler.waiting()).toBe(0);
    expect(ran).toEqual([0]);
  });

  it('runs no step once stopped, even when the idle callback comes all the same', () => {
    const ran: number[] = [];
    const late: (() => void)[] = [];
    // A scheduler that cannot take a callback back.
    const stop = runStepsWhenIdle(
      [0, 1].map((n) => () => ran.push(n)),
      (run) => {
        late.push(run);
        return () => {};
      },
    );
    stop();
    for (const run of late) run();
    expect(ran).toEqual([]);
  });

  it('asks for nothing more once a step stops the rest', () => {
    const ran: number[] = [];
    const scheduler = heldScheduler();
    let stop = () => {};
    stop = runStepsWhenIdle(
      [
        () => ran.push(0),
        () => {
          ran.push(1);
          stop();
        },
        () => ran.push(2),
      ],
      scheduler.schedule,
    );
    scheduler.idle();
    scheduler.idle();
    expect(ran).toEqual([0, 1]);
    expect(scheduler.waiting()).toBe(0);
  });
});

describe('whenIdle(run)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("runs in the browser's idle callback, and takes it back", () => {
    const callbacks = new Map<number, () => void>();
    vi.stubGlobal('requestIdleCallback', (run: () => void) => {
      callbacks.set(callbacks.size + 1, run);
      return callbacks.size;
    });
    vi.stubGlobal('cancelIdleCallback', (id: number) => callbacks.delete(id));
    const run = vi.fn();
    whenIdle(run);
    const stop = whenIdle(run);
    expect(callbacks.size).toBe(2);
    stop();
    expect([...callbacks.keys()]).toEqual([1]);
    callbacks.get(1)?.();
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('without requestIdleCallback, runs in a task after the next frame, unless taken back', () => {
    const frames = new Map<number, () => void>();
    vi.stubGlobal('requestIdleCallback', undefined);
    vi.stubGlobal('requestAnimationFrame', (run: () => void) => {
      frames.set(frames.size + 1, run);
      return frames.size;
    });
    vi.stubGlobal('cancelAnimationFrame', (id: number) => frames.delete(id));
    const frame = () => {
      const queued = [...frames.values()];
      frames.clear();
      for (const run of queued) run();
    };
    const run = vi.fn();
    whenIdle(run);
    vi.runAllTimers();
    expect(run).not.toHaveBeenCalled();
    frame();
    expect(run).not.toHaveBeenCalled();
    vi.runAllTimers();
    expect(run).toHaveBeenCalledTimes(1);
    // Taken back before its frame, or after the frame and before its task: it never runs.
    whenIdle(run)();
    const stop = whenIdle(run);
    frame();
    stop();
    vi.runAllTimers();
    expect(run).toHaveBeenCalledTimes(1);
  });
});
