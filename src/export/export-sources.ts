/**
 * What an export selects by that must still exist when it starts Processing: a lead export's
 * static or smart list, a program member export's programs (notes Q2). Read in the export's
 * snapshot, from the catalog.
 */
import type { ExportRequest } from '../domain/export-kind.js';
import { isListFilter } from '../domain/lead-filter.js';
import type { Store } from '../store/store.js';

/** The job's errorMsg when something it selects by is gone; undefined when all is there. */
export async function missingExportSource(store: Store, request: ExportRequest): Promise<string | undefined> {
  if (request.kind === 'leads' && isListFilter(request.filter)) {
    const id = request.filter.listId!;
    const isStatic = request.filter.type === 'staticList';
    if (!(await store.getAsset(isStatic ? 'staticList' : 'smartList', id))) return `${isStatic ? 'Static' : 'Smart'} list ${id} no longer exists`;
  }
  if (request.kind === 'programMembers') {
    for (const id of request.filter.programIds) {
      if (!(await store.getAsset('program', id))) return `Program ${id} no longer exists`;
    }
  }
  return undefined;
}
