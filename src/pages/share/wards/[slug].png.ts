// /share/wards/<slug>.png: the ward page's share image (src/lib/share-image.ts).
import type { APIRoute, GetStaticPaths } from 'astro';
import { wardShareCard } from '../../../lib/share-cards.ts';
import { pngResponse, renderShareImage } from '../../../lib/share-image.ts';
import { wardPaths, siteData } from '../../../lib/site-data.ts';

export const getStaticPaths = wardPaths satisfies GetStaticPaths;

export const GET: APIRoute<{ index: number }> = ({ props }) =>
  pngResponse(renderShareImage(wardShareCard(siteData, props.index)));
