// History entries for the map's view, written after the frame that shows the change. In
// Chromium a pushState costs about a millisecond on the map page, as much as recomputing the
// figures; the address bar is not part of the picture, so it waits until the map and figures
// are painted. Every push still becomes its own entry, in order.

export interface HistoryWriter {
  /** Add `search` (a query string, "" for none) as a new entry, unless it is the latest one. */
  push(search: string): void;
  /**
   * Drop entries not yet written: after back or forward the browser is on another entry, and
   * writing them would put them on top of it.
   */
  discard(): void;
}

/**
 * `onPending(true)` when an entry is waiting to be written, `onPending(false)` once none is
 * (tests wait for it before they read the address bar).
 */
export function createHistoryWriter(onPending: (pending: boolean) => void): HistoryWriter {
  const queue: string[] = [];
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const { pathname, hash } = window.location;
    for (const search of queue.splice(0)) {
      window.history.pushState(null, '', `${pathname}${search}${hash}`);
    }
    onPending(false);
  };

  return {
    push(search) {
      if (search === (queue.at(-1) ?? window.location.search)) return;
      queue.push(search);
      if (scheduled) return;
      scheduled = true;
      onPending(true);
      // A task posted from the next animation frame runs once that frame has been rendered.
      requestAnimationFrame(() => setTimeout(flush, 0));
    },
    discard() {
      queue.length = 0;
    },
  };
}
