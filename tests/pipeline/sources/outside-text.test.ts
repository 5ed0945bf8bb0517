// Text from police.uk that is not text (half an emoji escaped in the API's JSON, control
// characters, bytes of a street file that are not UTF-8) is repaired where it enters, and
// every row so changed is counted by reason in the run's summary: nothing downstream (the
// master CSV, the site's data, the pages) gets a lone surrogate or a control character, and
// nothing is changed in silence. Against a replay of police.uk's API on 127.0.0.1, and an
// archive folder made from the sample's March street file.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as turf from '@turf/turf';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { runPipeline, type CliOptions } from '../../../pipeline/cli.ts';
import { OUTCOME_COLUMNS, STOP_SEARCH_COLUMNS } from '../../../src/shared/constants.ts';
import { createMemoryReporter } from '../../../pipeline/report.ts';
import { loadGateData } from '../../../pipeline/gate-inputs.ts';
import { REPAIRED_MIN } from '../../../pipeline/row-thresholds.ts';
import { REPAIRED_THRESHOLD, validateSiteData } from '../../../pipeline/validate.ts';
import { LONE_SURROGATE } from '../../support/lone-surrogate.ts';
import {
  buildArchive,
  pointOf,
  sampleCrimeLines,
  sampleRows,
  sampleStopSearchIn,
  sampleStreetFile,
  toApiCrime,
} from '../../support/police-fixtures.ts';
import { ReplayServer, type RecordedRequest } from '../../support/replay-server.ts';
import {
  cachePollingDistricts,
  replayPerTest,
  replaySources,
  servePostcodesWithNoAnswer,
} from '../../support/replay-sources.ts';

const FAST_HTTP = { minBackoffMs: 1, maxBackoffMs: 5, retries: 2, timeoutMs: 5000 };
const MONTH = '2025-03';
// eslint-disable-next-line no-control-regex -- the control characters are what it looks for
const CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/;

let server: ReplayServer;
let dir: string;

replayPerTest('outside-text-', (s, d) => {
  server = s;
  dir = d;
});

/** Every string in a parsed JSON value, keys included. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
  }
  return [];
}

/** The month's police.uk files, by kind: the sample's street file unless one is given. */
type MonthFiles = Partial<Record<'street' | 'outcomes' | 'stop-and-search', Buffer | string>>;

/** An archive folder under the test's folder holding MONTH's `files`; returns its path. */
async function writeMonth(files: MonthFiles): Promise<string> {
  const archive = path.join(dir, 'archive');
  await mkdir(path.join(archive, MONTH), { recursive: true });
  const all: MonthFiles = { street: sampleStreetFile(MONTH), ...files };
  for (const [kind, bytes] of Object.entries(all)) {
    await writeFile(path.join(archive, MONTH, `${MONTH}-west-yorkshire-${kind}.csv`), bytes);
  }
  return archive;
}

/** The pipeline run offline over `archive` into the test's out folder, on one thread. */
async function runOffline(archive: string, reporter = createMemoryReporter()) {
  const out = path.join(dir, 'out');
  const record = await runPipeline(
    { help: false, list: false, offline: true, archiveDir: archive, out },
    { reporter, threads: 1 },
  );
  return { out, record };
}

