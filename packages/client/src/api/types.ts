/** Wire types of the Bulk Activity Extract API, as Marketo (and Tidemark) send them. */

export type ExportFormat = 'CSV' | 'TSV' | 'SSV';
export type ExportStatus = 'Created' | 'Queued' | 'Processing' | 'Completed' | 'Failed' | 'Cancelled';

export interface ExportJob {
  exportId: string;
  format: ExportFormat;
  status: ExportStatus;
  createdAt: string;
  queuedAt?: string;
  startedAt?: string;
  finishedAt?: string;
  numberOfRecords?: number;
  fileSize?: number;
  fileChecksum?: string;
  errorMsg?: string;
}

export interface CreateExportRequest {
  format?: ExportFormat;
  fields?: string[];
  columnHeaderNames?: Record<string, string>;
  filter: {
    createdAt: { startAt: string; endAt: string };
    activityTypeIds?: number[];
    primaryAttributeValueIds?: number[];
    primaryAttributeValues?: string[];
  };
}

export interface ActivityType {
  id: number;
  name: string;
  description?: string;
  primaryAttribute: { name: string; dataType: string };
  attributes: { name: string; dataType: string }[];
}

/** One row of an export file, parsed: `null` literals become null, `attributes` an object. */
export interface ActivityRow {
  marketoGUID?: string;
  leadId?: number;
  activityDate?: string;
  activityTypeId?: number;
  campaignId?: number | null;
  primaryAttributeValueId?: number | null;
  primaryAttributeValue?: string | null;
  attributes?: Record<string, unknown>;
  actionResult?: string | null;
  [column: string]: unknown;
}
