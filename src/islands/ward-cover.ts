// How much of the map the ward details cover, so that a picked ward can be brought out from
// under them (MapLayers.revealWard). DOM reads only; no Leaflet.
/**
 * How much of the map `panel` covers: from its right side (the details beside the filters on a
 * desktop) or from its foot (a sheet on a phone), in pixels; none when they do not overlap.
 */
export function coverOf(
  panel: Element | null,
  map: Element | null,
): { right: number; bottom: number } {
  if (panel === null || map === null) return { right: 0, bottom: 0 };
  const p = panel.getBoundingClientRect();
  const m = map.getBoundingClientRect();
  const overlaps =
    Math.min(p.right, m.right) > Math.max(p.left, m.left) &&
    Math.min(p.bottom, m.bottom) > Math.max(p.top, m.top);
  if (!overlaps) return { right: 0, bottom: 0 };
  return p.left > m.left + m.width / 2
    ? { right: m.right - p.left, bottom: 0 }
    : { right: 0, bottom: Math.max(0, m.bottom - p.top) };
}