/** The master CSV's text, read as strict UTF-8 (throws on any byte that is not). */
async function masterCsv(out: string): Promise<string> {
  const bytes = await readFile(path.join(out, 'leeds_street_combined.csv'));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** The fields of one CSV line. */
function csvFields(line: string): string[] {
  return (parse(line) as string[][])[0] ?? [];
}

/** The master CSV row of a Crime ID, by column name. */
function masterRow(csv: string, crimeId: string): Record<string, string> {
  const rows = parse(csv, { columns: true }) as Record<string, string>[];
  const row = rows.find((r) => r['Crime ID'] === crimeId);
  if (row === undefined) throw new Error(`no row for ${crimeId} in the master CSV`);
  return row;
}

/** The run's run-summary.json, parsed (each test says what it reads of it). */
async function runSummary(out: string): Promise<unknown> {
  return JSON.parse(await readFile(path.join(out, 'run-summary.json'), 'utf8'));
}

/**
 * The gate's findings on a run's outputs, as the refresh's validate step reads them (site data
 * and run summary), compared with themselves (no revision to judge): the row accounting alone.
 */
async function gateFindings(out: string): Promise<{ check: string; message: string }[]> {
  const candidate = path.join(out, 'site-data.json');
  const data = await loadGateData({
    candidate,
    previous: { file: candidate },
    runSummary: path.join(out, 'run-summary.json'),
  });
  return validateSiteData(data).problems;
}

/** What every output the run wrote must not hold, and the counts in its summaries. */
async function expectCleanOutputs(
  out: string,
  reporter: ReturnType<typeof createMemoryReporter>,
  expected: Record<string, number>,
): Promise<string> {
  const csv = await masterCsv(out);
  expect(csv).not.toMatch(LONE_SURROGATE);
  expect(csv.replaceAll('\r\n', '\n')).not.toMatch(CONTROL);
  const siteData = strings(JSON.parse(await readFile(path.join(out, 'site-data.json'), 'utf8')));
  expect(siteData.filter((s) => LONE_SURROGATE.test(s) || CONTROL.test(s))).toEqual([]);
  const summary = (await runSummary(out)) as {
    repaired: Record<string, number>;
    repairedExamples: Record<string, { where: string; detail: string }[]>;
    months: { month: string; repaired: Record<string, number> }[];
  };
  expect(summary.repaired).toEqual(expected);
  // Each month's own, which the gate judges: the run's one month holds them all.
  expect(summary.months.map((m) => m.repaired)).toEqual([expected]);
  for (const [reason, n] of Object.entries(expected)) {
    if (n > 0) expect(summary.repairedExamples[reason]?.length).toBeGreaterThan(0);
  }
  const printed = reporter.lines.find((l) => l.startsWith('  rows repaired: '));
  expect(printed).toBeDefined();
  for (const [reason, n] of Object.entries(expected)) {
    if (n > 0) expect(printed).toContain(`${n} ${reason}`);
  }
  return csv;
}

/** The fields of a month's sample crimes in Leeds's LSOAs, without quoted fields. */
function leedsCrimes(month: string): string[][] {
  return sampleCrimeLines(month)
    .map((l) => csvFields(l.replace(/\r$/, '')))
    .filter((f) => !f.some((x) => x.includes('"')) && f[8]?.startsWith('Leeds '));
}

/** An outcomes row: the crime's place columns, then its Outcome type. */
function outcomeRow(fields: string[], outcome: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`${fields.slice(0, 9).join(',')},`),
    outcome,
    Buffer.from('\n'),
  ]);
}

/** The sample's real stop-and-search file (West Yorkshire, August 2021), dated in MONTH. */
function realStopSearch(): string {
  return sampleStopSearchIn(MONTH);
}

const stopSearchColumn = (name: string) => STOP_SEARCH_COLUMNS.indexOf(name as never);

/** A stop-and-search line with the field `name` written as `value` (its bytes as they are). */
function editStopSearch(line: string, name: string, value: Buffer): Buffer {
  const fields = csvFields(line);
  const at = stopSearchColumn(name);
  return Buffer.concat([
    Buffer.from(`${fields.slice(0, at).join(',')},`),
    value,
    Buffer.from(`,${fields.slice(at + 1).join(',')}\n`),
  ]);
}

