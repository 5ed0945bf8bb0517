// Whole counts as every side prints them, in British English: the pages, the map island, the
// published data's descriptions, the pipeline's and the benchmarks' reports. Ships to the
// browser; one formatter, so that a count reads the same wherever it is shown.

const COUNT = new Intl.NumberFormat('en-GB');

/** 12345 -> "12,345" */
export function formatCount(n: number): string {
  return COUNT.format(n);
}
