/**
 * The packages as users get them. `npm pack` both (from the dist/ that `npm test` built), install
 * the client's tarball offline into a new project with a strict tsconfig, type-check and run a
 * small program that exports through the SDK against a live Tidemark (real socket, real SQLite
 * file), run `npx tidemark-extract --help`, and check that the installed tree holds no native
 * module. The server's tarball is checked by its contents: installing it would compile
 * better-sqlite3, minutes this suite cannot spend.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { createTidemark, defaultConfig } from '../../src/index.js';
import { newClientCredentials } from '../../src/lib/ids.js';
import { hashSecret } from '../../src/lib/secrets.js';
import { activities, expectedCsv, rangeFilter, SINCE, tempDir, UNTIL_MS } from '../client/helpers.js';
import { ROOT } from '../e2e/cli.js';

const run = promisify(execFile);
const NPM = 'npm';
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

interface Packed {
  filename: string;
  files: { path: string }[];
}

/** `npm pack` of the package in `dir` into `dest`, without scripts (dist/ is already built). */
async function pack(dir: string, dest: string): Promise<{ tarball: string; files: string[] }> {
  const { stdout } = await run(NPM, ['pack', '--json', '--ignore-scripts', '--pack-destination', dest], { cwd: dir });
  const [info] = JSON.parse(stdout) as Packed[];
  return { tarball: join(dest, info!.filename), files: info!.files.map((f) => f.path).sort() };
}

/** Every file under `dir`, relative, following no links. */
function walk(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    return e.isDirectory() ? walk(join(dir, e.name), rel) : [rel];
  });
}

const PROGRAM = `
import { downloadExport, extract, isMarketoError, MarketoClient, readExportRows, type ExportJob } from '@tidemark/client';

const [endpoint, clientId, clientSecret, since, until, dir] = process.argv.slice(2) as [string, string, string, string, string, string];
const client = new MarketoClient({ endpoint, clientId, clientSecret });
try {
  const job: ExportJob = await client.createExport({ format: 'TSV', filter: { createdAt: { startAt: since, endAt: new Date(Date.parse(since) + 20 * 86_400_000).toISOString() } } });
  await client.enqueueExport(job.exportId);
  const done = await client.waitForExport(job.exportId, { intervalMs: 100 });
  const file = await downloadExport(client, job.exportId, dir + '/one.tsv');
  let rows = 0;
  for await (const row of readExportRows(file.path, 'TSV')) if (typeof row.marketoGUID === 'string') rows++;
  const summary = await extract({
    client, params: { endpoint, since: Date.parse(since), until: Date.parse(until), format: 'csv', out: dir + '/all.csv' },
    statePath: dir + '/all.state.json', pollMs: 50,
  });
  console.log(JSON.stringify({ status: done.status, numberOfRecords: done.numberOfRecords, rows, checksum: file.checksum === done.fileChecksum, summary }));
} catch (e) {
  console.error(isMarketoError(e) ? e.message : String(e));
  process.exit(1);
}
`;