describe('runPipeline with text from the police.uk API that is not text', () => {
  it('repairs lone surrogates and control characters in any text field, and counts each row', async () => {
    // Leeds crimes with a Crime ID: each is inside the district and kept.
    const rows = sampleRows(MONTH).filter(
      (r) => r['LSOA name']?.startsWith('Leeds ') && r['Crime ID'] !== '',
    );
    const crimes = rows.map((row, i) => toApiCrime(row, 80_000_000 + i));
    const street = (i: number) =>
      (crimes[i]!['location'] as { street: { name: string } }).street as { name: string };
    // Half an emoji (the high surrogate alone), and its other half alone.
    street(0).name = 'On or near Caf\ud83d';
    street(1).name = '\ude00On or near Park Lane';
    // Control characters: NUL, an ANSI escape, a line break, a C1 control.
    street(2).name = 'On or near Kirkstall\u0000Road';
    crimes[3]!['context'] = 'Seen\x1b[2J\r\nnearby';
    crimes[4]!['outcome_status'] = { category: 'Under investigation\u0085', date: MONTH };
    // Both at once: counted once under each reason.
    crimes[5]!['context'] = '\ud83d\u0007';

    // The newest archive is of January: March is only in the API.
    server.route('HEAD', '/data/archive/latest.zip', [
      { status: 302, headers: { location: '/data/archive/2025-01.zip' } },
    ]);
    server.file('/data/archive/2025-01.zip', await buildArchive('2025-01'));
    server.route('GET', '/api/crimes-street-dates', [{ body: [{ date: MONTH }] }]);
    const crimesStreet = (request: RecordedRequest) => {
      const params = request.method === 'POST' ? new URLSearchParams(request.body) : request.query;
      const ring = (params.get('poly') ?? '').split(':').map((pair) => {
        const [lat, lng] = pair.split(',').map(Number) as [number, number];
        return [lng, lat];
      });
      const polygon = turf.polygon([[...ring, ring[0] as number[]]]);
      const inside = crimes.filter((c) => turf.booleanPointInPolygon(pointOf(c), polygon));
      if (inside.length > 3000) return { status: 503, body: '' };
      return { body: inside };
    };
    server.route('GET', '/api/crimes-street/all-crime', crimesStreet);
    server.route('POST', '/api/crimes-street/all-crime', crimesStreet);
    servePostcodesWithNoAnswer(server);

    const out = path.join(dir, 'out');
    await mkdir(path.join(dir, 'fetched-only'));
    await cachePollingDistricts(out);
    const reporter = createMemoryReporter();
    const options: CliOptions = {
      help: false,
      list: false,
      offline: false,
      archiveDir: path.join(dir, 'fetched-only'),
      out,
      fetch: {
        selection: { month: MONTH },
        overrides: replaySources(server),
        http: FAST_HTTP,
      },
    };
    const record = await runPipeline(options, { reporter, threads: 1 });
    expect(record.months?.map((m) => m.plan.source)).toEqual(['api']);

    const csv = await expectCleanOutputs(out, reporter, {
      'unreadable-characters': 3,
      'control-characters': 4,
    });
    const id = (i: number) => rows[i]!['Crime ID']!;
    expect(masterRow(csv, id(0))['Location']).toBe('On or near Caf\uFFFD');
    expect(masterRow(csv, id(1))['Location']).toBe('\uFFFDOn or near Park Lane');
    expect(masterRow(csv, id(2))['Location']).toBe('On or near Kirkstall Road');
    expect(masterRow(csv, id(3))['Context']).toBe('Seen [2J nearby');
    expect(masterRow(csv, id(4))['Last outcome category']).toBe('Under investigation');
    expect(masterRow(csv, id(5))['Context']).toBe('\uFFFD');
    // Every crime served is kept: a repair never costs a row.
    expect(record.months?.[0]?.summary.kept).toBe(crimes.length);
  });
});

