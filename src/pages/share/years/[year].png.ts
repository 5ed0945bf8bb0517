// /share/years/<yyyy>.png: the year page's share image (src/lib/share-image.ts).
import type { APIRoute, GetStaticPaths } from 'astro';
import { yearShareCard } from '../../../lib/share-cards.ts';
import { pngResponse, renderShareImage } from '../../../lib/share-image.ts';
import { yearPaths, siteData } from '../../../lib/site-data.ts';

export const getStaticPaths = yearPaths satisfies GetStaticPaths;

export const GET: APIRoute<{ year: number }> = ({ props }) =>
  pngResponse(renderShareImage(yearShareCard(siteData, props.year)));
