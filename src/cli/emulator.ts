/**
 * `tidemark emulator ...`: drives a running server's emulator controls through the SDK's
 * EmulatorClient. Each command prints the server's answer as one JSON line on stdout.
 */
import type { Command } from 'commander';
import type { EmulatorClient } from '@tidemark/client';
import { parseDuration } from '../lib/duration.js';
import { fail } from './store-options.js';

interface Common {
  endpoint?: string;
  adminToken?: string;
}

async function client(opts: Common): Promise<EmulatorClient> {
  // Loaded when a control runs: every other command starts without the client SDK.
  const { EmulatorClient } = await import('@tidemark/client');
  const endpoint = opts.endpoint ?? process.env.TIDEMARK_ENDPOINT;
  const adminToken = opts.adminToken ?? process.env.TIDEMARK_ADMIN_TOKEN;
  if (!endpoint) fail('--endpoint (or TIDEMARK_ENDPOINT) is required', 2);
  if (!adminToken) fail('--admin-token (or TIDEMARK_ADMIN_TOKEN) is required', 2);
  return new EmulatorClient({ endpoint, adminToken });
}

function durationArg(text: string, flag: string): string {
  if (parseDuration(text) === undefined) fail(`invalid ${flag} '${text}': expected a duration such as 8d, 36h, 90m, 30s or 500ms`, 2);
  return text;
}

function countArg(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) fail(`invalid ${flag} '${text}': expected a whole number`, 2);
  return Number(text);
}

/** Runs one control and prints its answer; API and network errors exit 1 with the message. */
async function run(opts: Common, action: (c: EmulatorClient) => Promise<unknown>): Promise<void> {
  try {
    process.stdout.write(`${JSON.stringify(await action(await client(opts)))}\n`);
  } catch (err) {
    const { isMarketoError } = await import('@tidemark/client');
    if (isMarketoError(err)) fail(err.message);
    throw err;
  }
}

export function registerEmulator(program: Command): void {
  const emu = program.command('emulator').description("drive a running server's emulator controls (serve --emulator-controls)");
  const sub = (name: string, description: string) =>
    emu.command(name).description(description)
      .option('--endpoint <url>', 'the Tidemark URL (env TIDEMARK_ENDPOINT)')
      .option('--admin-token <token>', "the server's admin token (env TIDEMARK_ADMIN_TOKEN; prefer the variable)");

  sub('state', "print the server's clock and pending faults").action((o: Common) => run(o, (c) => c.state()));
  sub('clock', 'move the server clock forward')
    .requiredOption('--advance <duration>', 'how far: 8d, 36h, 90m, 30s, 500ms, or sums such as 1d12h')
    .action((o: Common & { advance: string }) => run(o, (c) => c.advanceClock(durationArg(o.advance, '--advance'))));
  sub('fail-jobs', 'make the next N jobs that start fail')
    .option('--count <n>', 'how many jobs', '1')
    .option('--message <text>', "their errorMsg (default 'Export failed: injected by the emulator')")
    .action((o: Common & { count: string; message?: string }) => run(o, (c) => c.failNextJobs(countArg(o.count, '--count'), o.message)));
  sub('delay-jobs', 'keep every job that starts Processing this much longer (0 = off)')
    .requiredOption('--delay <duration>', 'e.g. 5s or 2m')
    .action((o: Common & { delay: string }) => run(o, (c) => c.delayJobs(durationArg(o.delay, '--delay'))));
  sub('force-calls', 'answer the next N API calls with 606 or 615')
    .requiredOption('--code <code>', '606 or 615')
    .option('--count <n>', 'how many calls', '1')
    .action((o: Common & { code: string; count: string }) => {
      if (o.code !== '606' && o.code !== '615') fail(`invalid --code '${o.code}': use 606 or 615`, 2);
      return run(o, (c) => c.forceCalls(o.code as '606' | '615', countArg(o.count, '--count')));
    });
  sub('exhaust-quota', 'spend the daily export quota until the next 00:00 America/Chicago').action((o: Common) => run(o, (c) => c.exhaustQuota()));
  sub('clear-faults', 'clear every pending fault').action((o: Common) => run(o, (c) => c.clearFaults()));
  sub('reset', 'delete every job, export file and token (users stay)')
    .option('--activities', 'delete every activity too')
    .action((o: Common & { activities?: boolean }) => run(o, (c) => c.reset({ activities: o.activities ?? false })));
}
