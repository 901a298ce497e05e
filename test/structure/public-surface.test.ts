/**
 * The supported surface of the `tidemark` package (src/index.ts) and the package.json fields that
 * publish it: a change here is a change for everyone who embeds Tidemark, so it is pinned.
 * The client package pins its own (packages/client/src/public-surface.test.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as tidemark from '../../src/index.js';

const ROOT = new URL('../../', import.meta.url);

test('src/index.ts exports exactly createTidemark, defaultConfig and loadServeConfig (and the types Config, CreateOptions, RateLimit, Tidemark)', () => {
  assert.deepEqual(Object.keys(tidemark).sort(), ['createTidemark', 'defaultConfig', 'loadServeConfig']);
  const text = readFileSync(new URL('src/index.ts', ROOT), 'utf8');
  const types = [...text.matchAll(/^export type \{ ([^}]+) \}/gm)].flatMap((m) => m[1]!.split(',').map((s) => s.trim())).sort();
  assert.deepEqual(types, ['Config', 'CreateOptions', 'RateLimit', 'Tidemark']);
});

test('each exported function has TSDoc with an @example', () => {
  const files: Record<string, string> = { createTidemark: 'src/server/main.ts', defaultConfig: 'src/config/config.ts', loadServeConfig: 'src/config/config.ts' };
  for (const name of Object.keys(tidemark)) {
    const text = readFileSync(new URL(files[name]!, ROOT), 'utf8');
    const doc = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*export (?:async )?function ${name}\\b`).exec(text);
    assert.ok(doc?.[1]?.includes('@example'), `${name} has TSDoc with an @example`);
  }
});

test('package.json: the bin, the library entry with its .d.ts, the workspace client, and a files list without tests', () => {
  const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as Record<string, any>;
  assert.equal(pkg.name, 'tidemark');
  assert.deepEqual(pkg.bin, { tidemark: 'bin/tidemark.js' });
  assert.deepEqual(pkg.exports, { '.': { types: './dist/index.d.ts', default: './dist/index.js' }, './package.json': './package.json' });
  assert.equal(pkg.types, './dist/index.d.ts');
  assert.deepEqual(pkg.files, ['bin', 'dist', '!dist/**/*.test.*', 'src', '!src/**/*.test.ts', 'docs', 'README.md']);
  assert.deepEqual(pkg.workspaces, ['packages/client']);
  const client = JSON.parse(readFileSync(new URL('packages/client/package.json', ROOT), 'utf8')) as { version: string };
  assert.equal(pkg.dependencies['@tidemark/client'], client.version, 'the server depends on the client of this checkout');
  // npm ci runs the root prepare: it must build the client before the server's tsc needs its .d.ts.
  assert.match(pkg.scripts.prepare, /^npm run build --workspace @tidemark\/client && tsc -p tsconfig\.json$/);
  const tsconfig = JSON.parse(readFileSync(new URL('tsconfig.json', ROOT), 'utf8')) as { compilerOptions: Record<string, unknown> };
  assert.equal(tsconfig.compilerOptions.declaration, true);
  assert.equal(tsconfig.compilerOptions.sourceMap, true);
});
