// Focus that a change of view or of layout takes away is given to the control before it. Back
// or forward can take away the element that has the keyboard's focus (the ranking, for a
// window without data; the heat controls, for the wards' view; the link's notes, with their
// button), and a tablet turned between its wide and narrow layouts hides the controls of one
// (the legend's links to the side panel's notes, the filters under a ward's details): a browser
// then leaves focus at the page's start, where a keyboard or screen reader user has to find
// their way back from. Parts that handle their own focus (a ward's details, a ward button moved
// in the ranking) have done so by the time this runs, and are left alone.
import type { RefObject } from 'preact';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';

/** Elements that can take focus; focusable() narrows them to what Tab would reach. */
const CANDIDATES = 'a[href], button, input, select, textarea, summary, [tabindex]';

/**
 * Marks the forms one control takes in the two layouts, with one value for all of them (the
 * legend's link to a side panel's note, the note, and the legend's fold-out form of it): a
 * control that a new layout hides gives focus to its twin that the layout shows.
 */
const TWIN_ATTRIBUTE = 'data-twin';

/** Whether `el` is shown: in the page, not hidden by a style of its own or of a parent. */
function shown(el: HTMLElement): boolean {
  if (!el.isConnected) return false;
  return typeof el.checkVisibility === 'function'
    ? el.checkVisibility({ visibilityProperty: true })
    : el.getClientRects().length > 0;
}

/** Whether Tab can reach `el` now: enabled, in the tab order, shown, the checked radio of its group. */
function focusable(el: HTMLElement): boolean {
  if (el.tabIndex < 0 || el.matches(':disabled')) return false;
  if (el instanceof HTMLInputElement && el.type === 'radio' && !el.checked) return false;
  return shown(el);
}

/**
 * The controls before `had` in its part of the island under `container` (the panel, or the
 * map's area), nearest first. The map counts as one: not its zoom buttons or its tiles'
 * attribution.
 */
function controlsBefore(
  container: HTMLElement,
  had: HTMLElement,
  map: HTMLElement | null,
): HTMLElement[] {
  const part = [...container.children].find((c) => c.contains(had));
  if (part === undefined) return [];
  return [...part.querySelectorAll<HTMLElement>(CANDIDATES)]
    .filter(
      (el) =>
        had.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING &&
        (el === map || !map?.contains(el)),
    )
    .reverse();
}

/** The forms of `el` in the other layout (TWIN_ATTRIBUTE) under `container`, in page order. */
function twinsOf(container: HTMLElement, el: HTMLElement): HTMLElement[] {
  const twin = el.getAttribute(TWIN_ATTRIBUTE);
  if (twin === null) return [];
  return [...container.querySelectorAll<HTMLElement>(`[${TWIN_ATTRIBUTE}]`)].filter(
    (other) => other !== el && other.getAttribute(TWIN_ATTRIBUTE) === twin,
  );
}

/**
 * After each render of the island under `root`: when the render took away the element that
 * had focus (focus is back on the document's body), focus goes to the nearest control before
 * it in its part of the island that Tab still reaches, else to `fallback`, the map's box (a
 * link's notes, before the map, go to it).
 *
 * And whenever the page's layout hides the element that has focus (a tablet turned; no render
 * of the island), focus goes to its twin in the new layout (TWIN_ATTRIBUTE), else to the
 * nearest control before it as above, else to the first of `covers()` shown (what now covers
 * it: a ward's details over the filters' sheet), else to `fallback`.
 */
export function useKeptFocus(
  root: RefObject<HTMLElement>,
  fallback: RefObject<HTMLElement>,
  covers: () => readonly (HTMLElement | null)[] = () => [],
): void {
  // Read as the render starts, before it changes the page; none when rendered to a string.
  const active = typeof document === 'undefined' ? null : document.activeElement;
  const container = root.current;
  const had = active instanceof HTMLElement && container?.contains(active) ? active : null;
  // After the render the element may be gone, and with it where it stood.
  const before =
    had === null || container === null ? [] : controlsBefore(container, had, fallback.current);
  useLayoutEffect(() => {
    if (had === null) return;
    const now = document.activeElement;
    if (now !== null && now !== document.body) return;
    if (focusable(had)) return;
    const next = before.find(focusable) ?? fallback.current;
    next?.focus({ preventScroll: true });
  });

  const coversRef = useRef(covers);
  coversRef.current = covers;
  useEffect(() => {
    const container = root.current;
    if (container === null) return undefined;
    // Chromium takes focus from an element that a new layout hides as it lays the page out,
    // before the window's resize event: a blur to no other element, the element still in the
    // page but no longer shown. A blur to nothing from an element still shown is the reader's
    // (a click on the page, another window), and one removed was taken by a render (above).
    const onFocusOut = (e: FocusEvent) => {
      const lost = e.target;
      if (e.relatedTarget !== null || !(lost instanceof HTMLElement)) return;
      if (!lost.isConnected || shown(lost)) return;
      const now = document.activeElement;
      if (now !== null && now !== document.body) return;
      const next =
        twinsOf(container, lost).find(focusable) ??
        controlsBefore(container, lost, fallback.current).find(focusable) ??
        coversRef.current().find((el): el is HTMLElement => el !== null && shown(el)) ??
        fallback.current;
      next?.focus({ preventScroll: true });
    };
    container.addEventListener('focusout', onFocusOut);
    return () => container.removeEventListener('focusout', onFocusOut);
  }, [root, fallback]);
}
