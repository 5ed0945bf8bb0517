// Census 2021 usual residents (TS001) by LSOA 2021, from Nomis's CSV download, reduced to one
// district's LSOAs in the population file the pipeline reads (pipeline/reference.ts). Nomis
// wraps the table in notes: a few metadata lines, a blank line, the header ("2021 super output
// area - lower layer","mnemonic","2021"), a blank line, the rows (name, LSOA code, persons),
// then footer notes after a blank line. Pure: the caller reads and writes the files.
import { parse } from 'csv-parse/sync';
import { formatCsvRow } from './csv.ts';

/** The columns of the population file written, as Nomis names them in its bulk download. */
export const POPULATION_COLUMNS = [
  'geography',
  'geography code',
  'Residence type: Total; measures: Value',
] as const;

const LSOA21_CODE = /^[EW]01\d{6}$/;
/** The second header field of a Nomis geography table: the geography's code column. */
const NOMIS_CODE_HEADER = 'mnemonic';

export interface LsoaResidents {
  name: string;
  code: string;
  residents: number;
}

/** Every row of a Nomis TS001 LSOA download; errors name the file and line. */
export function parseNomisResidents(text: string, source: string): LsoaResidents[] {
  const lines = text.split(/\r?\n/);
  const header = lines.findIndex((line) => splitLine(line, source, 0)[1] === NOMIS_CODE_HEADER);
  if (header === -1) {
    throw new Error(
      `${source}: no header line with a "${NOMIS_CODE_HEADER}" column: is this a Nomis CSV download ` +
        'of TS001 by LSOA 2021? Download the table as CSV from Nomis again.',
    );
  }
  const rows: LsoaResidents[] = [];
  let i = header + 1;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  for (; i < lines.length && lines[i]!.trim() !== ''; i++) {
    const fields = splitLine(lines[i]!, source, i + 1);
    const [name = '', code = '', persons = ''] = fields;
    if (fields.length !== 3 || !LSOA21_CODE.test(code) || !/^\d+$/.test(persons)) {
      throw new Error(
        `${source}:${i + 1}: expected "LSOA name","LSOA 2021 code",residents, got ${JSON.stringify(lines[i])}. ` +
          'Download the table as CSV from Nomis again.',
      );
    }
    rows.push({ name, code, residents: Number(persons) });
  }
  if (rows.length === 0) {
    throw new Error(`${source}: no rows after the header on line ${header + 1}`);
  }
  return rows;
}

/** The population file's code and residents columns, as area.json's population names them. */
export interface PopulationColumns {
  code: string;
  value: string;
}

export const NOMIS_COLUMNS: PopulationColumns = {
  code: POPULATION_COLUMNS[1],
  value: POPULATION_COLUMNS[2],
};

/**
 * The rows for `codes` (a district's LSOAs), in the order of `codes`, as the population CSV
 * with `columns` (two names) for the code and the residents (default Nomis's), so the file
 * reads as the area.json that names them says. Every code must be in the download once: a
 * missing or repeated one stops with the codes.
 */
export function districtPopulationCsv(
  rows: readonly LsoaResidents[],
  codes: readonly string[],
  source: string,
  columns: PopulationColumns = NOMIS_COLUMNS,
): string {
  // The LSOA's name, for a person reading the file, unless area.json gave its column away.
  const name = POPULATION_COLUMNS[0];
  const withName = name !== columns.code && name !== columns.value;
  const byCode = new Map<string, LsoaResidents>();
  const repeated = new Set<string>();
  for (const row of rows) {
    if (byCode.has(row.code)) repeated.add(row.code);
    byCode.set(row.code, row);
  }
  const twice = codes.filter((code) => repeated.has(code));
  if (twice.length > 0) {
    throw new Error(`${source}: lists ${twice.slice(0, 5).join(', ')} more than once`);
  }
  const missing = codes.filter((code) => !byCode.has(code));
  if (missing.length > 0) {
    throw new Error(
      `${source}: has no residents for ${missing.length} LSOA(s) of the district, e.g. ${missing.slice(0, 5).join(', ')}: ` +
        'check that it is the Census 2021 table for every LSOA of England and Wales',
    );
  }
  return (
    formatCsvRow([...(withName ? [name] : []), columns.code, columns.value]) +
    codes
      .map((code) => {
        const row = byCode.get(code)!;
        return formatCsvRow([...(withName ? [row.name] : []), row.code, String(row.residents)]);
      })
      .join('')
  );
}

function splitLine(line: string, source: string, lineNumber: number): string[] {
  if (line.trim() === '') return [];
  try {
    return (parse(line, { relax_quotes: true }) as string[][])[0] ?? [];
  } catch (error) {
    throw new Error(`${source}:${lineNumber}: is not a CSV line`, { cause: error });
  }
}
