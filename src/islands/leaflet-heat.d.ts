// leaflet.heat ships no types: it is a classic script that adds L.heatLayer to the global L.
// map-layers.ts describes the part it uses.
declare module 'leaflet.heat';
