/**
 * Issue 16, finding 5: one behaviour on both stores for every text the filters accept. A
 * `primaryAttributeValues` entry with a NUL byte completed with 0 rows on SQLite and failed the job
 * on PostgreSQL (PostgreSQL text cannot hold NUL). Filter texts are now normalised as imported
 * texts are (NUL dropped, lone surrogates as U+FFFD), so a filter matches what an import of the
 * same text stored, on either store.
 *
 * fast-check generates filter values (binary and Unicode text, NUL bytes, lone surrogates, very
 * long values, SQL and COPY specials) over activities imported with texts from the same generator;
 * each request runs on SQLite and on PostgreSQL and the data lines must be byte-identical and equal
 * the rows the filter selects by the rule (stored value equals a normalised filter value).
 *
 * Needs TIDEMARK_TEST_DATABASE_URL; opens both stores itself, so it runs once (the SQLite pass).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { parseActivityRecord, wellFormed, type Activity } from '../../src/domain/activity.js';
import { validateActivityExportRequest, type ActivityExportRequest } from '../../src/domain/export-request.js';
import { formatRow } from '../../src/domain/file-format.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { dropTestSchema, tempDir } from '../helpers/harness.js';

const BASE_URL = process.env.TIDEMARK_TEST_DATABASE_URL;
const SKIP = !BASE_URL ? 'TIDEMARK_TEST_DATABASE_URL is not set (.ci/run starts PostgreSQL and sets it)'
  : process.env.TIDEMARK_TEST_STORE === 'postgres' ? 'runs once, in the SQLite pass: it opens both stores itself' : false;
const SCALE = process.env.TIDEMARK_STRESS ? 5 : 1;
const SEED = Number(process.env.TIDEMARK_FUZZ_SEED ?? Date.now() % 2 ** 31);
const DAY_START = Date.UTC(2026, 0, 15);

/** Texts a client may send as a primary attribute value, and an importer may store. */
const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: fc.constantFrom('a', '\0', '\uD800', '\uDC00', '\uD83D\uDE00', "'", '"', ',', '\\', '\n', '%', '_'), maxLength: 8 }),
  fc.integer({ min: 1000, max: 70_000 }).map((n) => 'L'.repeat(n)),
  fc.constantFrom('a\u0000b', '\u0000', '\uD800', 'x\uDFFFy', 'null', '', '\\.', '\\N', "O'Brien", 'MembershipTest1', ' ', 'é', 'e\u0301'),
);

let sqlite: Store;
let postgres: Store;
let pgUrl: string;
let dir: string;
let stored: Activity[] = [];
let pool: string[] = [];

before(async () => {
  if (SKIP) return;
  dir = tempDir('cross-store-filters');
  const u = new URL(BASE_URL!);
  u.searchParams.set('schema', `xfilters_${process.pid}`);
  pgUrl = u.toString();
  sqlite = await openStore({ kind: 'sqlite', file: join(dir, 'tidemark.sqlite') });
  postgres = await openStore({ kind: 'postgres', url: pgUrl });
  pool = fc.sample(text, { numRuns: 80 * SCALE, seed: SEED });
  // Each text imported as Marketo would (once as type 2 and once as type 22, two asset groups, so
  // a filter on one type must not select the other): through the import's own rules (NUL dropped, counted).
  stored = pool.flatMap((pav, i) => [0, 1].map((k) => {
    const r = parseActivityRecord({
      marketoGUID: String(5_000_000 + i * 2 + k), leadId: 1000 + i, activityDate: new Date(DAY_START + (i * 2 + k) * 1000).toISOString(),
      activityTypeId: k ? 2 : 22, primaryAttributeValueId: i, primaryAttributeValue: pav, attributes: {},
    });
    assert.ok(r.ok, JSON.stringify(r));
    return r.activity;
  }));
  for (const store of [sqlite, postgres]) await store.importActivities(stored);
});

after(async () => {
  if (SKIP) return;
  await sqlite.close();
  await postgres.close();
  await dropTestSchema(pgUrl);
  rmSync(dir, { recursive: true, force: true });
});

async function lines(store: Store, request: ActivityExportRequest): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of store.exportLines(request)) chunks.push(c.bytes);
  return Buffer.concat(chunks);
}

test(`primaryAttributeValues: the same rows, byte for byte, on SQLite and PostgreSQL (fast-check seed ${SEED})`, { skip: SKIP }, async () => {
  let cases = 0, matched = 0;
  const pick = fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: text });
  const short = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'string' && x.length > 40 ? `${x.slice(0, 20)}...(${x.length} chars)` : x));
  const run = await fc.check(fc.asyncProperty(fc.array(pick, { minLength: 1, maxLength: 6 }), fc.constantFrom<number[]>([2], [22]), check),
    { numRuns: 150 * SCALE, seed: SEED, endOnFailure: true });
  // A short report of its own: the values can be 70,000 characters long.
  if (run.failed) assert.fail(`${short(run.counterexample)}: ${String((run.errorInstance as Error | undefined)?.message).slice(0, 600)}`);
  process.stdout.write(`# cross-store filters: ${cases} requests over ${pool.length} imported texts, ${matched} rows matched, 0 differences (seed ${SEED})\n`);

  async function check(values: string[], typeIds: number[]): Promise<void> {
    const request = validateActivityExportRequest({
      format: 'CSV', fields: ['marketoGUID', 'primaryAttributeValue'],
      filter: { createdAt: { startAt: '2026-01-15T00:00:00Z', endAt: '2026-01-16T00:00:00Z' }, activityTypeIds: typeIds, primaryAttributeValues: values },
    });
    // Filter texts hold no NUL and no lone surrogate, like stored ones.
    for (const v of request.filter.primaryAttributeValues!) assert.ok(!v.includes('\0') && wellFormed(v) === v, JSON.stringify(v));
    const [a, b] = [await lines(sqlite, request), await lines(postgres, request)];
    assert.ok(a.equals(b), `SQLite and PostgreSQL differ for ${JSON.stringify(values).slice(0, 300)}`);
    // And both are the rule: type 2 rows whose stored value equals a normalised filter value.
    const wanted = new Set(request.filter.primaryAttributeValues);
    const expected = stored.filter((x) => typeIds.includes(x.activityTypeId) && x.primaryAttributeValue !== null && wanted.has(x.primaryAttributeValue));
    assert.equal(a.toString('utf8'), expected.map((x) => formatRow(x, request.fields, 'CSV')).join(''));
    cases++;
    matched += expected.length;
  }
});
