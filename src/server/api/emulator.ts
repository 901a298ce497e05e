/**
 * The emulator controls under `/tidemark/v1/emulator` (docs/emulator.md): clock travel, injected
 * job failures and delays, forced 606/615 answers, an exhausted export quota, and a store reset.
 * Mounted only with `--emulator-controls`, never under a Marketo path, and reachable only with the
 * admin token (the pipeline's `admin` access). Answers use Marketo's envelope, so the SDK and curl
 * read them like any other call; bad bodies answer 609/1002/1003.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { InvalidRequest, shownValue } from '../../domain/errors.js';
import { parseDuration } from '../../lib/duration.js';
import type { AppDeps } from '../deps.js';
import type { EmulatorState } from '../emulator-state.js';
import { json } from '../http/envelope.js';
import { parseJsonBody } from '../http/json-body.js';
import { EMULATOR_BASE, EMULATOR_SUMMARIES, MAX_ADVANCE_MS, MAX_COUNT, MAX_DELAY_MS } from './emulator-doc.js';

export { EMULATOR_BASE };

/** The body as an object; an empty body is `{}` (every field is optional somewhere). */
function bodyOf(req: FastifyRequest): Record<string, unknown> {
  if (typeof req.body !== 'string' || req.body.trim() === '') return {};
  const body = parseJsonBody(req.body);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw InvalidRequest.rule('body', 'must be a JSON object');
  return body as Record<string, unknown>;
}

/** A duration given as text (`8d`, `1h30m`) or as a number of milliseconds. */
function duration(body: Record<string, unknown>, key: string, max: number): number | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  const ms = typeof v === 'number' && Number.isSafeInteger(v) ? v : typeof v === 'string' ? parseDuration(v) : undefined;
  if (ms === undefined || ms < 0 || ms > max) {
    throw InvalidRequest.rule(key, `expected a duration such as '8d', '90m' or '500ms' (or milliseconds), from 0 to ${max} ms`);
  }
  return ms;
}

function count(body: Record<string, unknown>, key: string): number | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > MAX_COUNT) {
    throw InvalidRequest.rule(key, `must be an integer from 0 to ${MAX_COUNT}`);
  }
  return v;
}

/** Where the controls are mounted and who may call them: the admin token, or the console's session. */
export interface EmulatorMount {
  base: string;
  access: 'admin' | 'console';
}

export function registerEmulator(app: FastifyInstance, deps: AppDeps, emulator: EmulatorState,
  mount: EmulatorMount = { base: EMULATOR_BASE, access: 'admin' }): void {
  const { store, scheduler, files, clock, log } = deps;
  const route = (method: string, sub: string) => ({
    config: {
      access: mount.access,
      // Under the console the summary is the control's own, said once in EMULATOR_SUMMARIES.
      ...(mount.base === EMULATOR_BASE ? {} : { summary: `Console: ${EMULATOR_SUMMARIES[`${method} ${EMULATOR_BASE}${sub}`]}` }),
    },
  });

  app.get(mount.base, route('GET', ''), json(async () => ({ result: [emulator.snapshot()] })));

  app.get(`${mount.base}/clock`, route('GET', '/clock'), json(async () => ({ result: [clockView()] })));
  app.post(`${mount.base}/clock`, route('POST', '/clock'), json(async (req) => {
    const ms = duration(bodyOf(req), 'advance', MAX_ADVANCE_MS);
    if (ms === undefined) throw InvalidRequest.missing('advance');
    if (!emulator.advance(ms)) throw InvalidRequest.rule('advance', "this server's clock cannot travel");
    log.info({ advancedMs: ms, now: new Date(clock.now()).toISOString() }, 'emulator: clock advanced');
    // Expiry sweeps, queued work and (with Marketo's timing) held outcomes follow the new time at
    // once: the answer waits for the scheduler's look, so the next call sees its effects.
    await scheduler.kickAndWait();
    return { result: [{ ...clockView(), advancedMs: ms }] };
  }));

  app.post(`${mount.base}/faults/jobs`, route('POST', '/faults/jobs'), json(async (req) => {
    const body = bodyOf(req);
    const fail = count(body, 'fail');
    const delay = duration(body, 'delay', MAX_DELAY_MS);
    if (fail === undefined && delay === undefined) throw InvalidRequest.missing('fail');
    if (fail) {
      const message = body.message ?? 'Export failed: injected by the emulator';
      if (typeof message !== 'string' || message === '' || message.length > 1000) {
        throw InvalidRequest.rule('message', 'must be a non-empty string of at most 1000 characters');
      }
      emulator.jobs.failNext(fail, message);
    }
    if (delay !== undefined) emulator.jobs.setDelay(delay);
    log.info({ fail, delayMs: delay }, 'emulator: job faults set');
    return { result: [emulator.snapshot()] };
  }));

  app.post(`${mount.base}/faults/calls`, route('POST', '/faults/calls'), json(async (req) => {
    const body = bodyOf(req);
    if (body.code === undefined) throw InvalidRequest.missing('code');
    const code = shownValue(body.code);
    if (code !== '606' && code !== '615') throw InvalidRequest.rule('code', "must be '606' or '615'");
    const n = count(body, 'count') ?? 1;
    emulator.forceCalls(code, n);
    log.info({ code, count: n }, 'emulator: forced call refusals set');
    return { result: [emulator.snapshot()] };
  }));

  app.post(`${mount.base}/faults/clear`, route('POST', '/faults/clear'), json(async () => {
    emulator.clear();
    return { result: [emulator.snapshot()] };
  }));

  app.post(`${mount.base}/quota/exhaust`, route('POST', '/quota/exhaust'), json(async () => {
    const until = emulator.exhaustQuota();
    log.info({ until: new Date(until).toISOString() }, 'emulator: daily export quota exhausted');
    return { result: [emulator.snapshot()] };
  }));

  app.post(`${mount.base}/reset`, route('POST', '/reset'), json(async (req) => {
    const body = bodyOf(req);
    if (body.activities !== undefined && typeof body.activities !== 'boolean') throw InvalidRequest.rule('activities', 'must be true or false');
    // Rows first, so no new job can start; then the running exports; then the files they left.
    const counts = await store.resetData({ activities: body.activities === true });
    await scheduler.abortAll();
    const removedFiles = files.clear();
    emulator.clear();
    log.info({ ...counts, files: removedFiles }, 'emulator: store reset');
    return { result: [{ ...counts, files: removedFiles }] };
  }));

  function clockView() {
    const now = clock.now();
    return { now: new Date(now).toISOString(), offsetMs: now - Date.now() };
  }
}
