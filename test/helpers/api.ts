/**
 * Helpers for the HTTP API tests in test/api/: raw requests (literal paths, bodies on GET),
 * job lifecycle shortcuts and envelope assertions. Built on harness.ts; no test logic here.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Activity } from '../../src/domain/activity.js';
import { activity, createBody, JSON_HEADERS, T0, type Harness } from './harness.js';

export const BASE = '/bulk/v1/activities/export';
export const DAY = 86_400_000;
export const REQUEST_ID = /^[0-9a-f]{4,5}#[0-9a-f]+$/;
export const WHOLE_SECONDS_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** The window [T0 - 1 day, T0 + 1 day], which holds every activity() default. */
export const START = '2026-01-14T12:00:00Z';
export const END = '2026-01-16T12:00:00Z';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: Buffer;
}

/**
 * One request through node:http, so the path is sent byte for byte (fetch normalises dot
 * segments) and GET may carry a body.
 */
export function raw(
  h: Harness,
  options: { method?: string; path: string; headers?: Record<string, string | number>; body?: string | Buffer },
): Promise<RawResponse> {
  const url = new URL(h.baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method: options.method ?? 'GET', path: options.path, headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: body.toString('utf8'), body });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** Opens a socket to the server and writes `text` (a hand-made HTTP request, possibly incomplete). */
export function openSocket(h: Harness, text: string): Promise<Socket> {
  const url = new URL(h.baseUrl);
  return new Promise((resolve, reject) => {
    const s = connect(Number(url.port), url.hostname, () => {
      s.write(text);
      resolve(s);
    });
    s.on('error', reject);
  });
}

/** Reads everything a socket sends until it closes. */
export function readAll(s: Socket): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    s.on('error', () => undefined);
  });
}

/** Asserts a Marketo error envelope with `code` (and the exact message when given); returns the message. */
export function assertError(body: any, code: string, message?: string | RegExp): string {
  assert.equal(body.success, false, `expected an error ${code}, got ${JSON.stringify(body)}`);
  assert.ok(!('result' in body), 'an error envelope has no result key');
  assert.equal(body.errors.length, 1);
  assert.equal(body.errors[0].code, code, `expected code ${code}, got ${JSON.stringify(body.errors)}`);
  assert.equal(typeof body.errors[0].code, 'string');
  if (typeof message === 'string') assert.equal(body.errors[0].message, message);
  else if (message) assert.match(body.errors[0].message, message);
  return body.errors[0].message as string;
}

/** Asserts a success envelope with one job and returns it. */
export function oneJob(body: any): any {
  assert.equal(body.success, true, `expected success, got ${JSON.stringify(body)}`);
  assert.equal(body.result.length, 1);
  return body.result[0];
}

/** POST create.json with a raw body text; returns the parsed answer. */
export async function createRaw(h: Harness, token: string, body: string, headers: Record<string, string> = JSON_HEADERS): Promise<any> {
  const res = await h.call(`${BASE}/create.json`, { method: 'POST', token, headers, body });
  assert.equal(res.status, 200);
  return res.json();
}

/** POST create.json with an object body. */
export function create(h: Harness, token: string, body: unknown): Promise<any> {
  return createRaw(h, token, JSON.stringify(body));
}

/** Creates a job over [start, end] with extra top-level and filter keys; returns the job view. */
export async function createJob(
  h: Harness, token: string, extra: Record<string, unknown> = {}, filterExtra: Record<string, unknown> = {},
  start = START, end = END,
): Promise<any> {
  return oneJob(await createRaw(h, token, createBody(start, end, extra, filterExtra)));
}

export async function enqueue(h: Harness, token: string, id: string): Promise<any> {
  return h.json(`${BASE}/${id}/enqueue.json`, { method: 'POST', token });
}

export async function status(h: Harness, token: string, id: string): Promise<any> {
  return h.json(`${BASE}/${id}/status.json`, { token });
}

export async function cancel(h: Harness, token: string, id: string): Promise<any> {
  return h.json(`${BASE}/${id}/cancel.json`, { method: 'POST', token });
}

