/**
 * The Bulk Program Member Extract under `/bulk/v1/program/members/export` (notes §3): its create
 * body, checked against the program member and lead schemas, and the programs and status names
 * it names, which must exist when the job is created.
 */
import { InvalidRequest } from '../../domain/errors.js';
import { validateMemberExportRequest } from '../../domain/program-member-export-request.js';
import type { BulkExportKind } from './bulk-export.js';
import { loadLeadSchema, loadMemberSchema } from './schemas.js';

export const programMemberExport: BulkExportKind = {
  kind: 'programMembers',
  basePath: '/bulk/v1/program/members/export',
  access: 'lead-read',
  async prepare(body, { store, config }) {
    const request = validateMemberExportRequest(body, {
      schema: await loadMemberSchema(store), leadSchema: await loadLeadSchema(store),
      advancedFilters: config.advancedExtractFilters, strictDates: config.strict,
    });
    const { programIds, several, statusNames } = request.filter;
    const param = several ? 'filter.programIds' : 'filter.programId';
    for (const id of programIds) {
      if (!(await store.getAsset('program', id))) throw InvalidRequest.rule(param, `program ${id} not found`);
    }
    if (statusNames) {
      // A status name no membership of these programs has is Marketo's "Invalid Data" (notes §3.2).
      const known = new Set(await store.programStatusNames(programIds));
      if (statusNames.some((n) => !known.has(n))) throw InvalidRequest.data('filter.statusNames', 'Invalid Data');
    }
    return request;
  },
};
