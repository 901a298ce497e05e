/**
 * Programs in the Asset API: `GET /rest/asset/v1/programs.json` (browse: offset paging, filters,
 * updated-at window; the "No assets found" warning past the end), `program/{id}.json` and
 * `program/byName.json` (with tags and costs). Answered from the catalog in the Asset API's
 * envelope and shapes (src/domain/catalog-views.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { programView } from '../../domain/catalog-views.js';
import { InvalidRequest } from '../../domain/errors.js';
import { booleanParam, type QueryValue } from '../../domain/paging.js';
import { browsePrograms, readProgramQuery } from '../../domain/program-browse.js';
import type { Store } from '../../store/store.js';
import { assetJson } from '../http/envelope.js';
import { idParam, programNames } from './catalog-lookups.js';

const query = (req: FastifyRequest) => (req.query ?? {}) as Record<string, QueryValue>;

export function registerPrograms(app: FastifyInstance, store: Store): void {
  const assets = { config: { access: 'assets-read' as const } };

  app.get('/rest/asset/v1/programs.json', assets, assetJson(async (req) => {
    const q = readProgramQuery(query(req));
    const programs = await store.listAssets('program');
    const names = new Map(programs.map((a) => [a.id, a.name]));
    return { result: browsePrograms(programs.map((a) => a.data), q).map((p) => programView(p, names)) };
  }));

  app.get('/rest/asset/v1/program/byName.json', assets, assetJson(async (req) => {
    const q = query(req);
    const name = Array.isArray(q.name) ? q.name[0] : q.name;
    if (typeof name !== 'string' || name === '') throw InvalidRequest.missing('name');
    const detail = { tags: booleanParam('includeTags', q.includeTags) === true, costs: booleanParam('includeCosts', q.includeCosts) === true };
    const [found, names] = await Promise.all([store.findAssetsByName('program', name), programNames(store)]);
    return { result: found.map((a) => programView(a.data, names, detail)) };
  }));

  app.get('/rest/asset/v1/program/:id.json', assets, assetJson(async (req) => {
    const id = idParam((req.params as { id: string }).id);
    const program = await store.getAsset('program', id);
    return { result: program ? [programView(program.data, await programNames(store), { tags: true, costs: true })] : [] };
  }));
}
