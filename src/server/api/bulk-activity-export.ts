/** The Bulk Activity Extract under `/bulk/v1/activities/export`: its create body and the names it resolves. */
import { assetKindForTypes } from '../../domain/assets.js';
import { validateActivityExportRequest } from '../../domain/export-request.js';
import type { BulkExportKind } from './bulk-export.js';
import { loadLeadSchema } from './schemas.js';

export const activityExport: BulkExportKind = {
  kind: 'activities',
  basePath: '/bulk/v1/activities/export',
  access: 'activity-read',
  async prepare(body, { store, config }) {
    const request = validateActivityExportRequest(body, { strictDates: config.strict });
    const { primaryAttributeValues: names, activityTypeIds } = request.filter;
    const kind = names && activityTypeIds ? assetKindForTypes(activityTypeIds) : undefined;
    if (names && kind === 'leadField') {
      // Lead field names are display names in the lead schema (standard fields and the catalog's).
      const fields = (await loadLeadSchema(store)).fields;
      request.filter.resolvedPrimaryAttributeValueIds = fields.filter((f) => names.includes(f.displayName)).map((f) => f.id);
    } else if (names && kind) {
      request.filter.resolvedPrimaryAttributeValueIds = await store.resolveAssetIds(kind, names);
    }
    return request;
  },
};
