/**
 * Describe Lead (`leads/describe.json`, `describe2.json`) and Describe Program Member (both
 * paths), answered from the lead and program member schemas: the standard fields merged with
 * the catalog's. One page, no paging keys (notes §5.1).
 */
import type { FastifyInstance } from 'fastify';
import { describe2Result, describeEntry } from '../../domain/lead-schema.js';
import { describeMembers, describeMembersSuperseded } from '../../domain/program-member-schema.js';
import type { Store } from '../../store/store.js';
import { json } from '../http/envelope.js';
import { loadLeadSchema, loadMemberSchema } from './schemas.js';

export function registerLeadDescribe(app: FastifyInstance, store: Store): void {
  const lead = { config: { access: 'lead-read' as const } };
  app.get('/rest/v1/leads/describe.json', lead, json(async () => ({
    result: (await loadLeadSchema(store)).fields.map(describeEntry),
  })));
  app.get('/rest/v1/leads/describe2.json', lead, json(async () => ({
    result: [describe2Result(await loadLeadSchema(store))],
  })));
  app.get('/rest/v1/programs/members/describe.json', lead, json(async () => ({
    result: [describeMembers(await loadMemberSchema(store))],
  })));
  // The path Marketo's swagger calls superseded (singular `program`); same fields.
  app.get('/rest/v1/program/members/describe.json', lead, json(async () => ({
    result: [describeMembersSuperseded(await loadMemberSchema(store))],
  })));
}
