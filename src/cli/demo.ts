import type { Command } from 'commander';
import { parseMarketoDate } from '../domain/dates.js';
import { DEMO_DEFAULTS, ensureDemoUser, todayUtc, writeDemoActivities } from '../demo/seed.js';
import { fail, openStoreFrom, withStoreOptions } from './store-options.js';

const positiveInt = (name: string) => (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) < 1) fail(`${name} must be a positive integer, got '${v}'`, 2);
  return Number(v);
};

export function registerDemo(program: Command): void {
  withStoreOptions(program.command('demo').description('write a reproducible demo data set and the demo API user'))
    .option('--days <n>', 'days of activity', positiveInt('--days'), DEMO_DEFAULTS.days)
    .option('--activities-per-day <n>', 'average activities per weekday', positiveInt('--activities-per-day'), DEMO_DEFAULTS.activitiesPerDay)
    .option('--seed <s>', 'random seed', positiveInt('--seed'), DEMO_DEFAULTS.seed)
    .option('--end <date>', 'end of the data set (exclusive); default: today 00:00 UTC')
    .action(async (opts: { days: number; activitiesPerDay: number; seed: number; end?: string; dataDir?: string; databaseUrl?: string }) => {
      const end = opts.end ? parseMarketoDate(opts.end)?.ms : todayUtc(Date.now());
      if (end === undefined) fail(`--end '${opts.end}' is not a date`, 2);
      const store = await openStoreFrom(opts);
      const started = Date.now();
      process.stderr.write(`Generating ${opts.days} days of demo activity...\n`);
      const n = await writeDemoActivities(store, { days: opts.days, activitiesPerDay: opts.activitiesPerDay, seed: opts.seed, endMs: end });
      const user = await ensureDemoUser(store, Date.now());
      await store.close();
      process.stdout.write(`wrote ${n} demo activities in ${((Date.now() - started) / 1000).toFixed(1)}s; demo API user client_id=${user.clientId} client_secret=${user.clientSecret}\n`);
    });
}
