/** The demo instance's asset catalog; the demo activities point into it by id and qualified name. */
import type { CatalogFile } from '../domain/assets.js';
import { DEMO_CAMPAIGNS } from './campaigns.js';

const created = '2026-01-05T15:04:11Z';
/** Used for every date the catalog leaves out, so the demo is the same on every run. */
export const DEMO_CATALOG_DATE = created;

// Ids and names are what the demo activities carry: change them only together with generate.ts.
export const DEMO_CATALOG: CatalogFile = {
  programs: [
    { id: 1001, name: 'GL_OP_ALL_2026', description: 'Always-on online advertising', type: 'Default', channel: 'Online Advertising',
      folder: { id: 12, type: 'Folder', folderName: 'Active Marketing Programs' }, createdAt: '2025-10-01T09:00:00Z', updatedAt: created,
      tags: [{ tagType: 'Region', tagValue: 'Global' }], costs: [{ startDate: '2026-01-01', cost: 12000, note: 'Paid search' }] },
    { id: 1002, name: 'Webinar - Data Pipelines', type: 'Event with Webinar', channel: 'Webinar',
      folder: { id: 12, type: 'Folder', folderName: 'Active Marketing Programs' }, createdAt: '2025-11-12T16:30:00Z', updatedAt: created },
    { id: 1003, name: 'Nurture - Onboarding', description: 'Onboarding track for new leads', type: 'Engagement', channel: 'Nurture', status: 'on',
      folder: { id: 13, type: 'Folder', folderName: 'Nurturing' }, createdAt: '2025-09-15T08:00:00Z', updatedAt: created },
    { id: 1004, name: 'Trade Show - Spring', type: 'Event', channel: 'Tradeshow',
      folder: { id: 12, type: 'Folder', folderName: 'Active Marketing Programs' }, createdAt: created,
      costs: [{ startDate: '2026-03-01', cost: 25000, note: 'Booth' }] },
  ],
  forms: [
    { id: 2001, name: 'MPS Outbound', folder: { id: 1001, type: 'Program' }, createdAt: created },
    { id: 2002, name: 'Registration', folder: { id: 1002, type: 'Program' }, createdAt: created },
    { id: 2003, name: 'Badge Scan', folder: { id: 1004, type: 'Program' }, createdAt: created },
  ],
  staticLists: [
    { id: 3001, name: 'Newsletter', description: 'Newsletter subscribers', folder: { id: 1001, type: 'Program' }, createdAt: '2025-10-01T09:10:00Z', updatedAt: created },
    { id: 3002, name: 'Active', folder: { id: 1003, type: 'Program' }, createdAt: '2025-09-15T08:05:00Z', updatedAt: created },
    { id: 3003, name: 'Do Not Call', folder: { id: 14, type: 'Folder', folderName: 'Lists' }, createdAt: created },
  ],
  leadFields: [
    { id: 41, displayName: 'Lead Status', dataType: 'string', rest: { name: 'leadStatus', readOnly: false } },
    { id: 52, displayName: 'Job Title', dataType: 'string', rest: { name: 'title', readOnly: false } },
    { id: 60, displayName: 'Lead Score', dataType: 'integer', rest: { name: 'leadScore', readOnly: false } },
    { id: 48, displayName: 'Email Address', dataType: 'email', rest: { name: 'email', readOnly: false } },
  ],
  campaigns: DEMO_CAMPAIGNS,
};
