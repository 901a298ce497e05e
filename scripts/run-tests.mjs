#!/usr/bin/env node
// Runs every *.test.ts under src/, packages/*/src/ and test/ with node:test through tsx (Node 20's runner does not
// expand globs itself). Extra arguments narrow the run to files whose path contains one of them.
// With TIDEMARK_TEST_DATABASE_URL set, the server suites (files that build a server through the
// test harness) run a second time on PostgreSQL (TIDEMARK_TEST_STORE=postgres).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
  let out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out = out.concat(find(p));
    else if (entry.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

function run(files, env) {
  const args = ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...files];
  return spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
}

const filters = process.argv.slice(2);
const packages = readdirSync('packages').map((p) => join('packages', p, 'src'));
const files = ['src', ...packages, 'test'].flatMap(find).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
let status = run(files, {});
if (process.env.TIDEMARK_TEST_DATABASE_URL) {
  const serverSuites = files.filter((f) => f.startsWith('test') && /startHarness|testDatabaseUrl/.test(readFileSync(f, 'utf8')));
  if (serverSuites.length) {
    console.log(`\n# again on PostgreSQL: ${serverSuites.length} server suites`);
    status = run(serverSuites, { TIDEMARK_TEST_STORE: 'postgres' }) || status;
  }
}
process.exit(status);
