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
  /**
   * Where focus goes once the details are gone: not before, as what they covered (the
   * filters' sheet on a phone) is out of sight and cannot take focus until then.
   */
  const focusAfterClose = useRef<HTMLElement | null>(null);

  useLayoutEffect(() => {
    if (ward === null) {
      const back = focusAfterClose.current;
      focusAfterClose.current = null;
      back?.focus({ preventScroll: true });
      return;
    }
    if (!focusNext.current) return;
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
      const back = returnTo.current?.isConnected === true ? returnTo.current : fallback.current;
      returnTo.current = null;
      if (stateRef.current.ward === null) {
        back?.focus({ preventScroll: true });
        return;
      }
      focusAfterClose.current = back;
      commit({ ward: null }, 'push');
    };
    return {
      pick,
      close,
      toggle: (slug) => (stateRef.current.ward === slug ? close() : pick(slug)),
    };
  }, [commit, stateRef, fallback]);
}
