/**
 * What `tidemark import` reads: NDJSON (the shape in interfaces.md) or a bulk activity export file
 * as Marketo writes it (CSV/TSV/SSV, default columns, `null` literals, attributes JSON), so
 * production exports can be replayed. Each yields plain records for parseActivityRecord.
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

export async function* readSource(input: Readable, format: ImportFormat): AsyncGenerator<SourceRecord> {
  if (format === 'ndjson') yield* ndjson(input);
  else yield* exportFile(input, format);
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

async function* exportFile(input: Readable, format: 'csv' | 'tsv' | 'ssv'): AsyncGenerator<SourceRecord> {
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
        const unknown = header.filter((h) => !KNOWN.has(h));
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
        else if (INTEGER_COLUMNS.has(name)) out[name] = /^-?\d+$/.test(text) ? Number(text) : text;
        else if (name === 'attributes') {
          try {
            out[name] = JSON.parse(text);
          } catch {
            error = 'attributes is not a JSON object';
          }
        } else out[name] = text;
      });
      yield error ? { line: at, bytes, record: undefined, error } : { line: at, bytes, record: out };
    }
  };
  for await (const chunk of input) yield* convert(reader.push(chunk as string));
  yield* convert(reader.end());
}
