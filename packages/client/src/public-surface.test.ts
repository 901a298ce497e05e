/**
 * The supported surface of `@tidemark/client`: the names index.ts exports, and the package.json
 * fields that make them importable. A change here is a change for every user: make it on purpose.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as client from './index.js';

test('index.ts exports exactly these values', () => {
  assert.deepEqual(Object.keys(client).sort(), [
    'EmulatorClient',
    'ExportQuotaError',
    'MarketoApiError',
    'MarketoClient',
    'MarketoError',
    'MarketoTransportError',
    'StateMismatchError',
    'TokenProvider',
    'downloadExport',
    'extract',
    'isMarketoError',
    'normaliseEndpoint',
    'readExportRows',
  ]);
});

test('index.ts exports exactly these types', () => {
  const text = readFileSync(new URL('./index.ts', import.meta.url), 'utf8');
  const types = [...text.matchAll(/^export type \{ ([^}]+) \}/gm)].flatMap((m) => m[1]!.split(',').map((s) => s.trim())).sort();
  assert.deepEqual(types, [
    'ActivityRow', 'ActivityType', 'CreateExportRequest', 'DownloadOptions', 'DownloadResult', 'Duration', 'EmulatorClientOptions',
    'EmulatorState', 'ExportFormat', 'ExportJob', 'ExportStatus', 'ExtractEvent', 'ExtractOptions', 'ExtractParams', 'ExtractSummary',
    'FetchLike', 'ListExportsOptions', 'MarketoClientOptions', 'OutputFormat', 'ResetResult', 'RetryInfo', 'RetryOptions',
    'TokenProviderOptions', 'WaitOptions', 'WindowPhase',
  ]);
});

test('package.json: exports, types, bin and files publish the built entry points, .d.ts and maps, and no tests', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  assert.equal(pkg.name, '@tidemark/client');
  assert.equal(pkg.type, 'module');
  assert.deepEqual(pkg.exports, {
    '.': { types: './dist/index.d.ts', default: './dist/index.js' },
    './internal': { types: './dist/internal.d.ts', default: './dist/internal.js' },
    './package.json': './package.json',
  });
  assert.equal(pkg.types, './dist/index.d.ts');
  assert.deepEqual(pkg.bin, { 'tidemark-extract': 'bin/tidemark-extract.js' });
  assert.deepEqual(pkg.files, ['bin', 'dist', '!dist/**/*.test.*', 'src', '!src/**/*.test.ts', '!src/testing', 'README.md']);
  assert.equal(pkg.dependencies, undefined, 'the client has no runtime dependencies');
  const tsconfig = JSON.parse(readFileSync(new URL('../tsconfig.json', import.meta.url), 'utf8')) as { compilerOptions: Record<string, unknown> };
  assert.equal(tsconfig.compilerOptions.declaration, true);
  assert.equal(tsconfig.compilerOptions.declarationMap, true);
  assert.equal(tsconfig.compilerOptions.sourceMap, true);
});

test('every exported function and class has TSDoc with an @example', () => {
  const missing: string[] = [];
  for (const [name, value] of Object.entries(client)) {
    if (typeof value !== 'function') continue;
    const file = declaringFile(name);
    const text = readFileSync(new URL(file, import.meta.url), 'utf8');
    const decl = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*export (?:async )?(?:function\\*? |class )${name}\\b`).exec(text);
    if (!decl || !decl[1]!.includes('@example')) missing.push(`${name} (${file})`);
  }
  assert.deepEqual(missing, []);
});

/** The module index.ts re-exports `name` from. */
function declaringFile(name: string): string {
  const text = readFileSync(new URL('./index.ts', import.meta.url), 'utf8');
  const m = new RegExp(`^export \\{[^}]*\\b${name}\\b[^}]*\\} from '([^']+)'`, 'm').exec(text);
  assert.ok(m, `index.ts re-exports ${name}`);
  return m[1]!.replace(/\.js$/, '.ts');
}
