// The published data described for machines: a Frictionless Data Package (datapackage.json,
// Table Schema per file) and a schema.org Dataset (JSON-LD on the Data page). Both are built
// here from the one field list (src/shared/open-data.ts), the downloads manifest the pipeline
// wrote and the report tables, so they describe exactly the files the build publishes.
import {
  downloadsManifestSchema,
  hasPollingDistricts,
  openDataSources,
  recordFields,
  type DownloadsManifest,
  type FieldSpec,
  type YearlyFile,
  type RecordsFilled,
} from '../shared/open-data.ts';
import { districtCountry } from '../shared/area.ts';
import { lastChange, type ChangeLog } from '../shared/change-log.ts';
import { parseOrThrow, type SiteData } from '../shared/schema.ts';
import { CSV_DIALECT } from '../shared/csv-format.ts';
import { SITE_NAME } from './site-meta.ts';
import { area, areaChangeLog, AREA_LICENCE, AREA_WORDS, areaDataFile, DISTRICT } from './area.ts';
import { requireSiteDataMonths, siteData } from './site-data.ts';
import { downloadFileName, tableName } from './download-routes.ts';
import { period, yearsWithData } from './figures.ts';
import { absoluteUrl } from './paths.ts';
import { versionedBySha256 } from './content-version.ts';
import { plural } from './format.ts';
import { formatCount } from '../shared/format-count.ts';
import { describeMonths, shortMonth } from '../shared/months.ts';
import { wardTables, yearTables, type ReportTable } from './report-tables.ts';

const rawManifest = areaDataFile('downloads.json');

export const downloadsManifest: DownloadsManifest = parseOrThrow(
  downloadsManifestSchema,
  rawManifest.value,
  rawManifest.source,
);
requireSiteDataMonths(
  'The downloads manifest',
  rawManifest.file,
  downloadsManifest.files.flatMap((f) => f.months),
);

/**
 * The site path of a yearly record file, versioned by its content (`?v=` and the first hex
 * digits of its SHA-256): a refresh that revises a year changes that year's address and no
 * other, so a browser or a CDN never serves a cached old file beside the page's new SHA-256.
 * A Data Package's resource path is a file path, not an address, and stays bare.
 */
export function yearlyFilePath(manifest: DownloadsManifest, file: YearlyFile): string {
  return versionedBySha256(`${manifest.folder}/${file.file}`, file.sha256);
}

/** The rows of the yearly record files, and those with a Polling District (the site data's counts). */
function recordsFilled(data: SiteData): RecordsFilled {
  return { rows: data.quality.kept, pollingDistrict: data.quality.coverage.pollingDistrict };
}

/** The columns of the yearly record files, saying what the files' rows hold. */
export function recordFieldsOf(data: SiteData): readonly FieldSpec[] {
  return recordFields(AREA_WORDS, recordsFilled(data));
}

/**
 * Whether the files give a polling district: the area has them, and the run that built the data
 * could fetch them for some of its months.
 */
export function givesPollingDistricts(data: SiteData): boolean {
  return hasPollingDistricts(AREA_WORDS, recordsFilled(data));
}

/**
 * The places a record is given: postcode districts only where the area has them, polling
 * districts only where some row of the files has one.
 */
function recordPlaces(data: SiteData): string {
  return [
    'electoral ward',
    'LSOA',
    ...(area.postcodes === null ? [] : ['postcode district']),
    ...(givesPollingDistricts(data) ? ['polling district'] : []),
  ]
    .join(', ')
    .replace(/, ([^,]*)$/, ' and $1');
}

/**
 * A Table Schema field descriptor. `filled`: every cell of the column holds a value (a report
 * table's column that emptyMeansNoData leaves out), which the schema states as required, so a
 * reader that validates the file finds a figure gone missing.
 */
function tableField(f: FieldSpec, filled: boolean): Record<string, unknown> {
  const constraints = {
    ...(filled ? { required: true } : {}),
    ...(f.enum ? { enum: f.enum } : {}),
  };
  return {
    name: f.name,
    type: f.type,
    description: f.unit ? `${f.description} Unit: ${f.unit}.` : f.description,
    ...(f.unit ? { unit: f.unit } : {}),
    ...(Object.keys(constraints).length > 0 ? { constraints } : {}),
  };
}

/**
 * The Table Schema of a file with `fields`. A report table's (`report`) columns hold a value in
 * every cell but those marked emptyMeansNoData; a record file's columns may be empty where
 * police.uk's are (a Crime ID for anti-social behaviour), as their descriptions say.
 */
function tableSchema(fields: readonly FieldSpec[], report: boolean): Record<string, unknown> {
  return {
    fields: fields.map((f) => tableField(f, report && f.emptyMeansNoData !== true)),
    missingValues: [''],
  };
}

const LICENSES = [{ name: AREA_LICENCE.name, path: AREA_LICENCE.path, title: AREA_LICENCE.title }];

/** Every report table file the build publishes: its site path and table. */
export function reportTableFiles(
  data: SiteData,
): { path: string; name: string; table: ReportTable }[] {
  const files = (page: string, tables: ReportTable[]) =>
    tables.map((table) => ({
      path: `${page}${downloadFileName(table.spec.id, 'csv')}`,
      name: tableName(page, table.spec.id),
      table,
    }));
  return [
    ...data.wards.flatMap((ward, i) => files(`wards/${ward.slug}/`, wardTables(data, i))),
    ...yearsWithData(data).flatMap((year) => files(`years/${year}/`, yearTables(data, year))),
  ];
}

