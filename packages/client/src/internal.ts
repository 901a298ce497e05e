/**
 * `@tidemark/client/internal`: pieces the Tidemark server reuses from the client. Not part of the
 * supported surface: they may change in any release. The server may depend on the client, never
 * the reverse, so what both need lives here.
 */
export { runExtractCommand } from './cli/extract-command.js';
export type { CommandOptions } from './cli/extract-command.js';
export { CsvReader, FORMAT_DELIMITERS } from './files/csv.js';
export type { CsvRecord } from './files/csv.js';
export { startWorker } from './lib/worker-thread.js';
export type { StartWorkerOptions } from './lib/worker-thread.js';
