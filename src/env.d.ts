/// <reference types="astro/client" />

interface ImportMetaEnv {
  /** Base map tile URL template for the map, e.g. "https://tiles.example/{z}/{x}/{y}.png". */
  readonly PUBLIC_TILE_URL?: string;
  /** The map island's view of the area (src/lib/map-area.ts), set by astro.config.mjs. */
  readonly PUBLIC_MAP_AREA?: string;
  /** HTML attribution the tile provider requires; shown in the map's corner. */
  readonly PUBLIC_TILE_ATTRIBUTION?: string;
}
