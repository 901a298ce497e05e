import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { accessTokenFor, checkSecret, DUMMY_SECRET_HASH, hashSecret, tokenDigest } from './secrets.js';

describe('hashSecret and checkSecret', () => {
  const secret = 'k3F9-secret_value';
  const stored = hashSecret(secret);
  test('the stored form names its scheme and parameters and never holds the secret', () => {
    assert.match(stored, /^scrypt\$16384\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.ok(!stored.includes(secret));
  });
  test('the right secret verifies and yields a 32-byte token key', async () => {
    const r = await checkSecret(secret, stored);
    assert.equal(r.ok, true);
    assert.equal(r.tokenKey?.length, 32);
    assert.ok(r.tokenKey!.equals((await checkSecret(secret, stored)).tokenKey!), 'the same key every time');
  });
  test('a wrong secret does not, and yields no key', async () => {
    for (const wrong of ['', 'k3F9-secret_valuE', `${secret} `, secret.slice(0, -1)]) {
      assert.deepEqual(await checkSecret(wrong, stored), { ok: false }, wrong);
    }
  });
  test('each hash has its own salt, and so its own token key', async () => {
    const again = hashSecret(secret);
    assert.notEqual(again, stored);
    const [a, b] = await Promise.all([checkSecret(secret, again), checkSecret(secret, stored)]);
    assert.equal(a.ok, true);
    assert.ok(!a.tokenKey!.equals(b.tokenKey!));
  });
  test('the token key is not the stored key: nothing stored yields it', async () => {
    const key = Buffer.from(stored.split('$')[3]!, 'base64');
    const r = await checkSecret(secret, stored);
    assert.ok(!r.tokenKey!.equals(key));
    assert.ok(!stored.includes(r.tokenKey!.toString('base64')));
  });
  test('the dummy hash is well formed (same work as a real one) and matches no likely secret', async () => {
    const [, n, salt, key] = DUMMY_SECRET_HASH.split('$');
    assert.equal(n, '16384');
    assert.equal(Buffer.from(salt!, 'base64').length, 16);
    assert.equal(Buffer.from(key!, 'base64').length, 32);
    for (const guess of ['', 'tidemark-demo-secret', 'secret']) assert.equal((await checkSecret(guess, DUMMY_SECRET_HASH)).ok, false);
  });
  const [, , salt, key] = stored.split('$');
  const malformed: [string, string][] = [
    ['empty', ''],
    ['another scheme', `bcrypt$16384$${salt}$${key}`],
    ['missing key', `scrypt$16384$${salt}$`],
    ['missing parts', 'scrypt$16384'],
    ['N not a number', `scrypt$abc$${salt}$${key}`],
    ['N not a power of two', `scrypt$3$${salt}$${key}`],
    ['N out of range', `scrypt$99999999999$${salt}$${key}`],
    ['key that decodes to nothing', `scrypt$16384$${salt}$@@@`],
    ['key too short to be a hash', `scrypt$16384$${salt}$AA==`],
    ['another N than the key was made with', `scrypt$1024$${salt}$${key}`],
  ];
  for (const [label, bad] of malformed) {
    test(`a malformed stored hash never matches, never throws: ${label}`, async () => {
      assert.equal((await checkSecret(secret, bad)).ok, false);
      assert.equal((await checkSecret('', bad)).ok, false);
    });
  }
});

describe('accessTokenFor and tokenDigest', () => {
  const key = randomBytes(32);
  test('a version-4 UUID shape with the pod suffix; the same inputs give the same token', () => {
    const t = accessTokenFor(key, 'client-1', 'nonce-1');
    assert.match(t, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}:tm$/);
    assert.equal(accessTokenFor(key, 'client-1', 'nonce-1'), t);
  });
  test('another key, client or nonce gives another token', () => {
    const t = accessTokenFor(key, 'client-1', 'nonce-1');
    assert.notEqual(accessTokenFor(randomBytes(32), 'client-1', 'nonce-1'), t);
    assert.notEqual(accessTokenFor(key, 'client-2', 'nonce-1'), t);
    assert.notEqual(accessTokenFor(key, 'client-1', 'nonce-2'), t);
    // The separator keeps (client, nonce) pairs apart that would concatenate alike.
    assert.notEqual(accessTokenFor(key, 'ab', 'c'), accessTokenFor(key, 'a', 'bc'));
  });
  test('the digest is SHA-256 hex', () => {
    const t = accessTokenFor(key, 'client-1', 'nonce-1');
    assert.match(tokenDigest(t), /^[0-9a-f]{64}$/);
    assert.notEqual(tokenDigest(t), tokenDigest(`${t} `));
  });
});
