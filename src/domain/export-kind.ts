/**
 * The bulk export kinds Tidemark serves. Every kind runs through the same job machinery (one
 * jobs table, one queue and quota, one worker path); a request carries its kind, and the
 * validator, the store's line builder and the formatter are chosen by it. Pure.
 */
import type { ActivityExportRequest } from './export-request.js';
import type { LeadExportRequest } from './lead-export-request.js';
import type { ProgramMemberExportRequest } from './program-member-export-request.js';

export const EXPORT_KINDS = ['activities', 'leads', 'programMembers'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export type ExportRequest = ActivityExportRequest | LeadExportRequest | ProgramMemberExportRequest;

/** The kinds whose rows are records of named fields (leads, program members), rather than activities. */
export type RecordExportRequest = LeadExportRequest | ProgramMemberExportRequest;

/**
 * One value of a lead or program member row as the store holds it: text formatted at import, an
 * id, a stored date (a Date), a stored boolean, or no value.
 */
export type ExportValue = string | number | boolean | Date | null;
