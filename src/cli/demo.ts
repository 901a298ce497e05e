import type { Command } from 'commander';
import { parseMarketoDate } from '../domain/dates.js';
import { DEMO_DEFAULTS, MAX_ACTIVITIES_PER_DAY } from '../demo/defaults.js';
import { fail, openStoreFrom, withStoreOptions } from './store-options.js';

const positiveInt = (name: string) => (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) < 1) fail(`${name} must be a positive integer, got '${v}'`, 2);
  return Number(v);
};

export function registerDemo(program: Command): void {
  withStoreOptions(program.command('demo').description('write a reproducible demo data set and the demo API user'))
    .option('--days <n>', 'days of activity', positiveInt('--days'), DEMO_DEFAULTS.days)
    .option('--activities-per-day <n>', `average activities per weekday (at most ${Math.floor(MAX_ACTIVITIES_PER_DAY / 1.15)})`, positiveInt('--activities-per-day'), DEMO_DEFAULTS.activitiesPerDay)
    .option('--seed <s>', 'random seed', positiveInt('--seed'), DEMO_DEFAULTS.seed)
    .option('--end <date>', 'end of the data set (exclusive); default: today 00:00 UTC')
    .option('--json', 'print one JSON object {activities, seconds, clientId, clientSecret} and nothing else on stdout')
    .action(async (opts: { days: number; activitiesPerDay: number; seed: number; end?: string; json?: boolean; dataDir?: string; databaseUrl?: string }) => {
      // Loaded when it runs: the generator and its tables are of no use to the other commands.
      const [{ ensureDemoUser, todayUtc, writeDemo }, { SingleBar }] = await Promise.all([import('../demo/seed.js'), import('cli-progress')]);
      const end = opts.end ? parseMarketoDate(opts.end)?.ms : todayUtc(Date.now());
      if (end === undefined) fail(`--end '${opts.end}' is not a date`, 2);
      if (opts.activitiesPerDay * 1.15 > MAX_ACTIVITIES_PER_DAY) fail(`--activities-per-day must be at most ${Math.floor(MAX_ACTIVITIES_PER_DAY / 1.15)}`, 2);
      const store = await openStoreFrom(opts);
      const started = Date.now();
      process.stderr.write(`Generating ${opts.days} days of demo activity...\n`);
      // Weekdays run 15% over the average and weekends at 40%, so this is an estimate.
      const expected = opts.days * opts.activitiesPerDay;
      const bar = process.stderr.isTTY ? new SingleBar({ format: 'demo [{bar}] {value} of about {total} activities | {rate}/s', stream: process.stderr }) : undefined;
      bar?.start(expected, 0, { rate: 0 });
      const n = await writeDemo(store, { days: opts.days, activitiesPerDay: opts.activitiesPerDay, seed: opts.seed, endMs: end },
        (written) => bar?.update(Math.min(written, expected), { rate: Math.round(written / ((Date.now() - started) / 1000)) }));
      bar?.update(expected);
      bar?.stop();
      const user = await ensureDemoUser(store, Date.now());
      await store.close();
      const seconds = Number(((Date.now() - started) / 1000).toFixed(1));
      if (opts.json) {
        const summary = { activities: n.activities, leads: n.leads, programMembers: n.members, seconds, clientId: user.clientId, clientSecret: user.clientSecret };
        process.stdout.write(JSON.stringify(summary) + '\n');
      } else {
        process.stdout.write(`wrote ${n.activities} demo activities, ${n.leads} leads and ${n.members} program members in ${seconds.toFixed(1)}s; ` +
          `demo API user client_id=${user.clientId} client_secret=${user.clientSecret}\n`);
      }
    });
}
