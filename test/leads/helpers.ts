/**
 * Helpers for the lead-side API tests: a harness per test (startHarness, so the runner repeats
 * each suite on PostgreSQL), the lead and program member export paths, and a job run to its file.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { Config } from '../../src/config/config.js';
import { parseCatalog, type CatalogFile } from '../../src/domain/assets.js';
import { JSON_HEADERS, startHarness, type Harness } from '../helpers/harness.js';

export const LEADS = '/bulk/v1/leads/export';
export const MEMBERS = '/bulk/v1/program/members/export';
export const ACTIVITIES = '/bulk/v1/activities/export';
export const LEAD_ROLE = 'read-only-lead';

/** A harness with the call limits and the export quota off, closed after the test. */
export async function leadHarness(t: TestContext, overrides: Partial<Config> = {}): Promise<Harness> {
  const h = await startHarness(t.name, { rateLimit: undefined, maxConcurrentRequests: undefined, dailyCallQuota: 0, dailyQuotaMb: 0, ...overrides });
  t.after(() => h.close());
  return h;
}

export async function loadCatalog(h: Harness, catalog: CatalogFile): Promise<void> {
  const parsed = parseCatalog(catalog, '2026-01-05T15:04:11Z');
  if ('error' in parsed) assert.fail(parsed.error);
  await h.store.putAssets(parsed.assets);
}

/** POST `<base>/create.json` with a body (an object, or raw text); the parsed answer. */
export async function createAt(h: Harness, token: string, base: string, body: unknown): Promise<any> {
  const res = await h.call(`${base}/create.json`, {
    method: 'POST', token, headers: JSON_HEADERS, body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  assert.equal(res.status, 200);
  return res.json();
}

export async function jobCall(h: Harness, token: string, base: string, id: string, action: 'enqueue' | 'cancel' | 'status'): Promise<any> {
  return h.json(`${base}/${id}/${action}.json`, { method: action === 'status' ? 'GET' : 'POST', token });
}

/** Asserts a Marketo error envelope and returns its message. */
export function errorOf(body: any, code: string): string {
  assert.equal(body.success, false, `expected error ${code}, got ${JSON.stringify(body)}`);
  assert.equal(body.errors.length, 1);
  assert.equal(body.errors[0].code, code, JSON.stringify(body.errors));
  return body.errors[0].message as string;
}

export function jobOf(body: any): any {
  assert.equal(body.success, true, JSON.stringify(body));
  assert.equal(body.result.length, 1);
  return body.result[0];
}

/** Create, enqueue, wait, then the Completed status and the file text. */
export async function runJob(h: Harness, token: string, base: string, body: unknown): Promise<{ job: any; text: string; bytes: Buffer }> {
  const created = jobOf(await createAt(h, token, base, body));
  jobOf(await jobCall(h, token, base, created.exportId, 'enqueue'));
  const settled = await h.tm.scheduler.waitForJob(created.exportId);
  const job = jobOf(await jobCall(h, token, base, created.exportId, 'status'));
  assert.equal(settled, 'Completed', JSON.stringify(job));
  const res = await h.call(`${base}/${created.exportId}/file.json`, { token });
  assert.equal(res.status, 200);
  const bytes = Buffer.from(await res.arrayBuffer());
  return { job, text: bytes.toString('utf8'), bytes };
}
