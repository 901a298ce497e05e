/**
 * The `tidemark-extract` command (also `tidemark extract`, which runs this same function): flags
 * in, an extraction run, a message and an exit code out. Exit codes: 0 done, 1 error, 2 bad
 * flags, 3 daily export quota spent, 130 interrupted.
 */
import { MarketoClient } from '../api/client.js';
import { ExportQuotaError, MarketoTransportError } from '../api/errors.js';
import { isUnreachable } from '../api/fetch-failure.js';
import { extract } from '../extract/extract.js';
import { readFlags, usage, UsageError, type ExtractCommand } from './flags.js';
import { Progress, type ProgressIo } from './progress.js';

export interface CommandOptions {
  /** How the command is called in messages (`tidemark-extract`, `tidemark extract`). */
  name: string;
  version: string;
  env?: Record<string, string | undefined>;
  io?: ProgressIo;
}

/**
 * Runs the command; resolves with the exit code (it never calls process.exit itself).
 * @example process.exitCode = await runExtractCommand(process.argv.slice(2), { name: 'tidemark-extract', version: '0.1.0' })
 */
export async function runExtractCommand(argv: string[], o: CommandOptions): Promise<number> {
  const io = o.io ?? process;
  const fail = (message: string, code: number) => {
    io.stderr.write(`${o.name.split(' ')[0]}: ${message}\n`);
    return code;
  };
  let cmd: ExtractCommand | 'help' | 'version';
  try {
    cmd = readFlags(argv, o.env ?? process.env);
  } catch (err) {
    if (err instanceof UsageError) return fail(err.message, 2);
    throw err;
  }
  if (cmd === 'help' || cmd === 'version') {
    io.stdout.write(cmd === 'help' ? usage(o.name) : `${o.version}\n`);
    return 0;
  }
  const progress = new Progress(cmd.json, io);
  const client = new MarketoClient({
    endpoint: cmd.params.endpoint, clientId: cmd.clientId, clientSecret: cmd.clientSecret,
    onRetry: (info) => progress.retry(info),
  });
  const abort = new AbortController();
  const onSigint = () => abort.abort(new Error('interrupted'));
  const onSigterm = () => abort.abort(new Error('terminated'));
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigterm);
  try {
    const summary = await extract({
      client, params: cmd.params, statePath: cmd.statePath, concurrency: cmd.concurrency, restart: cmd.restart, keepState: cmd.keepState,
      signal: abort.signal, onEvent: (e) => progress.event(e),
    });
    progress.finish();
    progress.line({ event: 'done', ...summary, out: cmd.params.out });
    const dropped = summary.duplicatesDropped ? ` (${summary.duplicatesDropped} duplicate GUIDs dropped at window seams)` : '';
    progress.say(`Done: ${summary.rows} rows from ${summary.windows} windows, ${summary.bytes} bytes in ${cmd.params.out}${dropped}`);
    return 0;
  } catch (err) {
    progress.finish();
    return fail(...failure(err, cmd, progress, abort.signal.aborted));
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  }
}

/** The message and exit code of a failed run, after its `--json` event. */
function failure(err: unknown, cmd: ExtractCommand, progress: Progress, aborted: boolean): [string, number] {
  const state = cmd.statePath;
  if (err instanceof ExportQuotaError) {
    const message = `The daily export quota is spent (${err.message.replace(/^1029: /, '')}). It resets at ${err.resetsAt.toISOString()} (00:00 America/Chicago). Progress is saved in ${state}; run the same command again after the reset to continue.`;
    progress.line({ event: 'quota-exceeded', resetsAt: err.resetsAt.toISOString(), state, message });
    return [message, 3];
  }
  if (aborted) {
    progress.line({ event: 'interrupted', state });
    return [`interrupted: the server jobs this run had queued were cancelled; progress is saved in ${state}`, 130];
  }
  let message = err instanceof Error ? err.message : String(err);
  const causeCode = err instanceof MarketoTransportError ? err.causeCode : undefined;
  if (isUnreachable(causeCode)) message += `; check --endpoint ${cmd.params.endpoint}`;
  progress.line({ event: 'failed', message, ...(causeCode ? { code: causeCode } : {}) });
  return [message, 1];
}
