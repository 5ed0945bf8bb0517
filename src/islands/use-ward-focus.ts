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
): WardFocus {
  const returnTo = useRef<HTMLElement | null>(null);
  const focusNext = useRef(false);

  useLayoutEffect(() => {
    if (!focusNext.current || ward === null) return;
    focusNext.current = false;
    const heading = document.getElementById(WARD_HEADING_ID);
    heading?.focus({ preventScroll: true });
    heading?.scrollIntoView({ block: 'nearest' });
  }, [ward]);

  return useMemo(() => {
    const pick = (slug: string, patch: Partial<MapViewState> = {}) => {
      const active = document.activeElement;
      if (stateRef.current.ward === null || returnTo.current === null) {
        returnTo.current =
          active instanceof HTMLElement && active !== document.body ? active : null;
      }
      focusNext.current = true;
      commit({ ...patch, ward: slug }, 'push');
    };
    const close = () => {
      commit({ ward: null }, 'push');
      const back = returnTo.current?.isConnected === true ? returnTo.current : fallback.current;
      returnTo.current = null;
      back?.focus({ preventScroll: true });
    };
    return {
      pick,
      close,
      toggle: (slug) => (stateRef.current.ward === slug ? close() : pick(slug)),
    };
  }, [commit, stateRef, fallback]);
}
