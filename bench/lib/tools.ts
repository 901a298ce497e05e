/**
 * The reference tools (nginx, the sqlite3 CLI, psql) and PostgreSQL: installed from Debian's
 * packages when missing, PostgreSQL started through scripts/pg-cluster.sh; plus the machine facts.
 */
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { run } from './proc.js';

const which = async (bin: string) => (await run('sh', ['-c', `command -v ${bin}`], { check: false })).stdout.trim();

let aptUpdated = false;
/** Installs Debian packages whose binary is missing (apt-get update once first). */
export async function ensureBinary(bin: string, pkg: string, log: (s: string) => void): Promise<string> {
  const found = (await which(bin)) || (existsSync(`/usr/sbin/${bin}`) ? `/usr/sbin/${bin}` : '');
  if (found) return found;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    log(`installing ${pkg} from Debian's packages (apt-get update first)...`);
    await run('apt-get', ['update', '-qq'], { env });
    aptUpdated = true;
  }
  await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], { env });
  const now = (await which(bin)) || (existsSync(`/usr/sbin/${bin}`) ? `/usr/sbin/${bin}` : '');
  if (!now) throw new Error(`${pkg} installed but ${bin} is not on PATH`);
  return now;
}

export interface Postgres {
  url: string;
  /** Stops the cluster if this run started it. */
  stop(): Promise<void>;
}

/** A PostgreSQL URL: BENCH_DATABASE_URL when set, else a private cluster in `dir` (kept between runs). */
export async function ensurePostgres(dir: string, repo: string, log: (s: string) => void): Promise<Postgres> {
  if (process.env.BENCH_DATABASE_URL) return { url: process.env.BENCH_DATABASE_URL, stop: async () => {} };
  log(`starting a private PostgreSQL cluster in ${dir}...`);
  const script = join(repo, 'scripts/pg-cluster.sh');
  const url = (await run('bash', [script, 'start', dir])).stdout.trim().split('\n').pop()!;
  return { url, stop: async () => void (await run('bash', [script, 'stop', dir], { check: false })) };
}

export interface Machine {
  cpu: string;
  cores: number;
  ramGb: number;
  os: string;
  node: string;
  sqlite: string;
  sqliteCli: string;
  postgres: string;
  psql: string;
  nginx: string;
}

export async function machineFacts(pgUrl: string | undefined): Promise<Machine> {
  const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?([^"\n]+)/m)?.[1] : undefined;
  const db = new Database(':memory:');
  const sqlite = db.prepare('select sqlite_version()').pluck().get() as string;
  db.close();
  const version = async (cmd: string, args: string[]) => {
    const r = await run(cmd, args, { check: false }).catch(() => undefined);
    return r ? (r.stdout + r.stderr).trim().split('\n')[0]! : 'missing';
  };
  let postgres = 'not used';
  if (pgUrl) {
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    postgres = (await c.query('SHOW server_version')).rows[0].server_version as string;
    await c.end();
  }
  return {
    cpu: cpu.trim(),
    cores: cpus().length,
    ramGb: Math.round(totalmem() / 2 ** 30),
    os: osRelease ?? process.platform,
    node: process.version,
    sqlite,
    sqliteCli: (await version('sqlite3', ['-version'])).split(' ')[0]!,
    postgres,
    psql: (await version('psql', ['--version'])).replace(/^psql \(PostgreSQL\) /, ''),
    nginx: (await version('nginx', ['-v'])).replace(/^nginx version: nginx\//, ''),
  };
}
