/**
 * Custom activities: define a type, list types, and post activities of those types
 * (`activities/external.json`, Read-Write Activity, at most 300 records a call). Posted
 * activities appear in later exports.
 */
import type { FastifyInstance } from 'fastify';
import {
  customTypeView, MAX_CUSTOM_RECORDS, readCustomRecord, validateCustomType,
} from '../../domain/custom-activities.js';
import { InvalidRequest } from '../../domain/errors.js';
import type { Clock } from '../../lib/clock.js';
import type { Store } from '../../store/store.js';
import { json } from '../http/envelope.js';
import { parseJsonBody } from '../http/json-body.js';

export function registerCustomActivities(app: FastifyInstance, store: Store, clock: Clock): void {
  const write = { config: { access: 'activity-write' as const } };

  app.post('/rest/v1/activities/external/type.json', write, json(async (req) => {
    const body = parseJsonBody(req.body);
    const type = await store.addCustomType((id) => validateCustomType(body, id, clock.now()));
    return { result: [customTypeView(type)] };
  }));

  app.get('/rest/v1/activities/external/types.json', { config: { access: 'activity-read' } }, json(async () => ({
    result: (await store.listCustomTypes()).map(customTypeView),
  })));

  app.post('/rest/v1/activities/external.json', write, json(async (req) => {
    const body = parseJsonBody(req.body) as { input?: unknown };
    if (typeof body !== 'object' || body === null || body.input === undefined) throw InvalidRequest.missing('input');
    if (!Array.isArray(body.input)) throw InvalidRequest.rule('input', 'must be an array of activities');
    if (body.input.length === 0) throw InvalidRequest.rule('input', 'must hold at least one activity');
    if (body.input.length > MAX_CUSTOM_RECORDS) {
      throw InvalidRequest.rule('input', `at most ${MAX_CUSTOM_RECORDS} records are allowed a call, got ${body.input.length}`);
    }
    const types = new Map((await store.listCustomTypes()).map((t) => [t.id, t]));
    const outcomes = body.input.map((r) => readCustomRecord(r, types));
    const leadIds = outcomes.flatMap((o) => (o.ok ? [o.activity.leadId] : []));
    const known = await store.knownLeads([...new Set(leadIds)]);
    const accepted = outcomes.map((o) => (o.ok && !known.has(o.activity.leadId) ? { ok: false as const, code: '1004', message: 'Lead not found' } : o));
    const guids = await store.appendActivities(accepted.flatMap((o) => (o.ok ? [o.activity] : [])));
    let next = 0;
    return {
      result: accepted.map((o) => {
        if (!o.ok) return { status: 'skipped', reasons: [{ code: o.code, message: o.message }] };
        const guid = guids[next++]!;
        return { id: Number(guid), marketoGUID: guid, status: 'added' };
      }),
    };
  }));
}
