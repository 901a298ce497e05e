import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { existsSync, rmSync } from 'node:fs';
import type { Config } from '../config/config.js';
import { envName, SERVE_FLAGS, takesValue } from '../config/serve-flags.js';
import type { Tidemark } from '../server/main.js';
import { fail } from './store-options.js';

/**
 * The console's address on a line of its own (interfaces.md). With --demo it carries a one-time
 * sign-in code in the fragment, which browsers never send to a server, so no log or Referer holds it.
 */
function consoleLine(url: string, code: string | undefined): string {
  return code ? `Console (one-time sign-in link): ${url}/console/sign-in#code=${code}` : `Console (sign in with the admin token): ${url}/console/`;
}

export function registerServe(program: Command): void {
  const cmd = program.command('serve').description('start the HTTP API and the export workers');
  for (const [flag, fallback, help] of SERVE_FLAGS) {
    const suffix = ` (env ${envName(flag)}${fallback !== undefined ? `, default ${fallback}` : ''})`;
    cmd.option(takesValue(flag, fallback) ? `--${flag} <value>` : `--${flag}`, help + suffix);
  }
  cmd.action(async (opts: Record<string, unknown>) => {
    // Loaded here, not at start-up: the config schema (zod) and the server's modules take 0.2 s,
    // which every other command (extract above all) would pay for nothing.
    const { ConfigError, loadServeConfig } = await import('../config/config.js');
    let config;
    try {
      config = loadServeConfig(opts, process.env);
    } catch (err) {
      if (err instanceof ConfigError) fail(err.message, 2);
      throw err;
    }
    // The demo's console needs an admin token to sign in with; without one given, this process
    // makes its own (never printed: the one-time link below signs the person in).
    if (config.demo) config = { ...config, adminToken: config.adminToken ?? randomBytes(24).toString('base64url') };
    const { createTidemark } = await import('../server/main.js');
    // A start that fails (a port in use, say) must not leave a data dir it made behind.
    const madeDataDir = !existsSync(config.dataDir);
    let tidemark: Awaited<ReturnType<typeof createTidemark>> | undefined;
    try {
      tidemark = await createTidemark(config);
      await start(tidemark, config);
    } catch (err) {
      await tidemark?.close().catch(() => undefined);
      if (madeDataDir) rmSync(config.dataDir, { recursive: true, force: true });
      fail(`cannot start: ${err instanceof Error ? err.message : String(err)}`);
    }
    const running = tidemark;
    const shutdown = (signal: string) => {
      process.stderr.write(`${signal}: finishing in-flight requests and putting running jobs back in the queue...\n`);
      running.close().then(() => process.exit(0), () => process.exit(1));
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
}

/** Demo data when asked, then the listen (or the worker's line); prints the ready line. */
async function start(tidemark: Tidemark, config: Config): Promise<void> {
  let demoNote = '';
  if (config.demo) {
    const { ensureDemoData, ensureDemoUser } = await import('../demo/seed.js');
    const user = await ensureDemoUser(tidemark.store, Date.now());
    // First start: 30 days up to today; later starts add the days since the last one (the calendar moves on).
    const written = await ensureDemoData(tidemark.store, Date.now(), (line) => process.stderr.write(`${line}\n`));
    if (written) {
      process.stderr.write(`Wrote ${written.activities} demo activities, ${written.leads} leads and ${written.members} program members (${written.days} days).\n`);
    }
    demoNote = `Demo API user: client_id=${user.clientId} client_secret=${user.clientSecret}\n`;
  }
  if (config.role === 'worker') {
    process.stdout.write(`Tidemark worker running (role worker: exports only, no HTTP) as ${tidemark.scheduler.owner}\n`);
  } else {
    for (const note of tidemark.tlsNotes) process.stderr.write(`${note}\n`);
    if (tidemark.caFile) process.stderr.write(`HTTPS certificate signed by the local CA ${tidemark.caFile} (\`tidemark ca\` prints this path).\n`);
    // One `listening on` line per port (HTTP first when both are served): scripts wait for it.
    const suffix = config.role === 'api' ? ' (role api: exports run in worker processes)' : '';
    const urls = (await tidemark.listen()).map((address) => address.replace('[::1]', 'localhost'));
    process.stdout.write(`${urls.map((url) => `Tidemark listening on ${url}${suffix}\n`).join('')}${demoNote}`);
    // The console link names the last address: HTTPS when both are served.
    if (tidemark.console) process.stdout.write(`${consoleLine(urls.at(-1)!, config.demo ? tidemark.console.issueSignInCode() : undefined)}\n`);
  }
}
