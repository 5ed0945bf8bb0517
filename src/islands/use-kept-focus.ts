// Focus that a change of view takes away is given to the control before it. Back or forward
// can take away the element that has the keyboard's focus (the ranking, for a window without
// data; the heat controls, for the wards' view; the link's notes, with their button), and a
// browser then leaves focus at the page's start, where a keyboard or screen reader user has to
// find their way back from. Parts that handle their own focus (a ward's details, a ward button
// moved in the ranking) have done so by the time this runs, and are left alone.
import type { RefObject } from 'preact';
import { useLayoutEffect } from 'preact/hooks';

/** Elements that can take focus; focusable() narrows them to what Tab would reach. */
const CANDIDATES = 'a[href], button, input, select, textarea, summary, [tabindex]';

/** Whether Tab can reach `el` now: enabled, in the tab order, shown, the checked radio of its group. */
function focusable(el: HTMLElement): boolean {
  if (!el.isConnected || el.tabIndex < 0 || el.matches(':disabled')) return false;
  if (el instanceof HTMLInputElement && el.type === 'radio' && !el.checked) return false;
  return typeof el.checkVisibility === 'function'
    ? el.checkVisibility({ visibilityProperty: true })
    : el.getClientRects().length > 0;
}

/**
 * After each render of the island under `root`: when the render took away the element that
 * had focus (focus is back on the document's body), focus goes to the nearest control before
 * it in its part of the island that Tab still reaches, else to `fallback`, the map's box (a
 * link's notes, before the map, go to it).
 */
export function useKeptFocus(root: RefObject<HTMLElement>, fallback: RefObject<HTMLElement>): void {
  // Read as the render starts, before it changes the page; none when rendered to a string.
  const active = typeof document === 'undefined' ? null : document.activeElement;
  const container = root.current;
  const had = active instanceof HTMLElement && container?.contains(active) ? active : null;
  // The controls before it in its part of the island (the panel, or the map's area), nearest
  // first: after the render the element may be gone, and with it where it stood. The map counts
  // as one: not its zoom buttons or its tiles' attribution.
  const map = fallback.current;
  const part =
    had === null ? undefined : [...(container?.children ?? [])].find((c) => c.contains(had));
  const before =
    had === null || part === undefined
      ? []
      : [...part.querySelectorAll<HTMLElement>(CANDIDATES)]
          .filter(
            (el) =>
              had.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING &&
              (el === map || !map?.contains(el)),
          )
          .reverse();
  useLayoutEffect(() => {
    if (had === null) return;
    const now = document.activeElement;
    if (now !== null && now !== document.body) return;
    if (focusable(had)) return;
    const next = before.find(focusable) ?? fallback.current;
    next?.focus({ preventScroll: true });
  });
}
