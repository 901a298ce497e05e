/**
 * The flags of `tidemark-extract` (and `tidemark extract`, the same command): parsed with Node's
 * own parseArgs, since the client has no dependencies. Each flag also reads `TIDEMARK_<NAME>`
 * where the table in docs/client.md says so; a flag wins over its variable.
 */
import { parseArgs } from 'node:util';
import { parseIsoDate } from '../lib/dates.js';
import type { ExtractParams, OutputFormat } from '../extract/state.js';

export const FORMATS: readonly OutputFormat[] = ['csv', 'tsv', 'ssv', 'ndjson'];

/** File name endings the output format follows when `--format` is not given. */
const EXTENSIONS: Record<string, OutputFormat> = { csv: 'csv', tsv: 'tsv', ssv: 'ssv', ndjson: 'ndjson', jsonl: 'ndjson' };

export interface ExtractCommand {
  params: ExtractParams;
  clientId: string;
  clientSecret: string;
  statePath: string;
  concurrency: number;
  json: boolean;
  restart: boolean;
  keepState: boolean;
}

/** A flag the user must fix: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const OPTIONS = {
  endpoint: { type: 'string' }, 'client-id': { type: 'string' }, 'client-secret': { type: 'string' },
  since: { type: 'string' }, until: { type: 'string' }, types: { type: 'string' }, fields: { type: 'string' },
  format: { type: 'string' }, out: { type: 'string' }, concurrency: { type: 'string' }, state: { type: 'string' },
  json: { type: 'boolean' }, restart: { type: 'boolean' }, 'keep-state': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' }, version: { type: 'boolean' },
} as const;

export function usage(name: string): string {
  return `Usage: ${name} --endpoint URL --since DATE --until DATE --out FILE [options]

Extracts every activity of a date range from Marketo (or Tidemark) into one file: 31-day export
jobs, at most --concurrency at once, downloaded with Range resume and checksums, merged in order.

Options:
  --endpoint <url>         Marketo REST base URL (https://XXX-XXX-XXX.mktorest.com/rest) or a Tidemark URL (env TIDEMARK_ENDPOINT)
  --client-id <id>         API client id (env TIDEMARK_CLIENT_ID)
  --client-secret <secret> API client secret (env TIDEMARK_CLIENT_SECRET)
  --since <date>           first moment, inclusive (ISO date or datetime, UTC unless it has a zone)
  --until <date>           last moment, inclusive; a date alone means the end of that day
  --types <ids>            activity type ids, comma separated (default: all)
  --fields <names>         columns, comma separated (default: the 8 standard columns)
  --format <format>        csv, tsv, ssv or ndjson (env TIDEMARK_FORMAT; default: from the --out name:
                           .csv .tsv .ssv .ndjson .jsonl; any other name needs --format)
  --out <file>             the merged output file
  --concurrency <n>        jobs queued or processing at once, 1 to 10 (env TIDEMARK_CONCURRENCY; default 2)
  --state <file>           progress file; rerun with the same file to continue (env TIDEMARK_STATE;
                           default <out>.state.json); removed after a successful run
  --restart                start over: ignore a saved state file (cancelling the
                           jobs it left open on the same endpoint)
  --keep-state             keep the state file after a successful run
  --json                   machine-readable progress: one JSON object a line on stdout
  -h, --help               show this help

Exit codes: 0 done, 1 error, 2 bad flags, 3 daily export quota spent, 130 interrupted.
`;
}

/**
 * Reads argv (without the command name) and the environment; throws UsageError for a flag to fix.
 * Returns 'help' or 'version' when those were asked for.
 */
