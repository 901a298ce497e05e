import type { Command } from 'commander';
import { newClientCredentials } from '../lib/ids.js';
import { hashSecret } from '../lib/secrets.js';
import { parseRole, PERMISSIONS } from '../domain/permissions.js';
import { ROLES } from '../store/store.js';
import { fail, openStoreFrom, withStoreOptions } from './store-options.js';

export function registerUsers(program: Command): void {
  const users = program.command('users').description('manage API users (client credentials)');

  withStoreOptions(users.command('create').description('create an API user; the secret is shown once'))
    .requiredOption('--name <name>', 'user name (the token answer shows it as scope)')
    .option('--role <role>', `one of ${ROLES.join(', ')}, or a comma-separated list of ${PERMISSIONS.join(', ')}`, 'read-only-activity')
    .option('--json', 'print one JSON object and nothing else')
    .action(async (opts: { name: string; role: string; json?: boolean; dataDir?: string; databaseUrl?: string }) => {
      if (!parseRole(opts.role)) fail(`unknown role '${opts.role}'; use one of ${ROLES.join(', ')}, or a comma-separated list of ${PERMISSIONS.join(', ')}`, 2);
      if (opts.name.trim() === '') fail('--name must not be empty', 2);
      const store = await openStoreFrom(opts);
      const { clientId, clientSecret } = newClientCredentials();
      await store.createUser({
        clientId, name: opts.name, role: opts.role, secretHash: hashSecret(clientSecret), disabled: false, createdAt: Date.now(),
      });
      await store.close();
      const out = { name: opts.name, role: opts.role, clientId, clientSecret };
      if (opts.json) process.stdout.write(JSON.stringify(out) + '\n');
      else process.stdout.write(`Created API user '${opts.name}' (${opts.role})\n  client id:     ${clientId}\n  client secret: ${clientSecret}\nThe secret is stored hashed and cannot be shown again.\n`);
    });

  withStoreOptions(users.command('list').description('list API users'))
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean; dataDir?: string; databaseUrl?: string }) => {
      const store = await openStoreFrom(opts);
      const list = (await store.listUsers()).map((u) => ({
        name: u.name, role: u.role, clientId: u.clientId, disabled: u.disabled, createdAt: new Date(u.createdAt).toISOString(),
      }));
      await store.close();
      if (opts.json) process.stdout.write(JSON.stringify(list) + '\n');
      else if (list.length === 0) process.stdout.write('No API users. Create one with: npx tidemark users create --name NAME\n');
      else {
        const idWidth = Math.max('CLIENT ID'.length, ...list.map((u) => u.clientId.length));
        const line = (id: string, role: string, status: string, name: string) => `${id.padEnd(idWidth)}  ${role.padEnd(19)}  ${status.padEnd(8)}  ${name}\n`;
        process.stdout.write(line('CLIENT ID', 'ROLE', 'STATUS', 'NAME'));
        for (const u of list) process.stdout.write(line(u.clientId, u.role, u.disabled ? 'disabled' : 'active', u.name));
      }
    });

  withStoreOptions(users.command('disable').description('disable an API user; its tokens stop working'))
    .requiredOption('--client-id <id>', 'the client id to disable')
    .action(async (opts: { clientId: string; dataDir?: string; databaseUrl?: string }) => {
      const store = await openStoreFrom(opts);
      const ok = await store.disableUser(opts.clientId);
      await store.close();
      if (!ok) fail(`no API user with client id '${opts.clientId}'`);
      process.stdout.write(`Disabled ${opts.clientId}\n`);
    });
}
