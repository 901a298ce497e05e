/**
 * The Lead Database reads connectors make of the catalog: `GET /rest/v1/lists.json` and
 * `lists/{id}.json` (static lists; a lead permission), `GET /rest/v1/campaigns.json` and
 * `campaigns/{id}.json` (smart campaigns; a campaigns permission). Pages of up to 300 in ascending
 * id with a stateless `nextPageToken` (src/domain/catalog-reads.ts). A POST with `_method=GET`
 * reaches these routes through the pipeline's method-override step.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AssetKind } from '../../domain/assets.js';
import { leadDatabasePage, readLeadDatabaseQuery, type LeadDatabaseEndpoint } from '../../domain/catalog-reads.js';
import { campaignView, staticListView, type ProgramNames } from '../../domain/catalog-views.js';
import { ObjectNotFound } from '../../domain/errors.js';
import type { Access } from '../../domain/permissions.js';
import type { QueryValue } from '../../domain/paging.js';
import type { Store } from '../../store/store.js';
import { json } from '../http/envelope.js';
import { idFromJsonSegment, programNames } from './catalog-lookups.js';

interface Read {
  endpoint: LeadDatabaseEndpoint;
  kind: AssetKind;
  access: Access;
  view: (data: Record<string, unknown>, programs: ProgramNames) => Record<string, unknown>;
}

const READS: Read[] = [
  { endpoint: 'lists', kind: 'staticList', access: 'lead-read', view: staticListView },
  { endpoint: 'campaigns', kind: 'campaign', access: 'campaigns-read', view: campaignView },
];

export function registerLeadDatabaseReads(app: FastifyInstance, store: Store): void {
  for (const { endpoint, kind, access, view } of READS) {
    const options = { config: { access } };
    app.get(`/rest/v1/${endpoint}.json`, options, json(async (req: FastifyRequest) => {
      const query = readLeadDatabaseQuery(endpoint, (req.query ?? {}) as Record<string, QueryValue>);
      const [records, programs] = await Promise.all([store.listAssets(kind), programNames(store)]);
      return leadDatabasePage(records.map((a) => ({ id: a.id, data: a.data, view: view(a.data, programs) })), query);
    }));
    app.get(`/rest/v1/${endpoint}/:id`, options, json(async (req: FastifyRequest) => {
      const id = idFromJsonSegment((req.params as { id: string }).id);
      const record = await store.getAsset(kind, id);
      if (!record) throw new ObjectNotFound(kind, id);
      return { result: [view(record.data, await programNames(store))] };
    }));
  }
}
