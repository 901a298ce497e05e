/**
 * docs/emulator.md's example, run exactly as written: its CI shell block (with `npx tidemark`
 * pointed at this checkout's bin/tidemark.js and a free port) starts a fresh server with the
 * emulator controls and runs its `expired-file.test.mjs` block, which moves the clock 8 days and
 * expects the file's 404. Needs dist/ (the test command builds it first).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { BIN, ROOT, tempDir } from '../e2e/cli.js';

const DOC = readFileSync(new URL('../../docs/emulator.md', import.meta.url), 'utf8');

/** The fenced blocks of a language, in order. */
function blocks(markdown: string, lang: string): string[] {
  return [...markdown.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

test('the example of docs/emulator.md passes as written: the file answers 404 after the clock moved 8 days', async (t) => {
  const testFile = blocks(DOC, 'js').find((b) => b.startsWith('// expired-file.test.mjs'));
  const script = blocks(DOC, 'sh').find((b) => b.includes('node --test expired-file.test.mjs'));
  assert.ok(testFile, 'docs/emulator.md has the expired-file.test.mjs block');
  assert.ok(script, 'docs/emulator.md has the CI shell block');
  assert.match(testFile, /advanceClock\('8d'\)/);
  assert.match(testFile, /assert\.equal\(expired\.status, 404\)/);

  const dir = tempDir(t, 'emulator-doc');
  writeFileSync(join(dir, 'expired-file.test.mjs'), testFile);
  // `import ... from '@tidemark/client'` resolves to this checkout's client package, as it would to an installed one.
  mkdirSync(join(dir, 'node_modules', '@tidemark'), { recursive: true });
  symlinkSync(join(ROOT, 'packages', 'client'), join(dir, 'node_modules', '@tidemark', 'client'), 'dir');
  // An `npx` first on PATH that runs this checkout's bin for `npx tidemark` (an executable, not a
  // shell function, so `setsid npx ...` in the example works too).
  const shimDir = join(dir, 'shim');
  mkdirSync(shimDir);
  writeFileSync(join(shimDir, 'npx'), `#!/usr/bin/env bash\nif [ "$1" = tidemark ]; then shift; exec node ${JSON.stringify(BIN)} "$@"; fi\nexec ${JSON.stringify(npxPath())} "$@"\n`, { mode: 0o755 });
  writeFileSync(join(dir, 'ci.sh'), script);

  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // Our own test runner's context must not leak into the example's `node --test`.
    if (!k.startsWith('TIDEMARK_') && k !== 'DATABASE_URL' && k !== 'NODE_TEST_CONTEXT' && k !== 'NODE_OPTIONS') env[k] = v;
  }
  env.PORT = String(await freePort());
  env.PATH = `${shimDir}:${process.env.PATH ?? ''}`;
  const child = spawn('bash', ['ci.sh'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(timer);
  assert.equal(code, 0, `the example failed:\n${out.slice(-4000)}`);
  assert.match(out, /# pass 1\b/);
  assert.match(out, /# fail 0\b/);
});

/** The real npx, found before the shim goes first on PATH. */
function npxPath(): string {
  for (const d of (process.env.PATH ?? '').split(':')) {
    if (d && existsSync(join(d, 'npx'))) return join(d, 'npx');
  }
  return 'npx';
}
