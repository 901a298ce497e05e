/**
 * `tidemark users create|list|disable` against the same data dir as a RUNNING `tidemark serve`
 * (interfaces.md): credentials made by the CLI get tokens from the live server at once, and a
 * disabled user is refused at once.
 *
 * Both stores (cli.ts gives each data dir a PostgreSQL schema on the PostgreSQL pass, testDatabaseUrl).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Api, BASE, runCli, startServe, tempDir } from './cli.js';

const tokenUrl = (base: string, id: string, secret: string) =>
  `${base}/identity/oauth/token?grant_type=client_credentials&client_id=${encodeURIComponent(id)}&client_secret=${encodeURIComponent(secret)}`;

test('users create/list/disable work while serve is running', async (t) => {
  const dir = tempDir(t, 'users');
  const serve = await startServe(t, dir);
  const users = (...args: string[]) => runCli(['users', ...args, '--data-dir', dir]);

  const made = await users('create', '--name', 'Ada Analyst', '--role', 'read-write-activity', '--json');
  assert.equal(made.code, 0, made.stderr);
  assert.equal(made.stdout.split('\n').filter((l) => l !== '').length, 1, `exactly one line on stdout: ${JSON.stringify(made.stdout)}`);
  assert.ok(made.stdout.endsWith('}\n'), 'the JSON object and a newline, nothing else');
  const ada = JSON.parse(made.stdout) as Record<string, string>;
  assert.deepEqual(Object.keys(ada), ['name', 'role', 'clientId', 'clientSecret']);
  assert.equal(ada.name, 'Ada Analyst');
  assert.equal(ada.role, 'read-write-activity');
  assert.match(ada.clientId!, /\S{8,}/);
  assert.match(ada.clientSecret!, /\S{16,}/);

  // The running server sees the new user at once.
  const tokenRes = await fetch(tokenUrl(serve.url, ada.clientId!, ada.clientSecret!));
  assert.equal(tokenRes.status, 200);
  const token = (await tokenRes.json()) as Record<string, unknown>;
  assert.equal(token.token_type, 'bearer');
  assert.equal(token.scope, 'Ada Analyst');
  assert.ok(typeof token.expires_in === 'number' && token.expires_in > 3500 && token.expires_in <= 3600);
  const api = new Api(serve.url, token.access_token as string);
  const created = await api.createRaw({ filter: { createdAt: { startAt: '2025-01-01T00:00:00Z', endAt: '2025-01-02T00:00:00Z' } } });
  assert.equal(created.success, true, JSON.stringify(created));

  // Default role, human output.
  const ro = await users('create', '--name', 'Reader');
  assert.equal(ro.code, 0, ro.stderr);
  const roId = /client id:\s+(\S+)/.exec(ro.stdout)?.[1];
  const roSecret = /client secret:\s+(\S+)/.exec(ro.stdout)?.[1];
  assert.ok(roId && roSecret, `human output shows the credentials: ${ro.stdout}`);
  assert.match(ro.stdout, /read-only-activity/);
  assert.equal((await fetch(tokenUrl(serve.url, roId, roSecret))).status, 200);

  const list = await users('list');
  assert.equal(list.code, 0, list.stderr);
  const adaLine = list.stdout.split('\n').find((l) => l.includes(ada.clientId!));
  assert.ok(adaLine, `list shows Ada: ${list.stdout}`);
  assert.match(adaLine, /read-write-activity\s+active\s+Ada Analyst/);
  assert.ok(list.stdout.includes(roId));
  assert.ok(!list.stdout.includes(ada.clientSecret!) && !list.stdout.includes(roSecret), 'secrets are never listed');

  const listJson = await users('list', '--json');
  const listed = JSON.parse(listJson.stdout) as Array<Record<string, unknown>>;
  assert.deepEqual(listed.map((u) => u.clientId).sort(), [ada.clientId, roId].sort());
  assert.ok(!listJson.stdout.includes('scrypt') && !listJson.stdout.includes(ada.clientSecret!), 'no secret or hash in --json');

  const disabled = await users('disable', '--client-id', ada.clientId!);
  assert.equal(disabled.code, 0, disabled.stderr);
  assert.ok(disabled.stdout.includes(ada.clientId!));

  const refused = await fetch(tokenUrl(serve.url, ada.clientId!, ada.clientSecret!));
  assert.equal(refused.status, 401);
  assert.deepEqual(await refused.json(), { error: 'invalid_client', error_description: 'Bad client credentials' });
  // Its live token stops working too.
  const status = await api.json(`${BASE}/${created.result[0].exportId}/status.json`);
  assert.equal(status.success, false);
  assert.equal(status.errors[0].code, '603');
  assert.match((await users('list')).stdout, new RegExp(`${ada.clientId}\\s+read-write-activity\\s+disabled`));
  // The other user is untouched.
  assert.equal((await fetch(tokenUrl(serve.url, roId, roSecret))).status, 200);

  const unknown = await users('disable', '--client-id', 'no-such-client');
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stderr, /no-such-client/);

  const badRole = await users('create', '--name', 'X', '--role', 'admin', '--json');
  assert.notEqual(badRole.code, 0);
  assert.equal(badRole.stdout, '', 'nothing on stdout when create fails');
  assert.match(badRole.stderr, /unknown role 'admin'/);
  assert.doesNotMatch(badRole.stderr, /\n\s+at /, 'no stack trace');

  assert.equal(serve.child.exitCode, null, 'serve kept running throughout');
});
