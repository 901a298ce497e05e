/** Small look-ups the catalog read endpoints share. */
import { InvalidRequest } from '../../domain/errors.js';
import type { ProgramNames } from '../../domain/catalog-views.js';
import { marketo } from '../../errors/catalog.js';
import type { Store } from '../../store/store.js';

/**
 * The id of a `/{id}.json` path segment. A segment without `.json` (`/lists/12`, `/form/byName`) is
 * no route of Marketo's: 610, not a bad id. Digits only, else 1001.
 */
export function idFromJsonSegment(raw: string): number {
  if (!raw.endsWith('.json')) throw marketo.notFound();
  const m = /^(\d{1,15})\.json$/.exec(raw);
  if (!m) throw InvalidRequest.type('id', raw.replace(/\.json$/, ''), 'integer');
  return Number(m[1]);
}

/** Program names by id, for the program a list, campaign or program folder belongs to. */
export async function programNames(store: Store): Promise<ProgramNames> {
  return new Map((await store.listAssets('program')).map((a) => [a.id, a.name]));
}
