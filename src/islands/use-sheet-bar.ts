// The height of the filters' bar on a phone, where it is a sheet fixed to the bottom of the
// screen: kept in a custom property on <html> that the page's stylesheet (crime-map.css)
// reserves room for (the page's end, the room kept under a focused control, the map's foot).
// The bar's summary takes more lines for a longer window ("…, no data for Apr 2024–Jan 2025")
// or a narrower screen, so its height is measured, not assumed; the stylesheet's value stands
// until the first measurement.
import type { RefObject } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';

/** The custom property crime-map.css reads the bar's height from. */
export const SHEET_BAR_PROPERTY = '--sheet-bar';

/**
 * Keep SHEET_BAR_PROPERTY at the height of `panel` while it is closed (its bar alone), in whole
 * pixels, never less than the bar. Measured by a ResizeObserver, so only when that height
 * changes (the summary wraps to more or fewer lines, the screen turns), never on a filter change
 * that leaves it as it was. While open the panel is the open sheet, whose height the stylesheet
 * sets: the last closed height stands, and the panel is measured again as it closes. On a wide
 * screen the panel is a side panel, not fixed to the screen's foot: its height is no bar's, and
 * the property is removed, so a screen that narrows (a tablet turned) with the filters open has
 * the stylesheet's bar, not the side panel's height, until they close.
 */
export function useSheetBar(panel: RefObject<HTMLElement>, open: boolean): void {
  const openRef = useRef(open);
  openRef.current = open;

  useLayoutEffect(() => {
    const element = panel.current;
    if (element === null) return;
    const root = document.documentElement;
    const observer = new ResizeObserver((entries) => {
      const entry = entries.at(-1);
      if (entry === undefined) return;
      // Read after layout, when the style is up to date: no extra work for the browser.
      if (getComputedStyle(element).position !== 'fixed') {
        root.style.removeProperty(SHEET_BAR_PROPERTY);
        return;
      }
      if (openRef.current) return;
      const height = entry.borderBoxSize[0]?.blockSize;
      if (height === undefined || height === 0) return;
      root.style.setProperty(SHEET_BAR_PROPERTY, `${Math.ceil(height)}px`);
    });
    observer.observe(element, { box: 'border-box' });
    return () => {
      observer.disconnect();
      root.style.removeProperty(SHEET_BAR_PROPERTY);
    };
  }, [panel]);
}