describe('runPipeline with a street file holding bytes that are not UTF-8 and control characters', () => {
  it('reads the month, repairs those rows and counts each, instead of refusing or passing them on', async () => {
    const lines = sampleCrimeLines(MONTH).filter(
      (l) => !l.includes('"') && csvFields(l)[8]?.startsWith('Leeds '),
    );
    const changed = new Map<number, (fields: string[]) => Buffer>([
      // "é" in Latin-1 inside a street name: not UTF-8.
      [
        0,
        (f) =>
          Buffer.concat([
            Buffer.from(`${f.slice(0, 6).join(',')},On or near Caf`),
            Buffer.from([0xe9]),
            Buffer.from(`,${f.slice(7).join(',')}`),
          ]),
      ],
      // A NUL in the context, and an escape sequence in the location.
      [1, (f) => Buffer.from([...f.slice(0, 11), 'Seen\u0000nearby'].join(','))],
      [
        2,
        (f) =>
          Buffer.from([...f.slice(0, 6), 'On or near \x1b[31mPark Lane', ...f.slice(7)].join(',')),
      ],
      // A line break inside a quoted street name.
      [
        3,
        (f) => Buffer.from([...f.slice(0, 6), '"On or near\nPark Lane"', ...f.slice(7)].join(',')),
      ],
    ]);
    const chosen = new Set(lines.slice(0, changed.size));
    const file = sampleCrimeLines(MONTH)
      .filter((l) => !chosen.has(l))
      .map((l) => Buffer.from(`${l}\n`));
    const header = (
      await readFile(
        path.join('data', 'sample', 'archive', MONTH, `${MONTH}-west-yorkshire-street.csv`),
        'utf8',
      )
    ).split('\n')[0]!;
    const edited = [...changed].map(([i, make]) =>
      Buffer.concat([make(csvFields(lines[i]!.replace(/\r$/, ''))), Buffer.from('\n')]),
    );
    const archive = await writeMonth({
      street: Buffer.concat([Buffer.from(`${header}\n`), ...edited, ...file]),
    });
    const reporter = createMemoryReporter();
    const { out, record } = await runOffline(archive, reporter);
    expect(record.months?.map((m) => m.plan.month)).toEqual([MONTH]);

    const csv = await expectCleanOutputs(out, reporter, {
      'unreadable-characters': 1,
      'control-characters': 3,
    });
    const id = (i: number) => csvFields(lines[i]!)[0]!;
    expect(masterRow(csv, id(0))['Location']).toBe('On or near Caf\uFFFD');
    expect(masterRow(csv, id(1))['Context']).toBe('Seen nearby');
    expect(masterRow(csv, id(2))['Location']).toBe('On or near [31mPark Lane');
    expect(masterRow(csv, id(3))['Location']).toBe('On or near Park Lane');
    // A few odd rows in a month of thousands pass the gate.
    expect(await gateFindings(out)).toEqual([]);
  });

  it('refuses at the gate a month whose street file is in another encoding, many rows repaired', async () => {
    const lines = sampleCrimeLines(MONTH).filter((l) => !l.includes('"'));
    // Every 200th row's street name written as Latin-1 ("Café"): 0.5% of the rows kept.
    const latin1 = new Set(lines.filter((_, i) => i % 200 === 0));
    expect(latin1.size / lines.length).toBeGreaterThan(REPAIRED_THRESHOLD);
    const header = (
      await readFile(
        path.join('data', 'sample', 'archive', MONTH, `${MONTH}-west-yorkshire-street.csv`),
        'utf8',
      )
    ).split('\n')[0]!;
    const rows = sampleCrimeLines(MONTH).map((l) => {
      if (!latin1.has(l)) return Buffer.from(`${l}\n`);
      const f = csvFields(l.replace(/\r$/, ''));
      return Buffer.concat([
        Buffer.from(`${f.slice(0, 6).join(',')},On or near Caf`),
        Buffer.from([0xe9]),
        Buffer.from(`,${f.slice(7).join(',')}\n`),
      ]);
    });
    const archive = await writeMonth({
      street: Buffer.concat([Buffer.from(`${header}\n`), ...rows]),
    });
    const { out } = await runOffline(archive);
    const findings = await gateFindings(out);
    expect(findings.map((f) => f.check)).toEqual(['repaired-rows']);
    expect(findings[0]!.message).toMatch(
      new RegExp(
        `^${MONTH} street files: ${latin1.size} of \\d+ rows kept \\([\\d.]+%\\) had unreadable-characters ` +
          'repaired at intake \\(threshold 0\\.10% each, and more than 5 rows\\), e\\.g\\. ' +
          'unreadable-characters at ".*-west-yorkshire-street\\.csv:\\d+: Location .*another encoding',
      ),
    );
  });
});

