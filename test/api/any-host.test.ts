/**
 * Any Munchkin host: Marketo serves identity, REST and bulk paths on `<munchkin-id>.mktorest.com`,
 * and clients that cannot be given another base URL send that Host (and that TLS name). Tidemark
 * serves one subscription whatever the Host says, and a request target in absolute form
 * (`GET https://<id>.mktorest.com/rest/...`, RFC 9112 §3.2.2) as its path.
 * A request with no Host at all is the hardening suite's business, not this one's.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { raw } from '../helpers/api.js';
import { startHarness } from '../helpers/harness.js';

const HOSTS = [
  '123-ABC-456.mktorest.com',
  '123-abc-456.MKTOREST.COM:443',
  '999-XYZ-000.mktorest.com:3000',
  '[::1]:8443',
  'tidemark.internal',
  '',
];

test('identity, REST and bulk paths answer alike for any Host header', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const u = await h.user('read-only-activity');
  const identityPath = `/identity/oauth/token?grant_type=client_credentials&client_id=${u.clientId}&client_secret=${encodeURIComponent(u.clientSecret)}`;
  let token: string | undefined;
  for (const host of HOSTS) {
    const identity = await raw(h, { path: identityPath, headers: { Host: host } });
    assert.equal(identity.status, 200, `Host '${host}': ${identity.text}`);
    const body = JSON.parse(identity.text);
    token ??= body.access_token;
    assert.equal(body.access_token, token, `Host '${host}': one subscription, so the same live token`);
    const auth = { Host: host, Authorization: `Bearer ${token}` };
    const types = JSON.parse((await raw(h, { path: '/rest/v1/activities/types.json', headers: auth })).text);
    assert.equal(types.success, true, `Host '${host}': REST`);
    const jobs = JSON.parse((await raw(h, { path: '/bulk/v1/activities/export.json', headers: auth })).text);
    assert.equal(jobs.success, true, `Host '${host}': bulk`);
  }
});

test('an absolute-form request target is served as its path, whatever authority it names', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const token = await h.token();
  const auth = { Host: '123-ABC-456.mktorest.com', Authorization: `Bearer ${token}` };
  const types = await raw(h, { path: 'https://123-ABC-456.mktorest.com/rest/v1/activities/types.json', headers: auth });
  assert.equal(JSON.parse(types.text).success, true, types.text);
  // node-marketo-rest's dot segment survives the authority being dropped.
  const jobs = await raw(h, { path: 'http://123-abc-456.mktorest.com:80/rest/../bulk/v1/activities/export.json?batchSize=5', headers: auth });
  assert.equal(JSON.parse(jobs.text).success, true, jobs.text);
  const unknown = JSON.parse((await raw(h, { path: 'https://123-ABC-456.mktorest.com/nope.json', headers: auth })).text);
  assert.deepEqual(unknown.errors.map((e: { code: string }) => e.code), ['610']);
});
