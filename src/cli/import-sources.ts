/**
 * What `tidemark import` reads: NDJSON (one record a line) or a bulk export file as Marketo
 * writes it (CSV/TSV/SSV with a header of field names, `null` literals), so production exports
 * can be replayed. Each yields plain records for the kind's parser (parseActivityRecord, ...).
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { CsvReader, FORMAT_DELIMITERS, type CsvRecord } from '@tidemark/client/internal';

export type ImportFormat = 'ndjson' | 'csv' | 'tsv' | 'ssv';

export interface SourceRecord {
  /** Line where the record starts, for error messages. */
  line: number;
  /** Bytes read so far, for progress. */
  bytes: number;
  record: unknown;
  /** Set when the input itself is unreadable at this record. */
  error?: string;
}

export function formatOf(file: string, given?: string): ImportFormat | undefined {
  const f = (given ?? (/\.(csv|tsv|ssv)$/i.exec(file)?.[1] ?? 'ndjson')).toLowerCase();
  return (['ndjson', 'csv', 'tsv', 'ssv'] as const).find((x) => x === f);
}

/**
 * How a kind reads the columns of a Marketo export file: which header names it knows, and each
 * value's text as the record the kind's parser takes (an unquoted `null` is always a missing value).
 */
export interface ColumnRules {
  known(name: string): boolean;
  /** The record value of a column's text, or a ColumnError. */
  value(name: string, text: string): unknown;
}

/** A column value that cannot be read; its message becomes the line's reason. */
export class ColumnError {
  constructor(readonly message: string) {}
}

/** Activities: Marketo's export columns; ids as numbers, attributes as their JSON object. */
export const ACTIVITY_COLUMNS: ColumnRules = {
  known: (name) => KNOWN.has(name),
  value(name, text) {
    if (INTEGER_COLUMNS.has(name)) return /^-?\d+$/.test(text) ? Number(text) : text;
    if (name !== 'attributes') return text;
    try {
      return JSON.parse(text);
    } catch {
      return new ColumnError('attributes is not a JSON object');
    }
  },
};

export async function* readSource(input: Readable, format: ImportFormat, columns: ColumnRules = ACTIVITY_COLUMNS): AsyncGenerator<SourceRecord> {
  if (format === 'ndjson') yield* ndjson(input);
  else yield* exportFile(input, format, columns);
}

async function* ndjson(input: Readable): AsyncGenerator<SourceRecord> {
  let line = 0;
  let bytes = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line++;
    bytes += Buffer.byteLength(text) + 1;
    if (text.trim() === '') continue;
    try {
      yield { line, bytes, record: JSON.parse(text) };
    } catch {
      yield { line, bytes, record: undefined, error: 'not valid JSON' };
    }
  }
}

const INTEGER_COLUMNS = new Set(['leadId', 'activityTypeId', 'campaignId', 'primaryAttributeValueId']);
const KNOWN = new Set(['marketoGUID', 'leadId', 'activityDate', 'activityTypeId', 'campaignId', 'primaryAttributeValueId',
  'primaryAttributeValue', 'attributes', 'actionResult']);

async function* exportFile(input: Readable, format: 'csv' | 'tsv' | 'ssv', columns: ColumnRules): AsyncGenerator<SourceRecord> {
  const reader = new CsvReader(FORMAT_DELIMITERS[format.toUpperCase() as 'CSV']);
  let header: string[] | undefined;
  let line = 1;
  let bytes = 0;
  input.setEncoding('utf8');
  const convert = function* (records: CsvRecord[]): Generator<SourceRecord> {
    for (const rec of records) {
      const at = line;
      line += (rec.raw.match(/\n/g) ?? []).length;
      bytes += Buffer.byteLength(rec.raw);
      if (!header) {
        header = rec.fields;
        const unknown = header.filter((h) => !columns.known(h));
        if (unknown.length) {
          yield { line: at, bytes, record: undefined, error: `unknown column(s) ${unknown.join(', ')}; the header must use Marketo's field names` };
          return;
        }
        continue;
      }
      if (rec.raw.trim() === '') continue;
      if (rec.fields.length !== header.length) {
        yield { line: at, bytes, record: undefined, error: `expected ${header.length} columns, found ${rec.fields.length}` };
        continue;
      }
      const out: Record<string, unknown> = {};
      let error: string | undefined;
      header.forEach((name, i) => {
        const text = rec.fields[i]!;
        if (text === 'null' && !rec.quoted[i]) out[name] = null;
        else {
          const value = columns.value(name, text);
          if (value instanceof ColumnError) error ??= value.message;
          else out[name] = value;
        }
      });
      yield error ? { line: at, bytes, record: undefined, error } : { line: at, bytes, record: out };
    }
  };
  for await (const chunk of input) yield* convert(reader.push(chunk as string));
  yield* convert(reader.end());
}
