// Picking and closing a ward, with focus handled as for a dialog: the details take focus when
// the user picks a ward, and closing them hands focus back to where it was.
import { useLayoutEffect, useMemo, useRef, type MutableRef } from 'preact/hooks';
import type { MapViewState } from '../lib/map-state.ts';
import type { Commit } from './use-map-state.ts';

export interface WardFocus {
  pick(slug: string, patch?: Partial<MapViewState>): void;
  /** Pick the ward, or close its details if it is the one open. */
  toggle(slug: string): void;
  close(): void;
}

export const WARD_HEADING_ID = 'crime-map-ward-name';

export function useWardFocus(
  commit: Commit,
  stateRef: MutableRef<MapViewState>,
  fallback: MutableRef<HTMLElement | null>,
  ward: string | null,
  /**
   * Called once the details of a ward the user picked are shown, unless the pick set the
   * map's view itself (a place found): to bring the ward out from under the details.
   */
  onShown: (slug: string) => void = () => {},
): WardFocus {
  const returnTo = useRef<HTMLElement | null>(null);
  /** The next pick's ward is to be brought into view (its pick set no view of its own). */
  const reveal = useRef(false);
  const shownRef = useRef(onShown);
  shownRef.current = onShown;
  /**
   * Where focus goes once the next render has the ward's state: the details' heading after a
   * pick; after a close, back to where it was (or the map), once the details are gone and what
   * they covered (the filters' sheet on a phone) can take focus. Null for a change of ward
   * not made here (the browser's Back button), which moves no focus unless the details held
   * it (then it goes back as after a close) or cover it (then it goes to their heading), rather
   * than to the page's start.
   */
  const pending = useRef<'heading' | 'back' | null>(null);
  /** The ward of the last render, to tell details that closed from none that were open. */
  const shown = useRef(ward);

  useLayoutEffect(() => {
    // Taken by whatever change of ward comes next, so none is left for a later one.
    const next = pending.current;
    pending.current = null;
    const closed = shown.current !== null && ward === null;
    shown.current = ward;
    if (ward === null) {
      // Focus inside the details is lost with them (the document's body has it).
      const lost = document.activeElement === null || document.activeElement === document.body;
      if (next !== 'back' && !(closed && lost)) return;
      const back = returnTo.current?.isConnected === true ? returnTo.current : fallback.current;
      returnTo.current = null;
      back?.focus({ preventScroll: true });
      return;
    }
    // Details that Back or Forward opens take focus too when they hide what had it: on a narrow
    // screen they cover the filters (crime-map.css), and the browser would move the focus from a
    // control out of sight to the page's start.
    if (next === 'heading' || focusHidden()) focusHeading();
    if (next === 'heading' && reveal.current) shownRef.current(ward);
    reveal.current = false;
  }, [ward, fallback]);

  return useMemo(() => {
    const pick = (slug: string, patch: Partial<MapViewState> = {}) => {
      const active = document.activeElement;
      if (stateRef.current.ward === null || returnTo.current === null) {
        returnTo.current =
          active instanceof HTMLElement && active !== document.body ? active : null;
      }
      // The ward open already changes no ward, and no change would take a pending target: its
      // details are there, and take focus now.
      const open = stateRef.current.ward === slug;
      pending.current = open ? null : 'heading';
      reveal.current = !open && patch.centre === undefined;
      commit({ ...patch, ward: slug }, 'push');
      if (open) focusHeading();
    };
    const close = () => {
      if (stateRef.current.ward === null) return;
      pending.current = 'back';
      commit({ ward: null }, 'push');
    };
    return {
      pick,
      close,
      toggle: (slug) => (stateRef.current.ward === slug ? close() : pick(slug)),
    };
  }, [commit, stateRef, fallback]);
}

/** Whether the element with focus is out of sight (hidden by a style), not the page itself. */
function focusHidden(): boolean {
  const active = document.activeElement;
  return (
    active instanceof HTMLElement &&
    active !== document.body &&
    typeof active.checkVisibility === 'function' &&
    !active.checkVisibility({ visibilityProperty: true })
  );
}

/** The ward details' heading takes focus, scrolled into view. */
function focusHeading(): void {
  const heading = document.getElementById(WARD_HEADING_ID);
  heading?.focus({ preventScroll: true });
  heading?.scrollIntoView({ block: 'nearest' });
}
