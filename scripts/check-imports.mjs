#!/usr/bin/env node
// Checks the import graph of the sources (src/ and packages/*/src/, tests included) against the
// layers of docs/design and the client's own: no import circle, type-only imports counted too; no
// layer importing one above it; the client package importing nothing but Node built-ins and
// itself. Prints each violation and exits 1; `--graph` prints the folder-level edges.
// Run it as `npm run check:imports`; test/structure/structure.test.ts runs it in `npm test`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** What a server folder may import (besides itself), from docs/design: imports point down. */
const SERVER_LAYERS = {
  domain: [],
  lib: [],
  errors: [],
  files: ['lib'],
  store: ['domain', 'lib'],
  export: ['domain', 'store', 'files', 'lib', 'client'],
  config: ['domain', 'lib'],
  demo: ['domain', 'store', 'lib'],
  server: ['domain', 'store', 'files', 'export', 'errors', 'config', 'lib', 'demo'],
  cli: ['server', 'client', 'domain', 'store', 'files', 'export', 'config', 'demo', 'lib', 'errors'],
};

/** The client's folders, bottom up: a file may import its own folder and those before it. */
const CLIENT_LAYERS = ['lib', 'api', 'files', 'merge', 'extract', 'cli', '(root)'];

/** Package names of the workspace and the entry file each export path maps to. */
const PACKAGE_ENTRIES = {
  '@tidemark/client': 'packages/client/src/index.ts',
  '@tidemark/client/internal': 'packages/client/src/internal.ts',
};

