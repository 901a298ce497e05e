/**
 * `tidemark import --kind leads` and `--kind program-members` through the real CLI: NDJSON
 * all-or-nothing with `line N: reason`, `--skip-invalid`, re-imports that update rather than
 * duplicate, NUL bytes stripped, and replays of Marketo export files (CSV, TSV) that export the
 * same bytes again. Both stores: storeTarget gives each store a PostgreSQL schema on the
 * PostgreSQL pass (testDatabaseUrl), and the harness serves it (startHarness).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { LEAD_CATALOG, member, trickyLeads } from '../../src/store/conformance/lead-fixtures.js';
import { cli, cliOk, harness, storeTarget, type StoreTarget } from '../data-in/helpers.js';
import { LEADS, LEAD_ROLE, MEMBERS, runJob } from './helpers.js';

const ndjson = (...records: object[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';
const SUMMARY = (noun: string) => new RegExp(`^imported (\\d+) new ${noun}, (\\d+) updated(?:, (\\d+) invalid lines skipped)?(?:, (\\d+) NUL bytes stripped)? in \\d+(?:\\.\\d+)?s\\n$`);

async function withCatalog(t: TestContext, name: string): Promise<StoreTarget> {
  const target = storeTarget(t, name);
  const file = join(target.dir, 'catalog.json');
  writeFileSync(file, JSON.stringify(LEAD_CATALOG));
  await cliOk(['import', '--kind', 'assets', file, ...target.args]);
  return target;
}

test('import --kind leads: all-or-nothing, --skip-invalid, a re-import updates, and serve exports what was imported', async (t) => {
  const target = await withCatalog(t, 'leads-ndjson');
  const file = join(target.dir, 'leads.ndjson');
  writeFileSync(file, ndjson(
    { id: 1, createdAt: '2026-01-02T03:04:05Z', email: 'ann@example.com', firstName: 'Ann\u0000', leadScore: '12', isLead: true, staticListIds: [3001] },
    { id: 2, createdAt: '2026-01-03T00:00:00+01:00', updatedAt: '2026-01-04T00:00:00Z', annualRevenue: 1e21, textField: 'multi\nline, "quoted"' },
    { id: 3, createdAt: '2026-01-05T00:00:00Z', nope: 'x' },
    { id: 4, createdAt: '2026-01-06T00:00:00Z', staticListIds: [9999] },
    { id: 5, createdAt: '2026-01-07T00:00:00Z', deleted: true },
  ));
  const rejected = await cli(['import', '--kind', 'leads', file, ...target.args]);
  assert.equal(rejected.code, 1);
  assert.equal(rejected.stdout, '');
  assert.equal(rejected.stderr, "line 3: unknown lead field 'nope'\nline 4: staticListIds: list 9999 is not in the catalog\n" +
    'tidemark: nothing imported: 2 of 5 lines are invalid (use --skip-invalid to import the valid ones)\n');

  const skipped = await cliOk(['import', '--kind', 'leads', file, '--skip-invalid', ...target.args]);
  assert.deepEqual(SUMMARY('leads').exec(skipped.stdout)?.slice(1, 5), ['3', '0', '2', '1']);
  const update = join(target.dir, 'update.ndjson');
  writeFileSync(update, ndjson({ id: 1, createdAt: '2026-01-02T03:04:05Z', updatedAt: '2026-01-10T00:00:00Z', email: 'ann@new.example.com', leadScore: null },
    { id: 6, createdAt: '2026-01-08T00:00:00Z', staticListIds: [3001, 3002] }));
  const updated = await cliOk(['import', '--kind', 'leads', update, ...target.args]);
  assert.deepEqual(SUMMARY('leads').exec(updated.stdout)?.slice(1, 3), ['1', '1']);

  const h = await harness(t, target.config);
  const token = await h.token(LEAD_ROLE);
  const { text } = await runJob(h, token, LEADS, {
    fields: ['id', 'email', 'firstName', 'leadScore', 'isLead', 'annualRevenue', 'textField', 'createdAt', 'updatedAt'],
    filter: { createdAt: { startAt: '2026-01-01T00:00:00Z', endAt: '2026-01-31T00:00:00Z' } },
  });
  assert.equal(text, 'id,email,firstName,leadScore,isLead,annualRevenue,textField,createdAt,updatedAt\n' +
    '1,ann@new.example.com,Ann,null,true,null,null,2026-01-02T03:04:05Z,2026-01-10T00:00:00Z\n' +
    '2,null,null,null,null,1000000000000000000000,"multi\nline, ""quoted""",2026-01-02T23:00:00Z,2026-01-04T00:00:00Z\n' +
    '6,null,null,null,null,null,null,2026-01-08T00:00:00Z,2026-01-08T00:00:00Z\n');
  const listed = await runJob(h, token, LEADS, { fields: ['id'], filter: { staticListId: 3001 } });
  assert.equal(listed.text, 'id\n1\n6\n', 'lead 5 is deleted; memberships came with the records');
});

test('replaying lead and program member export files (CSV, TSV) gives a store that exports the same bytes', async (t) => {
  const source = await withCatalog(t, 'replay-source');
  const h = await harness(t, source.config);
  const leads = trickyLeads(150, 5);
  await h.store.importLeads(leads);
  // Members of leads the lead export's window holds, so the replayed store has their leads too.
  const inWindow = leads.filter((l) => l.createdAt <= Date.parse('2026-02-14T00:00:00Z'));
  await h.store.importProgramMembers(inWindow.slice(0, 60).map((l, i) => member({
    programId: 1001, leadId: l.id, statusName: i % 2 ? 'Registered' : 'Attended', membershipDate: `2026-01-0${1 + (i % 9)}T10:00:00Z`,
    reachedSuccess: i % 3 === 0, webinarUrl: i % 4 ? `https://e.com/${i}?a=1,2` : null, pmScore: i,
  })));
  const token = await h.token(LEAD_ROLE);
  const leadBody = (format: string) => ({
    format, filter: { createdAt: { startAt: '2026-01-15T00:00:00Z', endAt: '2026-02-14T00:00:00Z' } },
    fields: ['id', 'createdAt', 'updatedAt', 'email', 'firstName', 'lastName', 'company', 'textField', 'leadScore', 'annualRevenue', 'floatField',
      'isLead', 'unsubscribed', 'dateOfBirth', 'dateField', 'emailSuspendedAt', 'acquisitionProgramId'],
  });
  const memberBody = { filter: { programId: 1001 }, fields: ['leadId', 'program', 'statusName', 'createdAt', 'updatedAt', 'membershipDate',
    'reachedSuccess', 'webinarUrl', 'pmScore', 'firstName', 'email'] };
  const original = { csv: await runJob(h, token, LEADS, leadBody('CSV')), tsv: await runJob(h, token, LEADS, leadBody('TSV')), members: await runJob(h, token, MEMBERS, memberBody) };
  assert.ok(original.csv.job.numberOfRecords > 80 && original.members.job.numberOfRecords > 40);

  const replay = await withCatalog(t, 'replay-target');
  for (const [name, file, kind] of [['leads.csv', original.csv, 'leads'], ['leads.tsv', original.tsv, 'leads'], ['members.csv', original.members, 'program-members']] as const) {
    writeFileSync(join(replay.dir, name), file.bytes);
    const run = await cliOk(['import', '--kind', kind, join(replay.dir, name), ...replay.args]);
    assert.match(run.stdout, SUMMARY(kind === 'leads' ? 'leads' : 'program members'));
  }
  const h2 = await harness(t, replay.config);
  const token2 = await h2.token(LEAD_ROLE);
  assert.ok((await runJob(h2, token2, LEADS, leadBody('CSV'))).bytes.equals(original.csv.bytes), 'CSV replay');
  assert.ok((await runJob(h2, token2, LEADS, leadBody('TSV'))).bytes.equals(original.tsv.bytes), 'TSV replay');
  assert.ok((await runJob(h2, token2, MEMBERS, memberBody)).bytes.equals(original.members.bytes), 'program member replay');
});

test('import --kind program-members: all-or-nothing with reasons, and a re-import updates by program and lead', async (t) => {
  const target = await withCatalog(t, 'members-ndjson');
  const file = join(target.dir, 'members.ndjson');
  const good = [
    { programId: 1001, leadId: 1, statusName: 'Registered', membershipDate: '2026-01-02T00:00:00Z', webinarUrl: 'https://e.com/1' },
    { program: 'Nurture', leadId: 1, statusName: 'Engaged', createdAt: '2026-01-03T00:00:00Z', nurtureCadence: 'pause', isExhausted: false },
  ];
  writeFileSync(file, ndjson(...good, { programId: 4242, leadId: 1, statusName: 'X', membershipDate: '2026-01-02T00:00:00Z' },
    { programId: 1001, leadId: 2, membershipDate: '2026-01-02T00:00:00Z' }, { programId: 1001, leadId: 3, statusName: 'X', membershipDate: '2026-01-02T00:00:00Z', pmScore: 'high' }));
  const rejected = await cli(['import', '--kind', 'program-members', file, ...target.args]);
  assert.equal(rejected.code, 1);
  assert.match(rejected.stderr, /^line 3: program 4242 is not in the catalog\nline 4: statusName must be a non-empty string\nline 5: pmScore must be an integer\n/);
  writeFileSync(file, ndjson(...good, { ...good[0], statusName: 'Attended' }));
  const run = await cliOk(['import', '--kind', 'program-members', file, ...target.args]);
  assert.deepEqual(SUMMARY('program members').exec(run.stdout)?.slice(1, 3), ['2', '0'], 'the last line of a key wins within one import');
  const again = await cliOk(['import', '--kind', 'program-members', file, ...target.args]);
  assert.deepEqual(SUMMARY('program members').exec(again.stdout)?.slice(1, 3), ['0', '2']);
  const h = await harness(t, target.config);
  assert.deepEqual(await h.store.programStatusNames([1001, 1002]), ['Attended', 'Engaged']);
});
