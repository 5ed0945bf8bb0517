// /years/<yyyy>/<table>.csv and .json: the tables of a year page as files (src/lib/report-tables.ts).
import type { APIRoute, GetStaticPaths } from 'astro';
import { siteData } from '../../../lib/site-data.ts';
import {
  downloadPaths,
  downloadResponse,
  type DownloadProps,
} from '../../../lib/download-routes.ts';
import { yearsWithData } from '../../../lib/figures.ts';
import { yearTables } from '../../../lib/report-tables.ts';

export const getStaticPaths = (() =>
  yearsWithData(siteData).flatMap((year) =>
    downloadPaths(yearTables(siteData, year)).map(({ file, props }) => ({
      params: { year: String(year), file },
      props,
    })),
  )) satisfies GetStaticPaths;

export const GET: APIRoute<DownloadProps> = ({ props }) => downloadResponse(props);
