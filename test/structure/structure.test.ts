/**
 * The structure the code claims: no import circle and no upward import anywhere
 * (scripts/check-imports.mjs, also `npm run check:imports`), and in the client package no file
 * over 400 lines and no function over 80 (measured with the TypeScript parser). Each check is
 * also shown to catch a broken example, so it cannot pass by looking at nothing.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
// @ts-expect-error: a plain .mjs script without types
import { checkImports } from '../../scripts/check-imports.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLIENT = join(ROOT, 'packages', 'client', 'src');
const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 80;

type ImportCheck = { problems: string[]; files: number; folderEdges: string[] };

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Functions, methods and arrow functions longer than `max` lines, as `file:line name (n lines)`. */
function longFunctions(file: string, max: number): string[] {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const name = (node as { name?: ts.Node }).name?.getText(sf) ?? '(anonymous)';
      if (end - start + 1 > max) out.push(`${relative(ROOT, file)}:${start + 1} ${name} (${end - start + 1} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

test('no import circle and no upward import in src/ and packages/*/src/', () => {
  const { problems, files } = checkImports() as ImportCheck;
  assert.ok(files > 100, `${files} files checked`);
  assert.deepEqual(problems, []);
});

test('the import check catches a circle, an upward import, the client importing the server, and a deep import into the client', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tidemark-imports-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write('src/domain/a.ts', "import type { B } from './b.js';\nexport type A = B;\n");
  write('src/domain/b.ts', "import type { A } from './a.js';\nexport type B = A | 1;\n");
  write('src/store/s.ts', "import { x } from '../server/x.js';\nexport const s = x;\n");
  write('src/server/x.ts', "import { y } from '../../packages/client/src/api/y.js';\nexport const x = y;\n");
  write('packages/client/src/api/y.ts', "import { e } from '../extract/e.js';\nimport { d } from '../../../../src/domain/d.js';\nexport const y = e + d;\n");
  write('packages/client/src/extract/e.ts', "import pg from 'pg';\nexport const e = pg ? 1 : 2;\n");
  write('src/domain/d.ts', 'export const d = 1;\n');
  const { problems } = checkImports(root) as ImportCheck;
  const has = (re: RegExp) => assert.ok(problems.some((p) => re.test(p)), `${re} in:\n${problems.join('\n')}`);
  has(/import circle: src\/domain\/(a|b)\.ts -> src\/domain\/(a|b)\.ts -> /);
  has(/src\/store\/s\.ts: store may not import server/);
  has(/src\/server\/x\.ts: reaches into the client's files/);
  has(/packages\/client\/src\/api\/y\.ts: client\/api may not import client\/extract/);
  has(/packages\/client\/src\/api\/y\.ts: the client imports the server/);
  has(/packages\/client\/src\/extract\/e\.ts: imports the package 'pg'/);
  assert.equal(problems.length, 6, problems.join('\n'));
});

test(`the client package: no file over ${MAX_FILE_LINES} lines, no function over ${MAX_FUNCTION_LINES} lines (tests' bodies excepted)`, () => {
  const files = sources(CLIENT);
  assert.ok(files.length > 30);
  const long = files.map((f) => [relative(ROOT, f), readFileSync(f, 'utf8').split('\n').length] as const).filter(([, n]) => n > MAX_FILE_LINES);
  assert.deepEqual(long, []);
  // A test's callback is a script of steps; the rule is about the code it tests.
  assert.deepEqual(files.filter((f) => !f.endsWith('.test.ts')).flatMap((f) => longFunctions(f, MAX_FUNCTION_LINES)), []);
});

test('the function-length check measures real functions', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'tidemark-fn-')), 'long.ts');
  writeFileSync(file, `export function long(): number {\n  let n = 0;\n${'  n++;\n'.repeat(90)}  return n;\n}\nexport const short = () => 1;\n`);
  assert.deepEqual(longFunctions(file, MAX_FUNCTION_LINES).map((s) => s.replace(/^.*long\.ts/, 'long.ts')), ['long.ts:1 long (94 lines)']);
  rmSync(dirname(file), { recursive: true, force: true });
});
