/** Reads a downloaded export file as parsed rows, streaming. */
import { createReadStream } from 'node:fs';
import { CsvReader, FORMAT_DELIMITERS, type CsvRecord } from './csv.js';
import type { ActivityRow, ExportFormat } from '../api/types.js';

const INTEGER_COLUMNS = new Set(['leadId', 'activityTypeId', 'campaignId', 'primaryAttributeValueId']);

/** Turns one record into a row keyed by the header: unquoted `null` is null, ids are numbers, attributes an object. */
export function toRow(header: string[], record: CsvRecord): ActivityRow {
  const row: ActivityRow = {};
  header.forEach((name, i) => {
    const text = record.fields[i] ?? '';
    if (text === 'null' && !record.quoted[i]) row[name] = null;
    else if (INTEGER_COLUMNS.has(name) && /^-?\d+$/.test(text)) row[name] = Number(text);
    else if (name === 'attributes') {
      try {
        row[name] = JSON.parse(text);
      } catch {
        (row as Record<string, unknown>)[name] = text;
      }
    } else row[name] = text;
  });
  return row;
}

/**
 * The rows of an export file. Marketo's column names are used as keys (or the header text a job
 * renamed them to).
 * @example for await (const row of readExportRows('./march.csv', 'CSV')) console.log(row.marketoGUID, row.attributes)
 */
export async function* readExportRows(path: string, format: ExportFormat = 'CSV'): AsyncGenerator<ActivityRow> {
  for await (const { header, record } of readExportRecords(path, format)) yield toRow(header, record);
}

/** The raw records with the header they belong to; used where bytes must be copied exactly. */
export async function* readExportRecords(path: string, format: ExportFormat = 'CSV'): AsyncGenerator<{ header: string[]; record: CsvRecord; headerRaw: string }> {
  const reader = new CsvReader(FORMAT_DELIMITERS[format]);
  let header: string[] | undefined;
  let headerRaw = '';
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const handle = function* (records: CsvRecord[]) {
    for (const record of records) {
      if (!header) {
        header = record.fields;
        headerRaw = record.raw;
        continue;
      }
      if (record.raw.trim() === '') continue;
      yield { header, record, headerRaw };
    }
  };
  for await (const chunk of stream) yield* handle(reader.push(chunk as string));
  yield* handle(reader.end());
}