export function readFlags(argv: string[], env: Record<string, string | undefined>): ExtractCommand | 'help' | 'version' {
  let values: Partial<Record<keyof typeof OPTIONS, string | boolean>>;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    // Node's own messages go on to explain `--`, which helps nobody here.
    const e = err as { code?: string; message: string };
    const unknown = /'([^']+)'/.exec(e.message)?.[1];
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option '${unknown}' (see --help)`);
    if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`unexpected argument '${unknown}' (see --help)`);
    throw new UsageError(e.message.split('. ')[0]!);
  }
  if (values.help) return 'help';
  if (values.version) return 'version';
  const flag = (name: keyof typeof OPTIONS, envName?: string) => (values[name] as string | undefined) ?? (envName ? env[`TIDEMARK_${envName}`] : undefined);
  const endpoint = flag('endpoint', 'ENDPOINT');
  if (!endpoint || !/^https?:\/\//.test(endpoint)) throw new UsageError('--endpoint must be an http(s) URL');
  const clientId = flag('client-id', 'CLIENT_ID');
  const clientSecret = flag('client-secret', 'CLIENT_SECRET');
  if (!clientId || !clientSecret) throw new UsageError('--client-id and --client-secret are required');
  const out = flag('out');
  if (!out) throw new UsageError('--out is required');
  const concurrency = Number(flag('concurrency', 'CONCURRENCY') ?? 2);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 10) throw new UsageError('--concurrency must be an integer from 1 to 10');
  const params: ExtractParams = {
    endpoint: endpoint.replace(/\/+$/, ''),
    ...readRange(flag('since'), flag('until')),
    ...readList('--types', flag('types'), /^\d+$/, 'comma-separated activity type ids', Number, 'types'),
    ...readList('--fields', flag('fields'), /^\S+$/, 'comma-separated column names', String, 'fields'),
    format: readFormat(flag('format', 'FORMAT'), out),
    out,
  };
  return {
    params, clientId, clientSecret, concurrency,
    statePath: flag('state', 'STATE') ?? `${out}.state.json`,
    json: values.json === true, restart: values.restart === true, keepState: values['keep-state'] === true,
  };
}

function readRange(sinceText: string | undefined, untilText: string | undefined): { since: number; until: number } {
  const since = sinceText === undefined ? undefined : parseIsoDate(sinceText);
  if (since === undefined) throw new UsageError(`--since must be an ISO date or datetime, got '${sinceText ?? ''}'`);
  const untilParsed = untilText === undefined ? undefined : parseIsoDate(untilText);
  if (untilParsed === undefined) throw new UsageError(`--until must be an ISO date or datetime, got '${untilText ?? ''}'`);
  // A date alone means all of that day: its last whole second.
  const until = /^\d{4}-\d{2}-\d{2}$/.test(untilText!) ? untilParsed + 86_400_000 - 1000 : untilParsed;
  if (until < since) throw new UsageError('--until is before --since');
  return { since, until };
}

function readList<K extends 'types' | 'fields', T>(flag: string, text: string | undefined, item: RegExp, what: string, convert: (s: string) => T, key: K): Partial<Record<K, T[]>> {
  const items = text?.split(',').map((t) => t.trim()).filter(Boolean) ?? [];
  if (items.some((t) => !item.test(t))) throw new UsageError(`${flag} must be ${what}`);
  return items.length ? ({ [key]: items.map(convert) } as Partial<Record<K, T[]>>) : {};
}

/** `--format` as given, else from the output's name, as `tidemark import` reads it; a name it cannot map is an error. */
export function readFormat(given: string | undefined, out: string): OutputFormat {
  if (given !== undefined) {
    const f = given.toLowerCase() as OutputFormat;
    if (!FORMATS.includes(f)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
    return f;
  }
  const ext = /\.([A-Za-z0-9]+)$/.exec(out)?.[1]?.toLowerCase();
  const format = ext ? EXTENSIONS[ext] : undefined;
  if (!format) {
    throw new UsageError(`cannot tell the output format from the name '${out}' (it follows .csv, .tsv, .ssv, .ndjson or .jsonl); give --format csv|tsv|ssv|ndjson`);
  }
  return format;
}
