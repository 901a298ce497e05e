/**
 * The look-ups the seed's workflow needs before filtering an export by primary attribute: static
 * lists and forms by name and by id (asset API; programs are in programs.ts), in Marketo's shapes,
 * from the asset catalog. The lead fields (`leads/describe.json`) are in lead-describe.ts.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AssetKind } from '../../domain/assets.js';
import { InvalidRequest } from '../../domain/errors.js';
import type { Store } from '../../store/store.js';
import { assetJson, json } from '../http/envelope.js';
import { idParam } from './catalog-lookups.js';

export function registerAssets(app: FastifyInstance, store: Store): void {
  const assets = { config: { access: 'assets-read' as const } };
  const routes: [string, AssetKind][] = [['staticList', 'staticList'], ['form', 'form']];
  for (const [path, kind] of routes) {
    app.get(`/rest/asset/v1/${path}/byName.json`, assets, assetJson(async (req: FastifyRequest) => {
      const name = (req.query as Record<string, unknown>).name;
      if (typeof name !== 'string' || name === '') throw InvalidRequest.missing('name');
      return { result: (await store.findAssetsByName(kind, name)).map((a) => a.data) };
    }));
    app.get<{ Params: { id: string } }>(`/rest/asset/v1/${path}/:id.json`, assets, assetJson(async (req: FastifyRequest) => {
      const asset = await store.getAsset(kind, idParam((req.params as { id: string }).id));
      return { result: asset ? [asset.data] : [] };
    }));
  }
}