describe('runPipeline with an outcomes file holding bytes that are not UTF-8 and control characters', () => {
  it('indexes those outcomes repaired, counts each row, and passes none of it to the outputs', async () => {
    const crimes = leedsCrimes(MONTH).slice(0, 3);
    const row = outcomeRow;
    const outcomes = Buffer.concat([
      Buffer.from(`${OUTCOME_COLUMNS.join(',')}\n`),
      row(crimes[0]!, Buffer.from('Offender given a caution\u0000')),
      row(crimes[1]!, Buffer.from('Investigation complete;\x1b[2J no suspect identified')),
      row(
        crimes[2]!,
        Buffer.concat([Buffer.from('Unable to prosecute suspect '), Buffer.from([0xff])]),
      ),
    ]);
    const reporter = createMemoryReporter();
    const { out } = await runOffline(await writeMonth({ outcomes }), reporter);

    const csv = await masterCsv(out);
    expect(csv.replaceAll('\r\n', '\n')).not.toMatch(CONTROL);
    expect(masterRow(csv, crimes[0]![0]!)['Outcome']).toBe('Offender given a caution');
    expect(masterRow(csv, crimes[1]![0]!)['Outcome']).toBe(
      'Investigation complete; [2J no suspect identified',
    );
    expect(masterRow(csv, crimes[2]![0]!)['Outcome']).toBe('Unable to prosecute suspect \uFFFD');
    const siteData = strings(JSON.parse(await readFile(path.join(out, 'site-data.json'), 'utf8')));
    expect(siteData.filter((s) => LONE_SURROGATE.test(s) || CONTROL.test(s))).toEqual([]);
    const summary = (await runSummary(out)) as {
      outcomes: { indexed: number; repaired: Record<string, number> };
    };
    expect(summary.outcomes.indexed).toBe(3);
    expect(summary.outcomes.repaired).toEqual({
      'unreadable-characters': 1,
      'control-characters': 2,
    });
    expect(reporter.lines).toContain(
      '    indexed with their text repaired: 1 unreadable-characters, 2 control-characters',
    );
    // A few odd outcomes pass the gate.
    expect(await gateFindings(out)).toEqual([]);
  });

  it('refuses at the gate a month whose outcomes file is damaged, many rows repaired, on every run', async () => {
    const crimes = leedsCrimes(MONTH);
    // Every 50th outcome with a NUL in it, as a file in another encoding or damaged has: 2%.
    const damaged = crimes.filter((_, i) => i % 50 === 0);
    expect(damaged.length / crimes.length).toBeGreaterThan(REPAIRED_THRESHOLD);
    expect(damaged.length).toBeGreaterThan(REPAIRED_MIN);
    const outcomes = Buffer.concat([
      Buffer.from(`${OUTCOME_COLUMNS.join(',')}\n`),
      ...crimes.map((f, i) =>
        outcomeRow(f, Buffer.from(`Investigation complete${i % 50 === 0 ? '\u0000' : ''}`)),
      ),
    ]);
    const archive = await writeMonth({ outcomes });
    const expected = new RegExp(
      `^${MONTH} outcomes file: ${damaged.length} of ${crimes.length} outcomes rows indexed ` +
        '\\([\\d.]+%\\) had control-characters repaired at intake .*, e\\.g\\. ' +
        `control-characters at ".*/${MONTH}-west-yorkshire-outcomes\\.csv:2: Outcome type ` +
        '.*another encoding.*download the month again',
    );
    // The first run reads the file; the second takes its counts from the cache.
    for (const run of ['reads the file', 'reuses the cache']) {
      const { out } = await runOffline(archive);
      const findings = await gateFindings(out);
      expect(
        findings.map((f) => f.check),
        run,
      ).toEqual(['repaired-rows']);
      expect(findings[0]!.message, run).toMatch(expected);
    }
  });
});