let dataPackageText: string | undefined;

/**
 * datapackage.json as the build serves it: of this build's site data, manifest and change log.
 * Made once a build (it describes every table of every page): the Data page versions its link
 * by it, and its route serves it.
 */
export function dataPackageJson(): string {
  dataPackageText ??= `${JSON.stringify(dataPackage(siteData, downloadsManifest, areaChangeLog()), null, 2)}\n`;
  return dataPackageText;
}

/**
 * The Data Package descriptor (Frictionless "tabular-data-package" profile, v1). It is made
 * anew with the files it describes, so it is dated (`created`) by when they last changed, from
 * the change log (lastChange), as the Dataset's dateModified is.
 */
export function dataPackage(
  data: SiteData,
  manifest: DownloadsManifest,
  log: ChangeLog,
): Record<string, unknown> {
  const recordSchema = tableSchema(recordFieldsOf(data), false);
  return {
    profile: 'tabular-data-package',
    name: `${area.slug}-crime-intelligence`,
    title: `${SITE_NAME}: street-level crime in ${DISTRICT}`,
    description: `Every crime and anti-social behaviour incident police.uk records in the ${DISTRICT} district, with its ${recordPlaces(data)}, one compressed CSV per year; and the tables of every ward and year report.`,
    homepage: absoluteUrl('data/'),
    created: lastChange(log, data.generatedAt),
    keywords: ['crime', DISTRICT, 'police.uk', 'wards', 'open data'],
    licenses: LICENSES,
    sources: openDataSources(AREA_WORDS),
    attribution: AREA_LICENCE.attribution.join(' '),
    resources: [
      ...manifest.files.map((f) => ({
        profile: 'tabular-data-resource',
        name: `${area.slug}-crimes-${f.year}`,
        title: `Crimes and anti-social behaviour in ${DISTRICT}, ${f.year}`,
        description: `One row per crime or anti-social behaviour incident; months ${f.months.join(', ')}; ${f.rows} rows.`,
        path: `${manifest.folder}/${f.file}`,
        format: 'csv',
        mediatype: 'text/csv',
        compression: 'gz',
        encoding: 'utf-8',
        dialect: CSV_DIALECT,
        bytes: f.bytes,
        hash: `sha256:${f.sha256}`,
        licenses: LICENSES,
        schema: recordSchema,
      })),
      ...reportTableFiles(data).map(({ path, name, table }) => ({
        profile: 'tabular-data-resource',
        name,
        title: `${table.spec.title}: ${table.subject}`,
        description: table.spec.description,
        path,
        format: 'csv',
        mediatype: 'text/csv',
        encoding: 'utf-8',
        dialect: CSV_DIALECT,
        licenses: LICENSES,
        schema: tableSchema(table.spec.fields, true),
      })),
    ],
  };
}

/**
 * schema.org Dataset for the Data page, from the same field list and files, modified when the
 * published figures last changed (lastChange): not when police.uk was last asked, which moves
 * with a month fetched again unchanged and stays with a revision that fetched nothing new.
 */
export function datasetJsonLd(
  data: SiteData,
  manifest: DownloadsManifest,
  log: ChangeLog,
): Record<string, unknown> {
  const first = data.months[0];
  const last = data.months.at(-1);
  // temporalCoverage is one interval: months without data inside it are said in words, so
  // the span is not read as every month of it.
  const span = first && last ? period(data, first, last) : undefined;
  const gaps = span?.missing.length ?? 0;
  const coverage =
    span && gaps > 0
      ? ` Months with data: ${describeMonths(span.withData)}; ${gaps} of the ${span.calendar.length} months from ${shortMonth(span.from)} to ${shortMonth(span.to)} ${plural(gaps, 'has', 'have')} no data (gaps, not zeros).`
      : '';
  return {
    '@context': 'https://schema.org',
    '@type': 'Dataset',
    name: `${SITE_NAME}: street-level crime in ${DISTRICT}`,
    description: `Every crime and anti-social behaviour incident police.uk records in the ${DISTRICT} district, with its ${recordPlaces(data)}, one compressed CSV per year.${coverage}`,
    url: absoluteUrl('data/'),
    license: AREA_LICENCE.path,
    creditText: AREA_LICENCE.attribution.join(' '),
    isAccessibleForFree: true,
    dateModified: lastChange(log, data.generatedAt),
    ...(first && last ? { temporalCoverage: `${first}/${last}` } : {}),
    spatialCoverage: {
      '@type': 'Place',
      name: `${DISTRICT} district, ${districtCountry(area.localAuthority.code)}`,
    },
    // Each address once: the ONS boundaries and its postcode directory share one portal.
    isBasedOn: [...new Set(openDataSources(AREA_WORDS).map((s) => s.path))],
    variableMeasured: recordFieldsOf(data).map((f) => ({
      '@type': 'PropertyValue',
      name: f.name,
      description: f.description,
      ...(f.unit ? { unitText: f.unit } : {}),
    })),
    distribution: manifest.files.map((f) => ({
      '@type': 'DataDownload',
      name: f.file,
      // The file is gzip: its media type says so, and the description that it holds a CSV.
      description: `Months ${describeMonths(f.months)}: ${formatCount(f.rows)} rows. A gzip-compressed CSV file (text/csv, UTF-8).`,
      encodingFormat: 'application/gzip',
      contentUrl: absoluteUrl(yearlyFilePath(manifest, f)),
      contentSize: `${f.bytes} B`,
    })),
  };
}
