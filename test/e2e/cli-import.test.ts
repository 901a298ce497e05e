/**
 * `tidemark import FILE` (interfaces.md): NDJSON in the documented shape (REST-form attributes, a
 * line without marketoGUID, nulls and absent keys), all-or-nothing with `line N: reason` on stderr,
 * `--skip-invalid`, no duplicates on re-import, `-` for stdin, a one-line summary on stdout, and
 * the imported rows as a live `tidemark serve` exports them.
 *
 * Both stores (cli.ts gives each data dir a PostgreSQL schema on the PostgreSQL pass, testDatabaseUrl).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Api, createUser, parseCsv, runCli, startServe, tempDir } from './cli.js';

/** The example line of interfaces.md, verbatim. */
const EXAMPLE = {
  marketoGUID: '783957693', leadId: 5414087, activityDate: '2022-02-13T14:06:20Z', activityTypeId: 104,
  campaignId: 8497, primaryAttributeValueId: 1670, primaryAttributeValue: 'MembershipTest1',
  attributes: { 'Old Status': 'Not in Program', Success: false }, actionResult: 'succeeded',
};
/** REST-form attributes; a null value is left out; optional keys absent. */
const REST_FORM = {
  marketoGUID: '783957694', leadId: 5414088, activityDate: '2022-02-13T15:06:20Z', activityTypeId: 1,
  attributes: [{ name: 'Webpage URL', value: '/pricing' }, { name: 'Query Parameters', value: null }, { name: 'Client IP Address', value: '203.0.113.9' }],
};
/** No marketoGUID: one is assigned, the same on every import. */
const NO_GUID = {
  leadId: 5414089, activityDate: '2022-02-13T16:06:20+00:00', activityTypeId: 6, campaignId: null,
  primaryAttributeValueId: 5001, primaryAttributeValue: 'Newsletter 1.Email', attributes: { 'Campaign Run ID': 700 },
};
const WITH_COMMA = {
  marketoGUID: 783957695, leadId: 5414090, activityDate: '2022-02-13T17:00:00Z', activityTypeId: 104,
  campaignId: 8497, primaryAttributeValueId: 1671, primaryAttributeValue: 'Trade Show, "Spring"',
  attributes: { 'New Status': 'Membré ✓' }, actionResult: null,
};
const INVALID = { marketoGUID: '783957696', leadId: 5414091, activityDate: '2022-02-30T10:00:00Z', activityTypeId: 1 };
const EXTRA_1 = { marketoGUID: '783957697', leadId: 5414092, activityDate: '2022-02-14T09:00:00Z', activityTypeId: 7, primaryAttributeValueId: 5002, primaryAttributeValue: 'Newsletter 2.Email' };
const EXTRA_2 = { marketoGUID: '783957698', leadId: 5414093, activityDate: '2022-02-14T10:00:00Z', activityTypeId: 10, primaryAttributeValueId: 5002, primaryAttributeValue: 'Newsletter 2.Email', attributes: [] };
const STDIN_1 = { marketoGUID: '783957699', leadId: 5414094, activityDate: '2022-02-15T08:00:00Z', activityTypeId: 24, primaryAttributeValueId: 3001, primaryAttributeValue: 'GL.Newsletter' };
const STDIN_2 = { leadId: 5414095, activityDate: '2022-02-15T09:00:00Z', activityTypeId: 25, primaryAttributeValueId: 3001, primaryAttributeValue: 'GL.Newsletter' };

