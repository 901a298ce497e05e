/**
 * docs/client.md's SDK examples are one TypeScript module: this test joins its ```ts blocks in
 * order and type-checks them strictly against the client package as a user resolves it
 * (`@tidemark/client` -> packages/client, its package.json `exports` and .d.ts). Needs
 * packages/client/dist (the test command builds it first).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { ROOT, tempDir } from '../e2e/cli.js';

const DOC = readFileSync(join(ROOT, 'docs', 'client.md'), 'utf8');

test('docs/client.md: one import line, from @tidemark/client, and every example type-checks strictly', async (t) => {
  const blocks = [...DOC.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  assert.ok(blocks.length >= 4, `${blocks.length} ts blocks`);
  const imports = DOC.split('\n').filter((l) => /^\s*import\s/.test(l));
  assert.equal(imports.length, 1, imports.join('\n'));
  assert.match(imports[0]!, /^import \{ MarketoClient, extract, [^}]*\} from '@tidemark\/client';$/);
  assert.doesNotMatch(DOC, /tidemark\/dist\//, 'no deep imports into dist/');

  const dir = tempDir(t, 'client-doc');
  mkdirSync(join(dir, 'node_modules', '@tidemark'), { recursive: true });
  symlinkSync(join(ROOT, 'packages', 'client'), join(dir, 'node_modules', '@tidemark', 'client'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  writeFileSync(join(dir, 'examples.ts'), blocks.join('\n'));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', lib: ['ES2022'], module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true, noUnusedLocals: true, noEmit: true, types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')],
    },
    include: ['examples.ts'],
  }));
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  await promisify(execFile)(process.execPath, [tsc, '-p', dir]).catch((e: { stdout?: string }) => assert.fail(`the examples do not type-check:\n${e.stdout}`));
});
