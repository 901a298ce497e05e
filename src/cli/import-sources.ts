/**
 * What `tidemark import` reads: NDJSON (one record a line) or a bulk export file as Marketo
 * writes it (CSV/TSV/SSV with a header of field names, `null` literals), so production exports
 * can be replayed. Each yields plain records for the kind's parser (parseActivityRecord, ...).
 */
import type { Readable } from 'node:stream';
import type { CsvRecord } from '@tidemark/client/internal';
import { NdjsonLines } from './ndjson-lines.js';
import type { SourceBatch, SourceRecord } from './source-record.js';

export type { SourceBatch, SourceRecord } from './source-record.js';

export type ImportFormat = 'ndjson' | 'csv' | 'tsv' | 'ssv';

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

export async function* readSource(input: Readable, format: ImportFormat, columns: ColumnRules = ACTIVITY_COLUMNS): AsyncGenerator<SourceBatch> {
  if (format === 'ndjson') yield* ndjson(input);
  else yield* exportFile(input, format, columns);
}

async function* ndjson(input: Readable): AsyncGenerator<SourceBatch> {
  const lines = new NdjsonLines();
  let bytes = 0;
  for await (const chunk of input) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    bytes += buf.length;
    yield { records: lines.push(buf), bytes };
  }
  yield { records: lines.end(), bytes };
}

const INTEGER_COLUMNS = new Set(['leadId', 'activityTypeId', 'campaignId', 'primaryAttributeValueId']);
const KNOWN = new Set(['marketoGUID', 'leadId', 'activityDate', 'activityTypeId', 'campaignId', 'primaryAttributeValueId',
  'primaryAttributeValue', 'attributes', 'actionResult']);

async function* exportFile(input: Readable, format: 'csv' | 'tsv' | 'ssv', columns: ColumnRules): AsyncGenerator<SourceBatch> {
  // The client's CSV reader, loaded only for export files: an NDJSON import starts without the client.
  const { CsvReader, FORMAT_DELIMITERS } = await import('@tidemark/client/internal');
  const reader = new CsvReader(FORMAT_DELIMITERS[format.toUpperCase() as 'CSV']);
  let header: string[] | undefined;
  let line = 1;
  let bytes = 0;
  let stop = false;
  input.setEncoding('utf8');
  const convert = (records: CsvRecord[]): SourceRecord[] => {
    const out: SourceRecord[] = [];
    for (const rec of records) {
      if (stop) break;
      const at = line;
      line += (rec.raw.match(/\n/g) ?? []).length;
      if (!header) {
        header = rec.fields;
        const unknown = header.filter((h) => !columns.known(h));
        if (unknown.length) {
          out.push({ line: at, record: undefined, error: `unknown column(s) ${unknown.join(', ')}; the header must use Marketo's field names` });
          stop = true;
        }
        continue;
      }
      if (rec.raw.trim() === '') continue;
      if (rec.fields.length !== header.length) {
        out.push({ line: at, record: undefined, error: `expected ${header.length} columns, found ${rec.fields.length}` });
        continue;
      }
      const values: Record<string, unknown> = {};
      let error: string | undefined;
      header.forEach((name, i) => {
        const text = rec.fields[i]!;
        if (text === 'null' && !rec.quoted[i]) values[name] = null;
        else {
          const value = columns.value(name, text);
          if (value instanceof ColumnError) error ??= value.message;
          else values[name] = value;
        }
      });
      out.push(error ? { line: at, record: undefined, error } : { line: at, record: values });
    }
    return out;
  };
  for await (const chunk of input) {
    bytes += Buffer.byteLength(chunk as string);
    yield { records: convert(reader.push(chunk as string)), bytes };
    if (stop) return;
  }
  yield { records: convert(reader.end()), bytes };
}
