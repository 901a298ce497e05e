/**
 * The Lead Database reads connectors make of the catalog: `GET /rest/v1/lists.json` and
 * `lists/{id}.json` (static lists; a lead permission), `GET /rest/v1/campaigns.json` and
 * `campaigns/{id}.json` (smart campaigns; a campaigns permission). Pages of up to 300 in ascending
 * id with a stateless `nextPageToken` (src/domain/catalog-reads.ts). A POST with `_method=GET`
 * reaches these routes through the pipeline's method-override step.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AssetKind } from '../../domain/assets.js';
import { LeadDatabasePager, readLeadDatabaseQuery, type LeadDatabaseEndpoint } from '../../domain/catalog-reads.js';
import { campaignView, staticListView, type ProgramNames } from '../../domain/catalog-views.js';
import { ObjectNotFound } from '../../domain/errors.js';
import type { Access } from '../../domain/permissions.js';
import type { QueryValue } from '../../domain/paging.js';
import type { Store } from '../../store/store.js';
import { json } from '../http/envelope.js';
import { idParam, programNames } from './catalog-lookups.js';

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
      const programs = await programNames(store);
      // Read the catalog a chunk at a time from the page's start: a page without filters reads
      // batchSize + 1 records, not the whole kind (20,000 lists: 390 ms a page before, see reads.md);
      // with filters, later chunks are bigger.
      const pager = new LeadDatabasePager(query);
      let cursor = query.after ?? 0;
      for (let limit = query.batchSize + 1; ; limit = 1000) {
        const chunk = await store.listAssets(kind, { afterId: cursor, limit });
        let full = false;
        for (const a of chunk) if ((full = pager.offer({ id: a.id, data: a.data, view: view(a.data, programs) }))) break;
        if (full || chunk.length < limit) return pager.page();
        cursor = chunk[chunk.length - 1]!.id;
      }
    }));
    app.get(`/rest/v1/${endpoint}/:id.json`, options, json(async (req: FastifyRequest) => {
      const id = idParam((req.params as { id: string }).id);
      const record = await store.getAsset(kind, id);
      if (!record) throw new ObjectNotFound(kind, id);
      return { result: [view(record.data, await programNames(store))] };
    }));
  }
}
