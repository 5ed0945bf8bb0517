// A share as the run's and the gate's messages give it.

/** "0.12%" under 1%, "12.3%" from 1%; `signed`: "+12.3%" for a rise. */
export function formatPercent(fraction: number, signed = false): string {
  const text = `${(fraction * 100).toFixed(Math.abs(fraction) < 0.01 ? 2 : 1)}%`;
  return signed && fraction > 0 ? `+${text}` : text;
}