/** Creates, enqueues and waits for a job; returns its final status view. */
export async function completedJob(
  h: Harness, token: string, extra: Record<string, unknown> = {}, filterExtra: Record<string, unknown> = {},
  start = START, end = END,
): Promise<any> {
  const job = await createJob(h, token, extra, filterExtra, start, end);
  oneJob(await enqueue(h, token, job.exportId));
  assert.equal(await h.tm.scheduler.waitForJob(job.exportId), 'Completed');
  return oneJob(await status(h, token, job.exportId));
}

/** Downloads a job's file (with optional headers); returns status, headers and bytes. */
export async function download(h: Harness, token: string, id: string, headers: Record<string, string> = {}, method = 'GET') {
  const res = await h.call(`${BASE}/${id}/file.json`, { token, headers, method });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, body, text: body.toString('utf8') };
}

/** Completed export file text for a job built from `extra`/`filterExtra`. */
export async function exportText(
  h: Harness, token: string, extra: Record<string, unknown> = {}, filterExtra: Record<string, unknown> = {},
  start = START, end = END,
): Promise<string> {
  const job = await completedJob(h, token, extra, filterExtra, start, end);
  const file = await download(h, token, job.exportId);
  assert.equal(file.status, 200);
  return file.text;
}

/**
 * `n` activities spread over the hour before T0, quick to build; `big` adds a long attribute
 * text so files grow fast.
 */
export function* manyActivities(n: number, options: { startGuid?: number; big?: boolean } = {}): Iterable<Activity> {
  const base = options.startGuid ?? 50_000_000;
  const attributes = options.big ? JSON.stringify({ Reason: 'x'.repeat(400), 'Old Status': 'Not in Program' }) : '{}';
  for (let i = 0; i < n; i++) {
    yield activity({ marketoGUID: String(base + i), activityDate: T0 - 3_600_000 + (i % 3600) * 1000, attributes });
  }
}

/** Parses a hex requestId's time part. */
export function requestIdTime(requestId: string): number {
  return parseInt(requestId.split('#')[1]!, 16);
}

/** Harness overrides that switch the call limits off, for tests that make many calls at one clock instant. */
export const NO_LIMITS = { rateLimit: undefined, maxConcurrentRequests: undefined, dailyCallQuota: 0 } as const;

/** A token for an existing user (after the clock moved past the old token's life, say). */
export async function tokenFor(h: Harness, u: { clientId: string; clientSecret: string }): Promise<string> {
  const r = await h.call(`/identity/oauth/token?grant_type=client_credentials&client_id=${u.clientId}&client_secret=${encodeURIComponent(u.clientSecret)}`);
  assert.equal(r.status, 200);
  return ((await r.json()) as { access_token: string }).access_token;
}

/** A new user and a live token for it. */
export async function userWithToken(h: Harness, role: Parameters<Harness['user']>[0] = 'read-only-activity') {
  const u = await h.user(role);
  return { ...u, token: await tokenFor(h, u) };
}

/** A valid create body text over [START, END], CSV, default fields. */
export const CREATE_BODY = createBody(START, END);

/**
 * Holds a bulk call in flight: its headers (with a valid token) arrive and are admitted by the
 * call limits, but its body stays incomplete until `finish` sends the rest.
 */
export async function heldCall(h: Harness, token: string): Promise<{ socket: Socket; finish: () => Promise<string> }> {
  const socket = await openSocket(h, [
    `POST ${BASE}/create.json HTTP/1.1`, 'Host: localhost', `Authorization: Bearer ${token}`, 'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(CREATE_BODY)}`, 'Connection: close', '', CREATE_BODY.slice(0, 5),
  ].join('\r\n'));
  const answer = readAll(socket);
  return {
    socket,
    finish: async () => {
      socket.write(CREATE_BODY.slice(5));
      return answer;
    },
  };
}

/**
 * Lists jobs until `pred` holds for the answer (held calls are admitted asynchronously, and a
 * hung-up socket is noticed asynchronously); fails after 200 tries.
 */
export async function untilAnswer(h: Harness, token: string, pred: (body: any) => boolean): Promise<any> {
  let last: any;
  for (let i = 0; i < 200; i++) {
    last = await h.json(`${BASE}.json`, { token });
    if (pred(last)) return last;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail(`condition never met; last answer ${JSON.stringify(last)}`);
}
