import type { Command } from 'commander';
import { existsSync, rmSync } from 'node:fs';
import { ConfigError, envName, loadServeConfig, SERVE_FLAGS, takesValue, type Config } from '../config/config.js';
import { ensureDemoUser, todayUtc, writeDemoActivities, writeDemoCatalog, DEMO_DEFAULTS } from '../demo/seed.js';
import type { Tidemark } from '../server/main.js';
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
    const user = await ensureDemoUser(tidemark.store, Date.now());
    if ((await tidemark.store.countActivities()) === 0) {
      process.stderr.write(`Generating demo data (${DEMO_DEFAULTS.days} days, about ${DEMO_DEFAULTS.activitiesPerDay} activities a day)...\n`);
      const n = await writeDemoActivities(tidemark.store, { ...DEMO_DEFAULTS, endMs: todayUtc(Date.now()) });
      process.stderr.write(`Generated ${n} demo activities.\n`);
    } else {
      // A store made before the catalog existed still gets it, so the look-ups work.
      await writeDemoCatalog(tidemark.store);
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
}