test('npm pack both packages; the client installs offline with no native module, type-checks strictly, exports against a live server, and its bin runs', async (t) => {
  const dir = tempDir(t, 'pack');
  const tarballs = join(dir, 'tarballs');
  mkdirSync(tarballs);
  const [server, client] = await Promise.all([pack(ROOT, tarballs), pack(join(ROOT, 'packages', 'client'), tarballs)]);

  // The server's tarball: the bin, the built CLI and library with types and maps; no tests, benches or the client's sources.
  for (const f of ['bin/tidemark.js', 'dist/cli/main.js', 'dist/index.js', 'dist/index.d.ts', 'dist/index.js.map', 'package.json', 'README.md']) {
    assert.ok(server.files.includes(f), `the server tarball has ${f}`);
  }
  assert.deepEqual(server.files.filter((f) => /(^|\/)(test|bench|packages)\/|\.test\.|^\.ci\//.test(f)), [], 'no tests, benches or packages/');
  const serverPkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  assert.equal(serverPkg.dependencies['@tidemark/client'], '0.1.0');

  // The client's tarball: built entry points with .d.ts and maps, the bin, sources for the maps; no tests.
  for (const f of ['bin/tidemark-extract.js', 'dist/index.js', 'dist/index.d.ts', 'dist/index.d.ts.map', 'dist/index.js.map', 'dist/internal.js',
    'dist/merge/merge-worker.js', 'src/index.ts', 'package.json']) {
    assert.ok(client.files.includes(f), `the client tarball has ${f}`);
  }
  assert.deepEqual(client.files.filter((f) => /\.test\.|testing\//.test(f)), [], 'no tests or test support');

  // A new project: the client from its tarball only, offline.
  const app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'pack-check', private: true, type: 'module' }));
  await run(NPM, ['install', '--offline', '--no-audit', '--no-fund', client.tarball], { cwd: app });
  const installed = walk(join(app, 'node_modules'));
  assert.deepEqual([...new Set(installed.map((f) => f.split('/').slice(0, f.startsWith('@') ? 2 : 1).join('/')))].sort(), ['.bin', '.package-lock.json', '@tidemark/client']);
  assert.deepEqual(installed.filter((f) => /\.node$|binding\.gyp$|prebuilds\//.test(f)), [], 'no native module');
  const pkg = JSON.parse(readFileSync(join(app, 'node_modules/@tidemark/client/package.json'), 'utf8')) as Record<string, any>;
  assert.equal(pkg.dependencies, undefined);
  assert.deepEqual(Object.keys(pkg.scripts ?? {}).filter((s) => /install/.test(s)), [], 'no install scripts');

  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', lib: ['ES2022'], module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true, skipLibCheck: false, outDir: 'out', types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')],
    },
    include: ['main.ts'],
  }));
  writeFileSync(join(app, 'main.ts'), PROGRAM);
  await run(process.execPath, [TSC, '-p', app]).catch((e: { stdout?: string }) => assert.fail(`the program does not type-check:\n${e.stdout}`));

  // A live server through the server package's own library surface, on a SQLite file. (One
  // store is enough here: packaging does not depend on it, so this suite has no PostgreSQL pass.)
  const tm = await createTidemark(defaultConfig({ dataDir: join(dir, 'server'), logLevel: 'silent', rateLimit: undefined }), { pollMs: 50 });
  t.after(() => tm.close());
  const baseUrl = await tm.app.listen({ host: '127.0.0.1', port: 0 });
  await tm.store.importActivities(activities(3));
  const user = newClientCredentials();
  await tm.store.createUser({ ...user, name: 'pack@test', role: 'read-only-activity', secretHash: hashSecret(user.clientSecret), disabled: false, createdAt: Date.now() });
  const since = SINCE;
  const until = new Date(UNTIL_MS).toISOString(); // the end of the range rangeFilter() describes
  const { stdout } = await run(process.execPath, [join(app, 'out', 'main.js'), baseUrl, user.clientId, user.clientSecret, since, until, app], { cwd: app });
  const got = JSON.parse(stdout) as { status: string; numberOfRecords: number; rows: number; checksum: boolean; summary: { rows: number; windows: number } };
  const want = await expectedCsv(tm.store, rangeFilter());
  assert.equal(got.status, 'Completed');
  assert.equal(got.rows, got.numberOfRecords);
  assert.ok(got.rows > 0);
  assert.equal(got.checksum, true);
  assert.deepEqual(got.summary, { windows: 4, rows: want.activities.length, bytes: Buffer.byteLength(want.text), duplicatesDropped: 0 });
  assert.equal(readFileSync(join(app, 'all.csv'), 'utf8'), want.text);

  const help = await run('npx', ['tidemark-extract', '--help'], { cwd: app });
  assert.match(help.stdout, /^Usage: tidemark-extract --endpoint URL --since DATE --until DATE --out FILE/);
  assert.match(help.stdout, /--keep-state/);
});
