// The fetch step's command-line options and what they select, apart from the fetching itself
// (index.ts): the pipeline's command parses them on every run, offline ones included, without
// loading the network sources.
import { UsageError, type ArgValue, type OptionSpec } from '../args.ts';
import type { SourceConfig } from './config.ts';
import { parseMonthArgument } from './months.ts';
import { errorMessage } from '../../src/shared/error-message.ts';

export type MonthSelection = { latest: true } | { month: string } | { from: string; to: string };

const MONTH_CHOICE = 'use --latest, --month YYYY-MM or --range FROM TO (months as YYYY-MM)';

/** The fetch step's command-line options (pipeline/args.ts parses them). */
export const FETCH_OPTIONS = {
  latest: {
    type: 'boolean',
    description: 'fetch the latest published month (the default without --offline)',
  },
  month: { type: 'string', value: 'YYYY-MM', description: 'fetch one month' },
  range: {
    type: 'string',
    arity: 2,
    value: 'FROM TO',
    description: 'fetch every month from FROM to TO (YYYY-MM)',
  },
  'police-archive-base-url': {
    type: 'string',
    value: 'URL',
    description: 'police.uk archives elsewhere (a mirror)',
  },
  'police-api-base-url': {
    type: 'string',
    value: 'URL',
    description: 'the police.uk API elsewhere',
  },
  'postcodes-base-url': { type: 'string', value: 'URL', description: 'postcodes.io elsewhere' },
  'leeds-mapserver-url': {
    type: 'string',
    value: 'URL',
    description: "the council's polling districts elsewhere",
  },
} as const satisfies Record<string, OptionSpec>;

const OVERRIDE_OPTIONS: Record<string, keyof SourceConfig> = {
  'police-archive-base-url': 'policeArchiveBaseUrl',
  'police-api-base-url': 'policeApiBaseUrl',
  'postcodes-base-url': 'postcodesBaseUrl',
  'leeds-mapserver-url': 'leedsMapServerUrl',
};

/** The month selection and URL overrides from the parsed command line (FETCH_OPTIONS). */
export function fetchOptionsFromArgs(values: Readonly<Record<string, ArgValue>>): {
  selection: MonthSelection | undefined;
  overrides: Partial<SourceConfig>;
} {
  const month = (value: string, what: string) => {
    try {
      return parseMonthArgument(value, what);
    } catch (cause) {
      throw new UsageError(errorMessage(cause), { cause });
    }
  };
  const choices: MonthSelection[] = [];
  if (values['latest'] === true) choices.push({ latest: true });
  if (typeof values['month'] === 'string')
    choices.push({ month: month(values['month'], '--month') });
  const range = values['range'];
  if (Array.isArray(range)) {
    choices.push({ from: month(range[0], '--range FROM'), to: month(range[1], '--range TO') });
  }
  if (choices.length > 1)
    throw new UsageError(`give only one of --latest, --month, --range: ${MONTH_CHOICE}`);
  const overrides: { -readonly [K in keyof SourceConfig]?: string } = {};
  for (const [option, key] of Object.entries(OVERRIDE_OPTIONS)) {
    const value = values[option];
    if (typeof value === 'string') overrides[key] = value;
  }
  return { selection: choices[0], overrides };
}
