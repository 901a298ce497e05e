/**
 * Planning an extraction, with no I/O: the windows of its range, the job each window asks the
 * server for, and the format those jobs use.
 */
import type { CreateExportRequest, ExportFormat } from '../api/types.js';
import type { ExtractParams, ExtractState, OutputFormat, WindowState } from './state.js';
import { splitWindows, type Window } from './windows.js';

/**
 * A new extraction: every window pending, nothing merged.
 * @example const state = planExtraction({ endpoint, since, until, format: 'csv', out: 'all.csv' }); state.windows.length // 8 for Mar..Oct
 */
export function planExtraction(params: ExtractParams): ExtractState {
  const windows: WindowState[] = splitWindows(params.since, params.until).map((w) => ({ ...w, phase: 'pending' }));
  return { version: 1, params, windows, outBytes: 0, rows: 0, seamGuids: [] };
}

/** The format the server writes: CSV, TSV or SSV as asked, CSV for NDJSON output (converted while merging). */
export function jobFormatOf(format: OutputFormat): ExportFormat {
  return format === 'ndjson' ? 'CSV' : (format.toUpperCase() as ExportFormat);
}

/** The create request of one window: its range (both ends inclusive), the types and fields asked for. */
export function windowRequest(params: ExtractParams, w: Window): CreateExportRequest {
  return {
    format: jobFormatOf(params.format),
    ...(params.fields ? { fields: params.fields } : {}),
    filter: {
      createdAt: { startAt: isoSeconds(w.start), endAt: isoSeconds(w.end) },
      ...(params.types ? { activityTypeIds: params.types } : {}),
    },
  };
}

/** `2026-03-01T00:00:00Z`: Marketo's form, whole seconds. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
