// /wards/<slug>/<table>.csv and .json: the tables of a ward page as files (src/lib/report-tables.ts).
import type { APIRoute, GetStaticPaths } from 'astro';
import { siteData } from '../../../lib/site-data.ts';
import {
  downloadPaths,
  downloadResponse,
  type DownloadProps,
} from '../../../lib/download-routes.ts';
import { wardTables } from '../../../lib/report-tables.ts';

export const getStaticPaths = (() =>
  siteData.wards.flatMap((ward, index) =>
    downloadPaths(wardTables(siteData, index)).map(({ file, props }) => ({
      params: { slug: ward.slug, file },
      props,
    })),
  )) satisfies GetStaticPaths;

export const GET: APIRoute<DownloadProps> = ({ props }) => downloadResponse(props);