describe('runPipeline with a stop-and-search file holding bytes that are not UTF-8 and control characters', () => {
  it('writes those rows repaired, counts each, and passes none of it on', async () => {
    const [header, ...lines] = realStopSearch().split('\n');
    // Three searches at one point in Hunslet & Riverside (tests/pipeline/stop-search.test.ts).
    const inLeeds = lines.filter((l) => l.includes(',53.792774,-1.564618,')).slice(0, 3);
    expect(inLeeds).toHaveLength(3);
    const column = stopSearchColumn;
    const edit = editStopSearch;
    const search = Buffer.concat([
      Buffer.from(`${header}\n`),
      // "é" in Latin-1 in the operation's name: not UTF-8.
      edit(
        inLeeds[0]!,
        'Policing operation',
        Buffer.concat([Buffer.from('Op'), Buffer.from([0xe9]), Buffer.from('ration Sceptre')]),
      ),
      // An escape sequence in the legislation, and a line break inside a quoted outcome.
      edit(
        inLeeds[1]!,
        'Legislation',
        Buffer.from('Misuse of Drugs Act 1971 \x1b[31m(section 23)'),
      ),
      edit(inLeeds[2]!, 'Outcome', Buffer.from('"Arrest\r\n"')),
    ]);
    const reporter = createMemoryReporter();
    const { out } = await runOffline(await writeMonth({ 'stop-and-search': search }), reporter);

    const bytes = await readFile(path.join(out, 'leeds_stop_and_search.csv'));
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r['Ward Name'])).toEqual(Array(3).fill('Hunslet & Riverside'));
    expect(strings(rows).filter((s) => CONTROL.test(s))).toEqual([]);
    expect(rows[0]!['Policing operation']).toBe('Op\uFFFDration Sceptre');
    expect(rows[1]!['Legislation']).toBe('Misuse of Drugs Act 1971 [31m(section 23)');
    expect(rows[2]!['Outcome']).toBe('Arrest');
    // Every other field as police.uk wrote it.
    expect(rows[0]!['Object of search']).toBe(csvFields(inLeeds[0]!)[column('Object of search')]);

    const summary = (await runSummary(out)) as {
      stopSearch: {
        kept: number;
        repaired: Record<string, number>;
        repairedExamples: Record<string, { where: string; detail: string }[]>;
      };
    };
    expect(summary.stopSearch.kept).toBe(3);
    expect(summary.stopSearch.repaired).toEqual({
      'unreadable-characters': 1,
      'control-characters': 2,
    });
    expect(summary.stopSearch.repairedExamples['unreadable-characters']?.[0]).toEqual({
      where: expect.stringMatching(/-stop-and-search\.csv:2$/),
      detail: expect.stringMatching(/^Policing operation /),
    });
    expect(reporter.lines).toContain(
      '    kept with their text repaired: 1 unreadable-characters, 2 control-characters',
    );
    // A few odd searches pass the gate.
    expect(await gateFindings(out)).toEqual([]);
  });

  it('refuses at the gate a month whose stop-and-search file is damaged, every row repaired', async () => {
    const [header, ...lines] = realStopSearch().split('\n');
    // A NUL in every row's legislation, as a file in another encoding or damaged has.
    const search = Buffer.concat([
      Buffer.from(`${header}\n`),
      ...lines
        .filter((l) => l !== '')
        .map((l) => {
          const value = csvFields(l)[stopSearchColumn('Legislation')]!;
          return editStopSearch(l, 'Legislation', Buffer.from(`"${value}\u0000"`));
        }),
    ]);
    const { out } = await runOffline(await writeMonth({ 'stop-and-search': search }));
    const summary = (await runSummary(out)) as {
      stopSearch: { kept: number };
    };
    const { kept } = summary.stopSearch;
    expect(kept).toBeGreaterThan(REPAIRED_MIN);
    const findings = await gateFindings(out);
    expect(findings.map((f) => f.check)).toEqual(['repaired-rows']);
    expect(findings[0]!.message).toMatch(
      new RegExp(
        `^${MONTH} stop-and-search file: ${kept} of ${kept} stop-and-search rows kept ` +
          '\\(100\\.0%\\) had control-characters repaired at intake .*, e\\.g\\. ' +
          `control-characters at ".*/${MONTH}-west-yorkshire-stop-and-search\\.csv:\\d+: ` +
          'Legislation .*stopSearch\\.repairedByMonth',
      ),
    );
  });
});
