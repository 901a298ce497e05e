/**
 * What a Bulk Lead Extract selects by: a window of created or updated times, or a list. Kept apart
 * from the create-body validator (lead-export-request.ts) so the stores and export threads read
 * it without loading zod, which took 60 ms of every export thread's start.
 */

/** Leads created (or last changed) in the window, both ends inclusive. */
export interface LeadWindowFilter {
  type: 'createdAt' | 'updatedAt';
  startMs: number;
  endMs: number;
}

/** Members of a list, by id, or by name until the API resolves it (`listId` is set before the job is stored). */
export interface LeadListFilter {
  type: 'staticList' | 'smartList';
  listId?: number;
  listName?: string;
}

export type LeadFilter = LeadWindowFilter | LeadListFilter;

export const isListFilter = (f: LeadFilter): f is LeadListFilter => f.type === 'staticList' || f.type === 'smartList';
