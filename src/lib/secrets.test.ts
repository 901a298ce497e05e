import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hashSecret, verifySecret } from './secrets.js';

describe('hashSecret and verifySecret', () => {
  const secret = 'k3F9-secret_value';
  const stored = hashSecret(secret);
  test('the stored form names its scheme and parameters and never holds the secret', () => {
    assert.match(stored, /^scrypt\$16384\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.ok(!stored.includes(secret));
  });
  test('the right secret verifies', () => assert.equal(verifySecret(secret, stored), true));
  test('a wrong secret does not', () => {
    for (const wrong of ['', 'k3F9-secret_valuE', `${secret} `, secret.slice(0, -1)]) assert.equal(verifySecret(wrong, stored), false, wrong);
  });
  test('each hash has its own salt', () => {
    const again = hashSecret(secret);
    assert.notEqual(again, stored);
    assert.equal(verifySecret(secret, again), true);
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
    test(`a malformed stored hash never matches, never throws: ${label}`, () => {
      assert.equal(verifySecret(secret, bad), false);
      assert.equal(verifySecret('', bad), false);
    });
  }
});
