// How many times the map runs a filter change's work in idle time after it loads
// (use-map-layers.ts). A module of its own, free of Leaflet, so that the browser tests that
// count those runs import the same value as the island.

/**
 * Times a filter change's work is run in idle time after the map loads (useMapLayers). With
 * four, the first change of crime type took 6.0-10.7 ms of work in the benchmark's pages,
 * against 13.2-19.8 ms without (18 pages each; the median change takes 5-6 ms).
 */
export const WARM_UP_ROUNDS = 4;
