/**
 * node-marketo-rest 0.7.8 (the npm release, unmodified) against a live `tidemark serve` for the reads
 * it has: `list.find` (a POST with a form body `_method=GET` and comma-joined ids) and its
 * `nextPage()`, `list.byId`, the library's own stream over `list.find`, `campaign.getCampaigns` (a
 * GET whose filters ride in a form body, which Marketo and Tidemark ignore) and `stats.usage`.
 * The catalog comes in through `tidemark import --kind assets`. Both stores (cli.ts).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { createUser, runCli, startServe, tempDir } from './cli.js';

const require = createRequire(import.meta.url);
const Marketo = require('node-marketo-rest') as new (o: Record<string, unknown>) => ReadsClient;

interface Page {
  success: boolean;
  result: Array<Record<string, any>>;
  nextPageToken?: string;
  nextPage?: () => Promise<Page>;
}
interface ReadsClient {
  list: { find(options: Record<string, unknown>): Promise<Page>; byId(id: number): Promise<Page> };
  campaign: { getCampaigns(options?: Record<string, unknown>): Promise<Page> };
  stats: { usage(): Promise<Page> };
  streamify(object: string, method: string, args: unknown[]): NodeJS.ReadableStream;
}

const CATALOG = {
  programs: [{ id: 1001, name: 'Spring Event', type: 'Event', channel: 'Tradeshow' }],
  staticLists: Array.from({ length: 7 }, (_, i) => ({
    id: 3001 + i, name: `List ${i + 1}`, ...(i % 2 ? { folder: { id: 1001, type: 'Program' }, description: `list ${i + 1}` } : {}),
    createdAt: '2025-06-01T10:00:00Z', updatedAt: '2025-06-02T08:30:00Z',
  })),
  campaigns: Array.from({ length: 5 }, (_, i) => ({ id: 8001 + i, name: `Campaign ${i + 1}`, type: i % 2 ? 'trigger' : 'batch', ...(i < 2 ? { programId: 1001 } : {}) })),
};

test('node-marketo-rest 0.7.8: list.find with nextPage(), list.byId, its stream, campaign.getCampaigns, stats.usage', async (t) => {
  const dir = tempDir(t, 'nmr-reads');
  const file = join(dir, 'catalog.json');
  writeFileSync(file, JSON.stringify(CATALOG));
  const imported = await runCli(['import', '--kind', 'assets', file, '--data-dir', dir]);
  assert.equal(imported.code, 0, imported.stderr);
  const user = await createUser(dir, 'node-marketo-reads@e2e', 'read-only-lead,read-only-campaigns');
  const serve = await startServe(t, dir);
  const lib = new Marketo({ endpoint: `${serve.url}/rest`, identity: `${serve.url}/identity`, clientId: user.clientId, clientSecret: user.clientSecret });

  // list.find: POST /rest/v1/lists.json, body id=3006%2C3002%2C3004%2C3007&batchSize=2&_method=GET.
  const first = await lib.list.find({ id: [3006, 3002, 3004, 3007], batchSize: 2 });
  assert.equal(first.success, true);
  assert.deepEqual(first.result.map((l) => l.id), [3002, 3004]);
  assert.equal(typeof first.nextPage, 'function', 'the library saw a nextPageToken');
  const second = await first.nextPage!();
  assert.deepEqual(second.result.map((l) => l.id), [3006, 3007]);
  assert.equal(second.nextPage, undefined, 'no token on the last page');
  assert.deepEqual(second.result[0], {
    id: 3006, name: 'List 6', description: 'list 6', programName: 'Spring Event', workspaceId: 1, workspaceName: 'Default',
    createdAt: '2025-06-01T10:00:00Z', updatedAt: '2025-06-02T08:30:00Z',
  });
  const byId = await lib.list.byId(3003);
  assert.deepEqual(byId.result.map((l) => [l.id, l.name, l.description]), [[3003, 'List 3', undefined]]);

  // The library's stream pages with nextPage() until a page is empty or has no token.
  const streamed: number[] = [];
  for await (const row of lib.streamify('list', 'find', [{ batchSize: 3 }])) streamed.push((row as unknown as { id: number }).id);
  assert.deepEqual(streamed, [3001, 3002, 3003, 3004, 3005, 3006, 3007]);

  // campaign.getCampaigns sends its options in a GET body: ignored, so every campaign comes back.
  const campaigns = await lib.campaign.getCampaigns({ name: 'Campaign 2' });
  assert.deepEqual(campaigns.result.map((c) => c.id), [8001, 8002, 8003, 8004, 8005]);
  assert.deepEqual(campaigns.result[0], {
    id: 8001, name: 'Campaign 1', type: 'batch', programName: 'Spring Event', programId: 1001, workspaceName: 'Default',
    createdAt: campaigns.result[0]!.createdAt, updatedAt: campaigns.result[0]!.updatedAt, active: false,
  });
  assert.match(campaigns.result[0]!.createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

  const usage = await lib.stats.usage();
  assert.equal(usage.success, true);
  assert.ok(usage.result[0]!.total >= 5, `usage counts the library's calls (${usage.result[0]!.total})`);
  assert.deepEqual(usage.result[0]!.users.map((u: { userId: string }) => u.userId), ['node-marketo-reads@e2e']);
});
