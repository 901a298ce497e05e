import type { Command } from 'commander';
import { ConfigError, envName, loadServeConfig, SERVE_FLAGS, takesValue } from '../config/config.js';
import { ensureDemoData, ensureDemoUser } from '../demo/seed.js';
import { fail } from './store-options.js';

export function registerServe(program: Command): void {
  const cmd = program.command('serve').description('start the HTTP API and the export workers');
  for (const [flag, fallback, help] of SERVE_FLAGS) {
    const suffix = ` (env ${envName(flag)}${fallback !== undefined ? `, default ${fallback}` : ''})`;
    cmd.option(takesValue(flag, fallback) ? `--${flag} <value>` : `--${flag}`, help + suffix);
  }
  cmd.action(async (opts: Record<string, unknown>) => {
    let config;
    try {
      config = loadServeConfig(opts, process.env);
    } catch (err) {
      if (err instanceof ConfigError) fail(err.message, 2);
      throw err;
    }
    // Loaded here, not at start-up: the server's modules take 0.15 s, which every other command
    // (extract above all) would pay for nothing.
    const { createTidemark } = await import('../server/main.js');
    const tidemark = await createTidemark(config);
    let demoNote = '';
    if (config.demo) {
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
      const address = await tidemark.app.listen({ host: config.host, port: config.port });
      const url = address.replace('[::1]', 'localhost');
      process.stdout.write(`Tidemark listening on ${url}${config.role === 'api' ? ' (role api: exports run in worker processes)' : ''}\n${demoNote}`);
    }

    const shutdown = (signal: string) => {
      process.stderr.write(`${signal}: finishing in-flight requests and putting running jobs back in the queue...\n`);
      tidemark.close().then(() => process.exit(0), () => process.exit(1));
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
}