function sources(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** The specifiers a file imports, with comments removed first; `runtime` leaves out `import type` and `export type`. */
function specifiers(file, { runtime = false } = {}) {
  // Comments and template literals (the worker bootstrap's code is one) hold text, not imports.
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '').replace(/`[^`]*`/g, '``');
  return [...text.matchAll(IMPORT)].filter((m) => !runtime || !/^[\s;]*(?:import|export)\s+type\s/.test(m[0])).map((m) => m[1] ?? m[2]);
}

/**
 * Every export job starts these modules in fresh threads, which load what they import again: a
 * package listed here took tens of ms of each start (zod 60 ms; docs/performance.md), so the
 * threads' runtime imports (dynamic ones too) must not reach it.
 */
const THREAD_ENTRIES = ['src/export/export-worker.ts', 'src/export/run-helper.ts'];
const NOT_IN_THREADS = ['zod'];

function threadProblems(ROOT) {
  const problems = [];
  for (const entry of THREAD_ENTRIES) {
    const via = new Map([[entry, undefined]]);
    const todo = [entry];
    while (todo.length > 0) {
      const file = todo.pop();
      for (const spec of specifiers(join(ROOT, file), { runtime: true })) {
        const target = resolveSpecifier(ROOT, join(ROOT, file), spec);
        if (target.kind === 'package' && NOT_IN_THREADS.includes(target.name)) {
          const chain = [file];
          for (let f = via.get(file); f; f = via.get(f)) chain.push(f);
          problems.push(`${entry}: its thread loads '${target.name}' (${chain.reverse().join(' -> ')})`);
        } else if (target.kind === 'file' && !via.has(target.path) && existsSync(join(ROOT, target.path))) {
          via.set(target.path, file);
          todo.push(target.path);
        }
      }
    }
  }
  return problems;
}

/** `{ kind: 'file', path } | { kind: 'builtin' } | { kind: 'package', name }` */
function resolveSpecifier(ROOT, from, spec) {
  if (spec.startsWith('.')) {
    const path = relative(ROOT, resolve(dirname(from), spec)).replace(/\.js$/, '.ts');
    return { kind: 'file', path };
  }
  if (PACKAGE_ENTRIES[spec]) return { kind: 'file', path: PACKAGE_ENTRIES[spec], viaPackage: spec };
  const bare = spec.replace(/^node:/, '');
  if (spec.startsWith('node:') || builtinModules.includes(bare)) return { kind: 'builtin' };
  return { kind: 'package', name: spec };
}

/** The layer a file belongs to: `server:<folder>`, `client:<folder>`, or undefined (top-level files). */
function layerOf(path) {
  let m = /^src\/([^/]+)\//.exec(path);
  if (m) return { area: 'server', folder: m[1] };
  m = /^packages\/client\/src\/(?:([^/]+)\/)?[^/]+$/.exec(path);
  if (m) return { area: 'client', folder: m[1] ?? '(root)' };
  return undefined;
}

/** Checks the tree at `ROOT` (this repository by default; the test also gives it a small broken one). */
export function checkImports(ROOT = REPO) {
  const files = [...sources(join(ROOT, 'src')), ...(existsSync(join(ROOT, 'packages')) ? readdirSync(join(ROOT, 'packages')) : []).flatMap((p) => sources(join(ROOT, 'packages', p, 'src')))]
    .map((f) => relative(ROOT, f));
  const known = new Set(files);
  const problems = [];
  const edges = new Map(files.map((f) => [f, []]));
  const folderEdges = new Set();
  for (const file of files) {
    const from = layerOf(file);
    for (const spec of specifiers(join(ROOT, file))) {
      const target = resolveSpecifier(ROOT, join(ROOT, file), spec);
      if (target.kind === 'builtin') continue;
      if (target.kind === 'package') {
        const testOnly = file.endsWith('.test.ts') || from?.folder === 'testing';
        if (from?.area === 'client' && !testOnly) problems.push(`${file}: imports the package '${target.name}'; the client uses Node built-ins only`);
        continue;
      }
      if (!known.has(target.path)) {
        problems.push(`${file}: imports '${spec}', which is not a source file`);
        continue;
      }
      edges.get(file).push(target.path);
      const to = layerOf(target.path);
      if (!from || !to || file.endsWith('.test.ts')) continue;
      const toName = to.area === 'client' ? 'client' : to.folder;
      if (from.area === 'server') {
        folderEdges.add(`${from.folder} -> ${toName}`);
        if (to.area === 'client' && !target.viaPackage) problems.push(`${file}: reaches into the client's files ('${spec}'); import '@tidemark/client'`);
        else if (toName !== from.folder && !(SERVER_LAYERS[from.folder] ?? []).includes(toName)) problems.push(`${file}: ${from.folder} may not import ${toName} ('${spec}')`);
      } else {
        folderEdges.add(`client/${from.folder} -> ${to.area === 'client' ? `client/${to.folder}` : to.folder}`);
        if (to.area !== 'client') problems.push(`${file}: the client imports the server ('${spec}')`);
        else if (from.folder !== 'testing' && to.folder !== 'testing' && CLIENT_LAYERS.indexOf(to.folder) > CLIENT_LAYERS.indexOf(from.folder)) {
          problems.push(`${file}: client/${from.folder} may not import client/${to.folder} ('${spec}'), a layer above it`);
        } else if (to.folder === 'testing' && !file.endsWith('.test.ts') && from.folder !== 'testing') {
          problems.push(`${file}: only tests may import client/testing`);
        }
      }
    }
  }
  for (const cycle of cycles(edges)) problems.push(`import circle: ${cycle.join(' -> ')}`);
  if (existsSync(join(ROOT, THREAD_ENTRIES[0]))) problems.push(...threadProblems(ROOT));
  return { problems, folderEdges: [...folderEdges].sort(), files: files.length };
}

/** Every strongly connected component of more than one file (or a file importing itself), as a path. */
function cycles(edges) {
  let index = 0;
  const idx = new Map(), low = new Map(), stack = [], onStack = new Set(), out = [];
  const visit = (v) => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (edges.get(v) ?? []).includes(v)) out.push([...scc.reverse(), scc[0]]);
    }
  };
  for (const v of edges.keys()) if (!idx.has(v)) visit(v);
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { problems, folderEdges, files } = checkImports();
  if (process.argv.includes('--graph')) console.log(folderEdges.join('\n'));
  for (const p of problems) console.error(p);
  console.error(`${files} files checked: ${problems.length ? `${problems.length} problem(s)` : 'no import circle, no upward import'}`);
  process.exit(problems.length ? 1 : 0);
}
