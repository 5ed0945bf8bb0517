// History entries for the map's view, written in the page's idle time after the frame that
// shows the change. In Chromium a pushState or replaceState costs about a millisecond on the
// map page, as much as recomputing the figures; the address bar is not part of the picture, so
// it waits until the map and figures are painted and nothing more urgent (the next input, the
// next frame) is waiting. While a slider is dragged, the steps made before the writer's turn
// comes are written as one.
//
// A discrete change (a checkbox, a ward) is one entry. A continuous change (a slider dragged or
// stepped with arrow keys, the map panned or zoomed) is one entry too: its first step adds the
// entry, the later steps replace it, and it ends once no step came for SETTLE_MS, a discrete
// change arrives, or another control starts moving. Back then returns to the view before the whole move.

/**
 * Quiet time after which the next step of a continuous change starts a new entry: longer than
 * the pause between taps of an arrow key, or between two drags of one look around the map.
 */
export const SETTLE_MS = 2000;

/**
 * Longest wait for idle time: a page kept busy (a long drag on a slow phone) still gets its
 * address bar within a few frames.
 */
export const IDLE_TIMEOUT_MS = 200;

export interface HistoryWriter {
  /** A discrete change: `search` (a query string, "" for none) as a new entry. */
  push(search: string): void;
  /** One step of a continuous change of the control named `control`. */
  step(search: string, control: string): void;
  /**
   * The newest entry (waiting or written) becomes `search`, adding none: the rest of the change
   * that made it (a picked ward brought into view is part of picking it: back undoes both).
   */
  amend(search: string): void;
  /**
   * Drop entries not yet written and end a continuous change: after back or forward the
   * browser is on another entry, and writing them would put them on top of it.
   */
  discard(): void;
}

interface Pending {
  search: string;
  replace: boolean;
}

/**
 * `onPending(true)` when an entry is waiting to be written, `onPending(false)` once none is
 * (tests wait for it before they read the address bar).
 */
export function createHistoryWriter(onPending: (pending: boolean) => void): HistoryWriter {
  const queue: Pending[] = [];
  let scheduled = false;
  /** The control of the continuous change under way, or null. */
  let moving: string | null = null;
  let settleTimer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    scheduled = false;
    const { pathname, hash } = window.location;
    for (const { search, replace } of queue.splice(0)) {
      const url = `${pathname}${search}${hash}`;
      if (replace) window.history.replaceState(null, '', url);
      else window.history.pushState(null, '', url);
    }
    onPending(false);
  };

  const enqueue = (entry: Pending) => {
    queue.push(entry);
    if (scheduled) return;
    scheduled = true;
    onPending(true);
    // Asked for from the frame that shows the change, idle time comes once that frame has been
    // rendered. Browsers without requestIdleCallback (Safari) get a task posted from the frame,
    // which runs once it has been rendered too.
    requestAnimationFrame(() => {
      if (typeof requestIdleCallback === 'function') {
        requestIdleCallback(flush, { timeout: IDLE_TIMEOUT_MS });
      } else {
        setTimeout(flush, 0);
      }
    });
  };

  const latest = () => queue.at(-1)?.search ?? window.location.search;

  const endMove = () => {
    moving = null;
    clearTimeout(settleTimer);
  };

  return {
    push(search) {
      endMove();
      if (search !== latest()) enqueue({ search, replace: false });
    },
    step(search, control) {
      if (search === latest()) return;
      clearTimeout(settleTimer);
      settleTimer = setTimeout(endMove, SETTLE_MS);
      if (moving !== control) {
        moving = control;
        enqueue({ search, replace: false });
        return;
      }
      const last = queue.at(-1);
      // Not yet written: the queued entry takes the newer view.
      if (last !== undefined) last.search = search;
      else enqueue({ search, replace: true });
    },
    amend(search) {
      if (search === latest()) return;
      const last = queue.at(-1);
      if (last !== undefined) last.search = search;
      else enqueue({ search, replace: true });
    },
    discard() {
      queue.length = 0;
      endMove();
    },
  };
}
