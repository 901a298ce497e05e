/**
 * `@tidemark/client/internal`: pieces the Tidemark server reuses from the client. Not part of the
 * supported surface: they may change in any release. The server may depend on the client, never
 * the reverse, so what both need lives here.
 */
import type { CommandOptions } from './cli/extract-command.js';
export type { CommandOptions } from './cli/extract-command.js';

/**
 * The extract command, loaded when it runs: the server's export threads import this module for
 * `startWorker`, and loading the whole client with it took 30 ms of every thread's start.
 */
export async function runExtractCommand(argv: string[], o: CommandOptions): Promise<number> {
  const { runExtractCommand: run } = await import('./cli/extract-command.js');
  return run(argv, o);
}
export { CsvReader, FORMAT_DELIMITERS } from './files/csv.js';
export type { CsvRecord } from './files/csv.js';
export { startWorker } from './lib/worker-thread.js';
export type { StartWorkerOptions } from './lib/worker-thread.js';
