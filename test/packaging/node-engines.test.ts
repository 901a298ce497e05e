/**
 * Tidemark runs on Node 20 (package.json engines): no package in the lockfile may require a newer
 * Node. light-my-request 6.8 once pulled in cookie 2, which declares node >= 22
 * (docs/decisions/2026-12-03-node-20-dependencies.md).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[] }>;
};

/** The lowest major version a `node` engine range accepts, when it says so plainly (`>=22`, `^22.1`, `22.x`). */
function lowestMajor(range: string): number | undefined {
  const majors = range.split('||').map((part) => Number(/^\s*(?:>=|\^|~)?\s*v?(\d+)/.exec(part)?.[1] ?? NaN));
  return majors.some(Number.isNaN) ? undefined : Math.min(...majors);
}

test('lowestMajor reads the ranges packages use', () => {
  assert.equal(lowestMajor('>=22'), 22);
  assert.equal(lowestMajor('^18.17.0 || >=20.5.0'), 18);
  assert.equal(lowestMajor('>= 14.16'), 14);
  assert.equal(lowestMajor('*'), undefined);
});

test('every locked package runs on Node 20', () => {
  const tooNew = Object.entries(lock.packages).flatMap(([name, p]) => {
    const node = Array.isArray(p.engines) ? undefined : p.engines?.node;
    const major = node === undefined ? undefined : lowestMajor(node);
    return major !== undefined && major > 20 ? [`${name} (node ${node})`] : [];
  });
  assert.deepEqual(tooNew, []);
});
