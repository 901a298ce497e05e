/**
 * The look-ups the seed's workflow needs before filtering an export by primary attribute:
 * programs, static lists and forms by name and by id (asset API), in Marketo's shapes, from the
 * asset catalog. The lead fields (`leads/describe.json`) are in lead-describe.ts.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AssetKind } from '../../domain/assets.js';
import { InvalidRequest } from '../../domain/errors.js';
import { marketo } from '../../errors/catalog.js';
import type { Store } from '../../store/store.js';
import { json, type HandlerResult } from '../http/envelope.js';

const NOTHING_FOUND = 'No assets found for the given search criteria.';

const found = (result: unknown[]): HandlerResult => (result.length ? { result } : { result: [], warnings: [NOTHING_FOUND] });

export function registerAssets(app: FastifyInstance, store: Store): void {
  const assets = { config: { access: 'assets-read' as const } };
  const routes: [string, AssetKind][] = [['program', 'program'], ['staticList', 'staticList'], ['form', 'form']];
  for (const [path, kind] of routes) {
    app.get(`/rest/asset/v1/${path}/byName.json`, assets, json(async (req: FastifyRequest) => {
      const name = (req.query as Record<string, unknown>).name;
      if (typeof name !== 'string' || name === '') throw InvalidRequest.missing('name');
      return found((await store.findAssetsByName(kind, name)).map((a) => a.data));
    }));
    app.get<{ Params: { id: string } }>(`/rest/asset/v1/${path}/:id`, assets, json(async (req: FastifyRequest) => {
      const raw = (req.params as { id: string }).id;
      // `/form/2001` (no `.json`) or `/form/byName` is no route of Marketo's: 610, not a bad id.
      if (!raw.endsWith('.json')) throw marketo.notFound();
      const m = /^(\d{1,15})\.json$/.exec(raw);
      if (!m) throw InvalidRequest.type('id', raw.replace(/\.json$/, ''), 'integer');
      const asset = await store.getAsset(kind, Number(m[1]));
      return found(asset ? [asset.data] : []);
    }));
  }
}
