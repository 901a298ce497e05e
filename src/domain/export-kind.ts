/**
 * The bulk export kinds Tidemark serves. Every kind runs through the same job machinery (one
 * jobs table, one queue and quota, one worker path); a request carries its kind, and the
 * validator, the store's line builder and the formatter are chosen by it. Pure.
 */
import type { ActivityExportRequest } from './export-request.js';

export const EXPORT_KINDS = ['activities', 'leads', 'programMembers'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export type ExportRequest = ActivityExportRequest;
