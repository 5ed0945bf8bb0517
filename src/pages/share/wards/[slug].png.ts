// /share/wards/<slug>.png: the ward page's share image (src/lib/share-image.ts).
import type { APIRoute, GetStaticPaths } from 'astro';
import { wardShareCard } from '../../../lib/share-cards.ts';
import { pngResponse, renderShareImage } from '../../../lib/share-image.ts';
import { siteData } from '../../../lib/site-data.ts';

export const getStaticPaths = (() =>
  siteData.wards.map((ward, index) => ({
    params: { slug: ward.slug },
    props: { index },
  }))) satisfies GetStaticPaths;

export const GET: APIRoute<{ index: number }> = ({ props }) =>
  pngResponse(renderShareImage(wardShareCard(siteData, props.index)));
