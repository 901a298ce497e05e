/** Small look-ups the catalog read endpoints share. */
import { InvalidRequest } from '../../domain/errors.js';
import type { ProgramNames } from '../../domain/catalog-views.js';
import type { Store } from '../../store/store.js';

/**
 * The id of a `/{id}.json` path (the route is `/:id.json`, so a path without `.json`, such as
 * `/lists/12` or `/form/byName`, is no route at all: 610). Digits only, else 1001.
 */
export function idParam(raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw InvalidRequest.type('id', raw, 'integer');
  return Number(raw);
}

/** Program names by id, for the program a list, campaign or program folder belongs to. */
export async function programNames(store: Store): Promise<ProgramNames> {
  return new Map((await store.listAssets('program')).map((a) => [a.id, a.name]));
}
