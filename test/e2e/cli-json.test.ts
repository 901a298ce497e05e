/**
 * The CLI's machine-readable and tidy sides (issue 14): `import --json` and `demo --json` print one
 * JSON object, `users list` has a header, and a `serve` that cannot start (its port is taken)
 * exits with the reason and leaves no data dir behind. Both stores (cli.ts).
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { createUser, runCli, tempDir } from './cli.js';

test('import --json and demo --json print one JSON object on stdout', async (t) => {
  const dir = tempDir(t, 'json-out');
  const demo = await runCli(['demo', '--days', '1', '--activities-per-day', '20', '--json', '--data-dir', dir]);
  assert.equal(demo.code, 0, demo.stderr);
  const d = JSON.parse(demo.stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(d), ['activities', 'leads', 'programMembers', 'seconds', 'clientId', 'clientSecret']);
  assert.ok((d.activities as number) > 0 && typeof d.seconds === 'number' && d.clientId === 'tidemark-demo');

  const file = join(dir, 'a.ndjson');
  const line = (guid: string) => JSON.stringify({ marketoGUID: guid, leadId: 7, activityDate: '2025-03-01T10:00:00Z', activityTypeId: 1, attributes: {} });
  writeFileSync(file, `${line('9000001')}\n${line('9000002')}\nnot json\n`);
  const imported = await runCli(['import', file, '--skip-invalid', '--json', '--data-dir', dir]);
  assert.equal(imported.code, 0, imported.stderr);
  const summary = JSON.parse(imported.stdout) as Record<string, unknown>;
  assert.deepEqual({ ...summary, seconds: 0 }, { kind: 'activities', imported: 2, duplicates: 0, invalid: 1, nulBytes: 0, seconds: 0 });
  assert.match(imported.stderr, /line 3: not valid JSON/);

  const catalog = join(dir, 'catalog.json');
  writeFileSync(catalog, JSON.stringify({ programs: [{ id: 1001, name: 'EV_2026_Summit' }] }));
  const assets = await runCli(['import', '--kind', 'assets', catalog, '--json', '--data-dir', dir]);
  assert.equal(assets.code, 0, assets.stderr);
  assert.deepEqual(JSON.parse(assets.stdout), { kind: 'assets', imported: { program: 1, staticList: 0, form: 0, leadField: 0, campaign: 0, smartList: 0, programMemberField: 0 } });
});

test('users list prints a header above its columns', async (t) => {
  const dir = tempDir(t, 'users-header');
  const empty = await runCli(['users', 'list', '--data-dir', dir]);
  assert.match(empty.stdout, /^No API users\./);
  const ada = await createUser(dir, 'ada@example.com');
  const list = await runCli(['users', 'list', '--data-dir', dir]);
  assert.equal(list.code, 0, list.stderr);
  const [header, row, ...rest] = list.stdout.split('\n');
  assert.match(header!, /^CLIENT ID\s+ROLE\s+STATUS\s+NAME$/);
  assert.match(row!, new RegExp(`^${ada.clientId}\\s+read-write-activity\\s+active\\s+ada@example.com$`));
  assert.deepEqual(rest, ['']);
  assert.equal(header!.indexOf('ROLE'), row!.indexOf('read-write-activity'), 'the columns line up');
});

test('a serve that cannot listen (port taken) says why, exits 1, and leaves no data dir it made', async (t) => {
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => busy.close(resolve)));
  const port = (busy.address() as { port: number }).port;
  const parent = tempDir(t, 'serve-busy');
  const dataDir = join(parent, 'never');
  const r = await runCli(['serve', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir], { timeoutMs: 30_000 });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^tidemark: cannot start: listen EADDRINUSE: address already in use 127\.0\.0\.1:\d+\n$/);
  assert.equal(existsSync(dataDir), false);
  // A data dir that was there before stays, with what it held.
  const kept = await runCli(['serve', '--host', '127.0.0.1', '--port', String(port), '--data-dir', parent], { timeoutMs: 30_000 });
  assert.equal(kept.code, 1);
  assert.equal(existsSync(parent), true);
});
