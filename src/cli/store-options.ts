import type { Command } from 'commander';
import { sqliteFile } from '../config/serve-flags.js';
import { openStore, upgradeNote } from '../store/open-store.js';
import type { Store } from '../store/store.js';

/** `--data-dir` and `--database-url`, shared by every command that opens the store. */
export function withStoreOptions(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'embedded store and export files (env TIDEMARK_DATA_DIR)')
    .option('--database-url <url>', 'postgres://...: use PostgreSQL (env TIDEMARK_DATABASE_URL or DATABASE_URL)');
}

export async function openStoreFrom(opts: { dataDir?: string; databaseUrl?: string }): Promise<Store> {
  const env = process.env;
  const url = opts.databaseUrl ?? env.TIDEMARK_DATABASE_URL ?? env.DATABASE_URL;
  if (url) return openStore({ kind: 'postgres', url });
  return openStore({ kind: 'sqlite', file: sqliteFile(opts.dataDir ?? env.TIDEMARK_DATA_DIR ?? './tidemark-data') }, {
    onUpgrade: (upgrade) => process.stderr.write(`tidemark: ${upgradeNote(upgrade)}\n`),
  });
}

/** Prints a clear message and exits non-zero; for errors the user can fix. */
export function fail(message: string, code = 1): never {
  process.stderr.write(`tidemark: ${message}\n`);
  process.exit(code);
}
