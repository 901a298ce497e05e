/**
 * The plain TypeScript export formatter: the readable definition of the file format and the
 * oracle that the store engines' line builders are compared against, byte for byte.
 */
import type { Activity } from './activity.js';
import { formatMarketoDate } from './dates.js';
import type { ExportFormat } from './export-body.js';
import type { ExportValue } from './export-kind.js';
import type { ExportField } from './export-request.js';

export const DELIMITERS: Record<ExportFormat, string> = { CSV: ',', TSV: '\t', SSV: ' ' };

/** Quote (RFC 4180 doubling) only when the value holds the delimiter, `"`, CR or LF. */
export function quoteValue(value: string, delimiter: string): string {
  if (value.includes(delimiter) || value.includes('"') || value.includes('\n') || value.includes('\r')) {
    return `"${value.replaceAll('"', '""')}"`;
  }
  return value;
}

/** The header line of any export kind: each field's name, or its `columnHeaderNames` text. */
export function formatHeader(request: { fields: readonly string[]; columnHeaderNames: Readonly<Record<string, string | undefined>>; format: ExportFormat }): string {
  const d = DELIMITERS[request.format];
  return request.fields.map((f) => quoteValue(request.columnHeaderNames[f] ?? f, d)).join(d) + '\n';
}

function fieldText(a: Activity, field: ExportField): string | null {
  switch (field) {
    case 'marketoGUID': return a.marketoGUID;
    case 'leadId': return String(a.leadId);
    case 'activityDate': return formatMarketoDate(a.activityDate);
    case 'activityTypeId': return String(a.activityTypeId);
    case 'campaignId': return a.campaignId === null ? null : String(a.campaignId);
    case 'primaryAttributeValueId': return a.primaryAttributeValueId === null ? null : String(a.primaryAttributeValueId);
    case 'primaryAttributeValue': return a.primaryAttributeValue;
    case 'attributes': return a.attributes;
    case 'actionResult': return a.actionResult;
  }
}

/** One data line, LF-terminated. A missing value is the literal `null`, unquoted. */
export function formatRow(a: Activity, fields: readonly ExportField[], format: ExportFormat): string {
  const d = DELIMITERS[format];
  return fields.map((f) => {
    const v = fieldText(a, f);
    return v === null ? 'null' : quoteValue(v, d);
  }).join(d) + '\n';
}

/**
 * One lead or program member data line, LF-terminated: the stored text quoted when needed, ids
 * as digits, dates as `YYYY-MM-DDTHH:MM:SSZ`, booleans as `true`/`false`, a missing value as the
 * literal `null`, unquoted.
 */
export function formatRecord(values: readonly ExportValue[], format: ExportFormat): string {
  const d = DELIMITERS[format];
  return values.map((v) => {
    if (v === null) return 'null';
    if (typeof v === 'string') return quoteValue(v, d);
    if (v instanceof Date) return formatMarketoDate(v.getTime());
    return String(v);
  }).join(d) + '\n';
}
