/**
 * The Bulk Lead Extract under `/bulk/v1/leads/export` (notes §2): its create body, checked
 * against the lead schema, and the static or smart list a filter names, which must exist when
 * the job is created (notes Q2, Q3).
 */
import type { AssetKind } from '../../domain/assets.js';
import { InvalidRequest } from '../../domain/errors.js';
import { isListFilter, validateLeadExportRequest, type LeadListFilter } from '../../domain/lead-export-request.js';
import type { Store } from '../../store/store.js';
import type { BulkExportKind } from './bulk-export.js';
import { loadLeadSchema } from './schemas.js';

export const leadExport: BulkExportKind = {
  kind: 'leads',
  basePath: '/bulk/v1/leads/export',
  access: 'lead-read',
  async prepare(body, { store, config }) {
    const request = validateLeadExportRequest(body, {
      schema: await loadLeadSchema(store), advancedFilters: config.advancedExtractFilters, strictDates: config.strict,
    });
    if (isListFilter(request.filter)) request.filter.listId = await resolveList(store, request.filter);
    return request;
  },
};

/** The list's id: it must exist; a name must name one list; a smart list must have rules. */
async function resolveList(store: Store, filter: LeadListFilter): Promise<number> {
  const kind: AssetKind = filter.type;
  const noun = kind === 'staticList' ? 'static list' : 'smart list';
  const by = filter.listId !== undefined ? 'Id' : 'Name';
  const param = `filter.${kind}${by}`;
  const found = filter.listId !== undefined
    ? [await store.getAsset(kind, filter.listId)].filter((a) => a !== undefined)
    : await store.findAssetsByName(kind, filter.listName!);
  const named = filter.listId ?? `'${filter.listName}'`;
  if (found.length === 0) throw InvalidRequest.rule(param, `${noun} ${named} not found`);
  if (found.length > 1) throw InvalidRequest.rule(param, `${found.length} ${noun}s are named ${named}; use ${kind}Id`);
  const list = found[0]!;
  // A smart list without rules is refused like a missing filter (notes §2.3, Q3).
  if (kind === 'smartList' && list.data.hasRules === false) throw InvalidRequest.rule(param, `smart list ${named} has no rules`);
  return list.id;
}
