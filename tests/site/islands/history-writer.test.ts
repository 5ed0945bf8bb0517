// The history writer against a stand-in for the browser's location and history: entries are
// kept in an array, as the browser keeps them for one tab.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  IDLE_TIMEOUT_MS,
  SETTLE_MS,
  createHistoryWriter,
} from '../../../src/islands/history-writer.ts';

let entries: string[];
let index: number;

beforeEach(() => {
  vi.useFakeTimers();
  entries = [''];
  index = 0;
  const location = {
    pathname: '/',
    hash: '',
    get search() {
      return entries[index] ?? '';
    },
  };
  const history = {
    pushState(_: unknown, __: string, url: string) {
      entries = [...entries.slice(0, index + 1), url.slice(1)];
      index += 1;
    },
    replaceState(_: unknown, __: string, url: string) {
      entries[index] = url.slice(1);
    },
  };
  vi.stubGlobal('window', { location, history });
  vi.stubGlobal('requestAnimationFrame', (callback: () => void) => setTimeout(callback, 16));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** Let the writer's frame and task run. */
async function written(): Promise<void> {
  await vi.advanceTimersByTimeAsync(20);
}

describe('createHistoryWriter(onPending)', () => {
  it('push(search) adds one entry per discrete change, in order', async () => {
    const writer = createHistoryWriter(() => {});
    writer.push('?a=1');
    writer.push('?a=2');
    await written();
    expect(entries).toEqual(['', '?a=1', '?a=2']);
  });

  it('amend(search) changes the newest entry, waiting or written, and adds none', async () => {
    const writer = createHistoryWriter(() => {});
    writer.push('?ward=a');
    writer.amend('?ward=a&c=1');
    await written();
    expect(entries).toEqual(['', '?ward=a&c=1']);
    writer.push('?ward=b');
    await written();
    writer.amend('?ward=b&c=2');
    await written();
    expect(entries).toEqual(['', '?ward=a&c=1', '?ward=b&c=2']);
    expect(index).toBe(2);
  });

  it('step(search, control) makes a run of steps one entry, replaced by each later step', async () => {
    const writer = createHistoryWriter(() => {});
    for (const n of [1, 2, 3]) {
      writer.step(`?from=${n}`, 'from,to');
      await written();
    }
    expect(entries).toEqual(['', '?from=3']);
    expect(index).toBe(1);
  });

  it('starts a new entry once the move settled, or another control moves, or a push comes', async () => {
    const writer = createHistoryWriter(() => {});
    writer.step('?from=1', 'from,to');
    await written();
    await vi.advanceTimersByTimeAsync(SETTLE_MS);
    writer.step('?from=2', 'from,to');
    await written();
    writer.step('?from=2&intensity=6', 'intensity');
    await written();
    writer.push('?from=2&intensity=6&cc=1');
    writer.step('?from=2&intensity=7&cc=1', 'intensity');
    await written();
    expect(entries).toEqual([
      '',
      '?from=1',
      '?from=2',
      '?from=2&intensity=6',
      '?from=2&intensity=6&cc=1',
      '?from=2&intensity=7&cc=1',
    ]);
  });

  it('reports pending entries until they are written', async () => {
    const pending: boolean[] = [];
    const writer = createHistoryWriter((p) => pending.push(p));
    writer.push('?a=1');
    expect(pending).toEqual([true]);
    await written();
    expect(pending).toEqual([true, false]);
  });

  it('discard() drops entries not yet written (after back or forward)', async () => {
    const writer = createHistoryWriter(() => {});
    writer.push('?a=1');
    writer.discard();
    await written();
    expect(entries).toEqual(['']);
  });

  describe('with requestIdleCallback', () => {
    let idle: { run(): void; timeout: number | undefined }[];
    let replaced: number;

    beforeEach(() => {
      idle = [];
      vi.stubGlobal('requestIdleCallback', (run: () => void, options?: { timeout?: number }) => {
        idle.push({ run, timeout: options?.timeout });
        return idle.length;
      });
      replaced = 0;
      const history = (window as unknown as { history: { replaceState(...a: unknown[]): void } })
        .history;
      const replaceState = history.replaceState.bind(history);
      history.replaceState = (...args: unknown[]) => {
        replaced += 1;
        replaceState(...args);
      };
    });

    /** The browser's next idle period: run the callbacks asked for so far. */
    const idleTime = () => {
      for (const callback of idle.splice(0)) callback.run();
    };

    it('writes an entry in the idle time after the frame that shows the change, not before', async () => {
      const pending: boolean[] = [];
      const writer = createHistoryWriter((p) => pending.push(p));
      writer.push('?a=1');
      await written();
      expect(entries).toEqual(['']);
      expect(pending).toEqual([true]);
      expect(idle.map((c) => c.timeout)).toEqual([IDLE_TIMEOUT_MS]);
      idleTime();
      expect(entries).toEqual(['', '?a=1']);
      expect(pending).toEqual([true, false]);
    });

    it('writes the steps made before its idle time as one replacement, ending on the last view', async () => {
      const writer = createHistoryWriter(() => {});
      writer.step('?from=1', 'from,to');
      await written();
      idleTime();
      for (const n of [2, 3, 4]) {
        writer.step(`?from=${n}`, 'from,to');
        await written();
      }
      idleTime();
      expect(entries).toEqual(['', '?from=4']);
      expect(replaced).toBe(1);
    });

    it('discard() drops entries still waiting for idle time', async () => {
      const writer = createHistoryWriter(() => {});
      writer.push('?a=1');
      await written();
      writer.discard();
      idleTime();
      expect(entries).toEqual(['']);
    });
  });
});
