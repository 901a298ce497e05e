/**
 * Helpers for the REST reads tests (issue 11 item 6): a server (the harness, so both stores) with a
 * generated catalog big enough to page through, and the paging loops real connectors run.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { Config } from '../../src/config/config.js';
import { parseCatalog } from '../../src/domain/assets.js';
import { startHarness, type Harness } from '../helpers/harness.js';

export const NOTHING = 'No assets found for the given search criteria.';
export const LEAD_DB_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
export const ASSET_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\+0000$/;

/** Sizes chosen so the default pages (300 lists/campaigns, 200 programs) end part-way. */
export const COUNTS = { programs: 450, lists: 700, campaigns: 650 } as const;

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const DAY = 86_400_000;
const T = Date.UTC(2025, 0, 1);
const PROGRAM_TYPES = ['Default', 'Event', 'Engagement', 'Email', 'Event with Webinar'] as const;
const STATUS: Record<string, string> = { Default: '', Event: '', Engagement: 'on', Email: 'unlocked', 'Event with Webinar': '' };

/**
 * Programs 5000+i (one a day from 2025-01-01, every fifth in workspace EMEA, every seventh inside
 * program 5000), lists 20000+i (every third in a program, every eleventh in EMEA), campaigns
 * 40000+i (every second in a program, every thirteenth active and requestable).
 */
export function bigCatalog() {
  const programs = Array.from({ length: COUNTS.programs }, (_, i) => {
    const type = PROGRAM_TYPES[i % PROGRAM_TYPES.length]!;
    return {
      id: 5000 + i, name: `Program ${String(i).padStart(3, '0')}${i % 2 ? ' b' : ''}`, type, channel: 'Webinar', status: STATUS[type],
      folder: i % 7 === 6 ? { id: 5000, type: 'Program' } : { id: 10 + (i % 3), type: 'Folder', folderName: `Folder ${i % 3}` },
      workspace: i % 5 === 4 ? 'EMEA' : 'Default', createdAt: iso(T + i * DAY), updatedAt: iso(T + i * DAY + 3_600_000),
      ...(i % 50 === 0 ? { sfdcId: `701${i}`, sfdcName: `SFDC ${i}` } : {}),
    };
  });
  const staticLists = Array.from({ length: COUNTS.lists }, (_, i) => ({
    id: 20000 + i, name: `List ${i}`, ...(i % 4 === 0 ? { description: `about list ${i}` } : {}),
    ...(i % 3 === 0 ? { folder: { id: 5000 + (i % COUNTS.programs), type: 'Program' } } : {}),
    ...(i % 11 === 0 ? { workspace: 'EMEA', workspaceId: 2 } : {}),
    createdAt: iso(T + i * 3_600_000),
  }));
  const campaigns = Array.from({ length: COUNTS.campaigns }, (_, i) => ({
    id: 40000 + i, name: `Campaign ${i % 100}`, type: i % 2 ? 'trigger' : 'batch',
    ...(i % 2 === 0 ? { programId: 5000 + (i % 10) } : {}), ...(i % 5 ? { description: `c${i}` } : {}),
    active: i % 13 === 0, isRequestable: i % 13 === 0 || i % 4 === 1, createdAt: iso(T + i * 60_000),
  }));
  return { programs, staticLists, campaigns };
}

/** A harness (SQLite or PostgreSQL, per the runner) with the call limits off and the big catalog loaded. */
export async function readsHarness(t: TestContext, overrides: Partial<Config> = {}): Promise<Harness> {
  const h = await startHarness(t.name, { rateLimit: undefined, dailyCallQuota: 0, maxConcurrentRequests: undefined, ...overrides });
  t.after(() => h.close());
  const parsed = parseCatalog(bigCatalog(), '2026-01-15T12:00:00Z');
  assert.ok('assets' in parsed, JSON.stringify(parsed));
  await h.store.putAssets(parsed.assets);
  return h;
}

/** Asserts Marketo's Lead Database success envelope and returns it. */
export function leadDbOk(body: any): { requestId: string; result: any[]; nextPageToken?: string } {
  assert.equal(body.success, true, JSON.stringify(body).slice(0, 400));
  const keys = Object.keys(body);
  assert.deepEqual(keys, ['requestId', 'result', 'success', ...(body.nextPageToken !== undefined ? ['nextPageToken'] : [])]);
  return body;
}

/**
 * tap-marketo's `sync_paginated` (and Airbyte's campaigns/lists streams): `batchSize=300`, then
 * the token from each answer, until an answer carries none. Fails if it does not end.
 */
export async function tapPaginated(h: Harness, token: string, endpoint: 'lists' | 'campaigns', firstToken?: string): Promise<{ rows: any[]; pages: number[] }> {
  const params = new URLSearchParams({ batchSize: '300' });
  if (firstToken) params.set('nextPageToken', firstToken);
  const rows: any[] = [];
  const pages: number[] = [];
  for (let guard = 0; guard < 50; guard++) {
    const data = leadDbOk(await h.json(`/rest/v1/${endpoint}.json?${params}`, { token }));
    rows.push(...data.result);
    pages.push(data.result.length);
    if (!('nextPageToken' in data)) return { rows, pages };
    params.set('nextPageToken', data.nextPageToken!);
  }
  assert.fail('the paging never ended');
}

/** Asserts the Asset API's envelope, in its key order; the result, or [] for the "No assets found" answer. */
export function assetOk(body: any): any[] {
  assert.equal(body.success, true, JSON.stringify(body).slice(0, 400));
  assert.match(body.requestId, /^[0-9a-f]{4,5}#[0-9a-f]+$/);
  assert.deepEqual(body.errors, []);
  if (!('result' in body)) {
    assert.deepEqual(Object.keys(body), ['success', 'errors', 'requestId', 'warnings']);
    assert.deepEqual(body.warnings, [NOTHING]);
    return [];
  }
  assert.deepEqual(Object.keys(body), ['success', 'errors', 'requestId', 'warnings', 'result']);
  assert.deepEqual(body.warnings, []);
  assert.ok(body.result.length > 0);
  return body.result;
}

/** An error in the Asset API's envelope (success, errors, requestId, warnings). */
export function assetError(body: any, code: string, message?: string): void {
  assert.deepEqual(Object.keys(body), ['success', 'errors', 'requestId', 'warnings'], JSON.stringify(body));
  assert.equal(body.success, false);
  assert.deepEqual(body.warnings, []);
  assert.equal(body.errors.length, 1);
  assert.equal(body.errors[0].code, code, JSON.stringify(body));
  if (message !== undefined) assert.equal(body.errors[0].message, message);
}
