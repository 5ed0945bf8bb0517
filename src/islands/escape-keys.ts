// Escape on the map page closes the innermost disclosure that holds focus, focus going to what
// opens it again: a fold-out list (the crime types, the rate legend's note, the tables in a
// ward's details, the ranking's other wards), then the filters' sheet on a narrow screen
// (MapPanel), as the ward's details (WardDetails) and a link's notes (MapArea) close on it,
// focus going to what opened them or to the map they were over.
import type { JSX } from 'preact';

/**
 * Whether Escape pressed on `target` is left to it: a search field clears its text on Escape
 * (Chromium, Safari), and that comes first; the next Escape closes what holds it.
 */
export function escapeIsTheFields(target: EventTarget | null): boolean {
  return target instanceof HTMLInputElement && target.type === 'search' && target.value !== '';
}

/** A <details>' keydown: Escape folds it, focus on its summary (its toggle event follows). */
export function foldOnEscape(e: JSX.TargetedKeyboardEvent<HTMLDetailsElement>): void {
  const details = e.currentTarget;
  if (e.key !== 'Escape' || e.defaultPrevented || !details.open || escapeIsTheFields(e.target)) {
    return;
  }
  e.preventDefault();
  details.querySelector('summary')?.focus({ preventScroll: true });
  details.open = false;
}