const ndjson = (...records: object[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';
const SUMMARY = /^imported (\d+) activities, (\d+) already present(?:, (\d+) invalid lines skipped)? in \d+(?:\.\d+)?s\n$/;

function summary(stdout: string): { inserted: number; present: number; invalid: number } {
  const m = SUMMARY.exec(stdout);
  assert.ok(m, `one summary line on stdout, got ${JSON.stringify(stdout)}`);
  return { inserted: Number(m[1]), present: Number(m[2]), invalid: Number(m[3] ?? 0) };
}

test('import: all-or-nothing, --skip-invalid, no duplicates, stdin, and what serve exports', async (t) => {
  const dir = tempDir(t, 'import');
  const bad = join(dir, 'bad.ndjson');
  const good = join(dir, 'good.ndjson');
  // Line 3 has an impossible date; line 5 is blank (ignored).
  writeFileSync(bad, ndjson(EXAMPLE, REST_FORM, INVALID, NO_GUID).replace(/\n$/, '\n\n') + JSON.stringify(WITH_COMMA) + '\n');
  writeFileSync(good, ndjson(EXAMPLE, REST_FORM, NO_GUID, WITH_COMMA, EXTRA_1, EXTRA_2));
  const importCli = (args: string[], input?: string) => runCli(['import', ...args, '--data-dir', dir], { input });

  const rejected = await importCli([bad]);
  assert.notEqual(rejected.code, 0);
  assert.equal(rejected.stdout, '');
  assert.match(rejected.stderr, /^line 3: activityDate '2022-02-30T10:00:00Z' is not a valid datetime$/m);
  assert.match(rejected.stderr, /nothing imported/);
  assert.doesNotMatch(rejected.stderr, /\n\s+at /, 'no stack trace');

  // All four valid lines are new, so the rejected run above imported nothing.
  const skipped = await importCli([bad, '--skip-invalid']);
  assert.equal(skipped.code, 0, skipped.stderr);
  assert.deepEqual(summary(skipped.stdout), { inserted: 4, present: 0, invalid: 1 });
  assert.match(skipped.stderr, /^line 3: /m);

  const first = await importCli([good]);
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(summary(first.stdout), { inserted: 2, present: 4, invalid: 0 });

  const user = await createUser(dir, 'importer@e2e');
  const serve = await startServe(t, dir);
  const api = await Api.login(serve.url, user.clientId, user.clientSecret);
  const exportAll = async () => {
    const id = await api.create('2022-02-13T00:00:00Z', '2022-02-16T00:00:00Z', { fields: ['marketoGUID', 'leadId', 'activityDate', 'activityTypeId', 'campaignId', 'primaryAttributeValueId', 'primaryAttributeValue', 'attributes', 'actionResult'] });
    await api.enqueue(id);
    const job = await api.waitFor(id, ['Completed']);
    const file = await api.file(id);
    assert.equal(file.status, 200);
    return { job, text: file.bytes.toString('utf8') };
  };

  const before = await exportAll();
  assert.equal(before.job.numberOfRecords, 6);
  const rows = parseCsv(before.text);
  const lines = before.text.split('\n');
  assert.equal(lines[1], '783957693,5414087,2022-02-13T14:06:20Z,104,8497,1670,MembershipTest1,"{""Old Status"":""Not in Program"",""Success"":false}",succeeded');
  const byLead = new Map(rows.slice(1).map((r) => [r[1], r]));
  assert.deepEqual(byLead.get('5414088'), ['783957694', '5414088', '2022-02-13T15:06:20Z', '1', 'null', 'null', 'null', '{"Webpage URL":"/pricing","Client IP Address":"203.0.113.9"}', 'null']);
  const assigned = byLead.get('5414089')!;
  assert.match(assigned[0]!, /^\d+$/, 'a marketoGUID was assigned');
  assert.deepEqual(assigned.slice(1), ['5414089', '2022-02-13T16:06:20Z', '6', 'null', '5001', 'Newsletter 1.Email', '{"Campaign Run ID":700}', 'null']);
  assert.deepEqual(byLead.get('5414090')!.slice(6), ['Trade Show, "Spring"', '{"New Status":"Membré ✓"}', 'null']);
  assert.equal(byLead.get('5414093')![7], '{}', 'empty attributes are {}');

  // The same file again, while serve runs: nothing new, and the export is byte-identical.
  const second = await importCli([good]);
  assert.equal(second.code, 0, second.stderr);
  assert.deepEqual(summary(second.stdout), { inserted: 0, present: 6, invalid: 0 });
  const after = await exportAll();
  assert.equal(after.job.numberOfRecords, 6);
  assert.equal(after.job.fileChecksum, before.job.fileChecksum);
  assert.equal(after.text, before.text);

  // `-` reads stdin; the line without marketoGUID is recognised on its second import too.
  const piped = await importCli(['-'], ndjson(STDIN_1, STDIN_2, NO_GUID));
  assert.equal(piped.code, 0, piped.stderr);
  assert.deepEqual(summary(piped.stdout), { inserted: 2, present: 1, invalid: 0 });
  const again = await importCli(['-'], ndjson(STDIN_2));
  assert.deepEqual(summary(again.stdout), { inserted: 0, present: 1, invalid: 0 });
  const withStdin = await exportAll();
  assert.equal(withStdin.job.numberOfRecords, 8);
  assert.ok(withStdin.text.includes('\n783957699,5414094,2022-02-15T08:00:00Z,24,null,3001,GL.Newsletter,{},null\n'));

  // Invalid input from stdin is reported with its line number too.
  const badPipe = await importCli(['-'], ndjson(STDIN_1) + 'not json\n');
  assert.notEqual(badPipe.code, 0);
  assert.match(badPipe.stderr, /^line 2: not valid JSON$/m);

  const missing = await importCli([join(dir, 'nope.ndjson')]);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /nope\.ndjson/);
  assert.doesNotMatch(missing.stderr, /\n\s+at /);
});
