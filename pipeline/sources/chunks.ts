// Long lists sent in parts: a query string, or an SQL `IN (...)` list, has a size limit.

/** `values` in runs of at most `size`, in order. */
export function chunks<T>(values: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new Error(`chunk size ${size} is not a count`);
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}
