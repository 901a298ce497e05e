/** `tidemark ca`: the local CA certificate that `serve --tls` certificates chain to, for clients to trust. */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { tlsDir } from '../config/serve-flags.js';
import { fail } from './store-options.js';

export function registerCa(program: Command): void {
  program
    .command('ca')
    .description("print the path of the local CA certificate that `serve --tls` uses (made if missing), for NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE, SSL_CERT_FILE or a Java trust store")
    .option('--pem', 'print the certificate itself instead of its path')
    .option('--data-dir <dir>', 'the data dir of `serve` (env TIDEMARK_DATA_DIR, default ./tidemark-data)')
    .option('--tls-dir <dir>', 'the TLS dir of `serve` (env TIDEMARK_TLS_DIR, default <data-dir>/tls)')
    .action(async (opts: { pem?: boolean; dataDir?: string; tlsDir?: string }) => {
      const env = process.env;
      const dir = opts.tlsDir ?? env.TIDEMARK_TLS_DIR ?? tlsDir(opts.dataDir ?? env.TIDEMARK_DATA_DIR ?? './tidemark-data');
      // Loaded here: key generation code is of no use to the other commands.
      const { ensureLocalCa, LocalCaError } = await import('../server/tls/local-ca.js');
      const notes: string[] = [];
      let caCert: string;
      try {
        caCert = (await ensureLocalCa(resolve(dir), Date.now(), { notes })).caCert;
      } catch (err) {
        if (err instanceof LocalCaError || (err as NodeJS.ErrnoException).code !== undefined) fail((err as Error).message);
        throw err;
      }
      for (const note of notes) process.stderr.write(`${note}\n`);
      process.stdout.write(opts.pem ? readFileSync(caCert, 'utf8') : `${caCert}\n`);
    });
}
