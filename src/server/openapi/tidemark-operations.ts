/**
 * The operations of Tidemark's own paths: the operators' endpoints, the emulator controls and the
 * web console. The console's JSON endpoints describe themselves (route config `summary`) and answer
 * in Marketo's envelope with records of their own (docs/console.md): the document gives each an
 * operation id made from its path and a result shape that only says "an object"; the rest are here.
 */
import { z } from 'zod';
import { EMULATOR_BASE, EMULATOR_BODY_SHAPES, EMULATOR_SUMMARIES } from '../api/emulator-doc.js';
import { CONSOLE_BASE } from '../console/routes.js';
import { named, textParam, type NamedShape, type OperationSpec } from './operation.js';

const SNAPSHOT = named('EmulatorState', z.object({
  now: z.string(), offsetMs: z.number(),
  jobFaults: z.object({ pendingFailures: z.int(), delayMs: z.int() }),
  forcedCalls: z.object({ code: z.enum(['606', '615']), remaining: z.int() }).nullable(),
  quotaExhaustedUntil: z.string().nullable(),
}).meta({ examples: [{ now: '2026-01-15T12:00:00.000Z', offsetMs: 0, jobFaults: { pendingFailures: 0, delayMs: 0 }, forcedCalls: null, quotaExhaustedUntil: null }] }));

const CLOCK = named('EmulatorClock', z.object({ now: z.string(), offsetMs: z.number(), advancedMs: z.int().optional() })
  .meta({ examples: [{ now: '2026-01-23T12:00:00.000Z', offsetMs: 691200000, advancedMs: 691200000 }] }));

const RESET = named('EmulatorReset', z.object({ jobs: z.int(), tokens: z.int(), activities: z.int(), files: z.int() })
  .meta({ examples: [{ jobs: 3, tokens: 2, activities: 0, files: 1 }] }));

/** A console record: its keys are the console's (docs/console.md), not promised to clients. */
export const CONSOLE_RECORD: NamedShape = named('ConsoleRecord', z.looseObject({}));

const HEALTH = named('Health', z.object({
  status: z.enum(['ok', 'unavailable']), version: z.string(), role: z.string(), store: z.string(), uptimeSeconds: z.int(),
  time: z.string().optional(), queued: z.int().optional(), processing: z.int().optional(), reason: z.string().optional(),
}).meta({ examples: [{ status: 'ok', version: '0.1.0', role: 'all', store: 'sqlite', uptimeSeconds: 42, time: '2026-01-15T12:00:00.000Z', queued: 0, processing: 1 }] }));

const OPENAPI = named('OpenApiDocument', z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) }));

function emulatorOperations(): Record<string, OperationSpec> {
  const op = (method: string, sub: string, operationId: string, answer: NamedShape, body?: NamedShape): [string, OperationSpec] => {
    const key = `${method} ${EMULATOR_BASE}${sub}`;
    return [key, {
      operationId, summary: EMULATOR_SUMMARIES[key]!, answer: { kind: 'marketo', result: answer },
      ...(body ? { body: { shape: body } } : {}), errors: body ? ['609', '1002', '1003'] : [],
    }];
  };
  return Object.fromEntries([
    op('GET', '', 'getEmulatorState', SNAPSHOT),
    op('GET', '/clock', 'getEmulatorClock', CLOCK),
    op('POST', '/clock', 'advanceEmulatorClock', CLOCK, named('EmulatorClockRequest', EMULATOR_BODY_SHAPES.clock)),
    op('POST', '/faults/jobs', 'setEmulatorJobFaults', SNAPSHOT, named('EmulatorJobFaultsRequest', EMULATOR_BODY_SHAPES.jobFaults)),
    op('POST', '/faults/calls', 'setEmulatorCallFaults', SNAPSHOT, named('EmulatorCallFaultsRequest', EMULATOR_BODY_SHAPES.callFaults)),
    op('POST', '/faults/clear', 'clearEmulatorFaults', SNAPSHOT),
    op('POST', '/quota/exhaust', 'exhaustEmulatorQuota', SNAPSHOT),
    op('POST', '/reset', 'resetEmulator', RESET, named('EmulatorResetRequest', EMULATOR_BODY_SHAPES.reset)),
  ]);
}

