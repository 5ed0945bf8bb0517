// Orders strings by UTF-16 code unit, as Array.prototype.sort does by default, but usable as a
// comparator (for sorting pairs by their key). Stable across locales, unlike localeCompare.

/** Negative, zero or positive as `a` sorts before, with or after `b` by code unit. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