const CONSOLE_JOB_QUERY = [
  textParam('status', 'Statuses, comma-separated'), textParam('user', 'An API user name'), textParam('type', 'activities, leads or programMembers'),
  textParam('offset', 'Jobs to skip'), textParam('limit', 'Jobs a page'),
];

export const TIDEMARK_OPERATIONS: Record<string, OperationSpec> = {
  'GET /metrics': {
    operationId: 'getMetrics', summary: 'Prometheus metrics (Tidemark-only)',
    answer: { kind: 'text', mediaType: 'text/plain; version=0.0.4', description: 'Prometheus text format (docs/operability.md lists the metrics)' },
  },
  'GET /tidemark/v1/health': {
    operationId: 'getHealth', summary: 'Liveness and store reachability (Tidemark-only; 200 or 503)',
    answer: { kind: 'json', schema: HEALTH, status: { 503: 'The store cannot be reached (status unavailable, with a reason)' } },
  },
  'GET /tidemark/v1/openapi.json': {
    operationId: 'getOpenApiDocument', summary: 'This document', answer: { kind: 'json', schema: OPENAPI },
  },
  ...emulatorOperations(),
  'GET /console/': {
    operationId: 'getConsolePage', summary: 'Console: the page (signed-in browsers; others go to sign-in)',
    answer: { kind: 'text', mediaType: 'text/html', description: 'The console page; without a session, 303 to /console/sign-in', redirect: true },
  },
  'GET /console/sign-in': {
    operationId: 'getConsoleSignInPage', summary: 'Console: the sign-in page', answer: { kind: 'text', mediaType: 'text/html', description: 'The sign-in form' },
  },
  'POST /console/sign-in': {
    operationId: 'signInToConsole', summary: 'Console: sign in with a one-time code or the admin token (form post)',
    form: { fields: [textParam('code', 'A one-time sign-in code (serve --demo prints a link with one)'), textParam('token', 'Or the admin token')] },
    answer: { kind: 'text', mediaType: 'text/html', description: 'Signed in: 303 to /console/ with the session cookie; otherwise the sign-in page again', redirect: true },
  },
  'GET /console/{dir}/{name}': {
    operationId: 'getConsoleAsset', summary: 'Console: the browser modules, style sheet and UI library',
    answer: { kind: 'text', mediaType: 'text/javascript', description: 'A static file (JavaScript or CSS); 404 for any other name' },
  },
  [`GET ${CONSOLE_BASE}/events`]: {
    operationId: 'getConsoleEvents', summary: 'Console: the overview as server-sent events, whenever it changes',
    answer: { kind: 'text', mediaType: 'text/event-stream', description: 'One `data:` event with the overview at once, then one whenever it changes' },
  },
  [`GET ${CONSOLE_BASE}/jobs`]: {
    operationId: 'getConsoleJobs', summary: "Console: every API user's jobs, newest first", query: CONSOLE_JOB_QUERY,
    answer: { kind: 'marketo', result: CONSOLE_RECORD }, errors: ['1003'],
  },
  [`GET ${CONSOLE_BASE}/jobs/{exportId}/file`]: {
    operationId: 'getConsoleJobFile', summary: "Console: download a Completed job's file", answer: { kind: 'download' },
  },
  [`GET ${CONSOLE_BASE}/data/series`]: {
    operationId: 'getConsoleDataSeries', summary: 'Console: records per day and type over the stored range',
    query: [textParam('fresh', '1 skips the 30 s cache', '1')], answer: { kind: 'marketo', result: CONSOLE_RECORD },
  },
};
