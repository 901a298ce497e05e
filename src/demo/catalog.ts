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
  // Stored sets of leads (Tidemark has no rule engine): new leads join them on the day they are created.
  smartLists: [
    { id: 4001, name: 'Form Fillers', folder: { id: 15, type: 'Folder' }, description: 'Filled out a form', createdAt: created },
    { id: 4002, name: 'Engaged Leads', folder: { id: 15, type: 'Folder' }, description: 'Lead score 50 or more', createdAt: created },
  ],
  campaigns: DEMO_CAMPAIGNS,
};

/**
 * Each demo program's status progression (a lead moves forward through it, one Change Status in
 * Progression activity a step) and the statuses that count as success.
 */
export const DEMO_PROGRAM_STATUSES: Readonly<Record<number, { steps: string[]; success: string[] }>> = {
  1001: { steps: ['Member', 'Engaged'], success: ['Engaged'] },
  1002: { steps: ['Invited', 'Registered', 'Attended'], success: ['Attended'] },
  1003: { steps: ['Member', 'Engaged'], success: ['Engaged'] },
  1004: { steps: ['Visited Booth', 'Attended'], success: ['Attended'] },
};

/** The engagement (nurture) program: its members carry a cadence and an exhausted flag. */
export const DEMO_NURTURE_PROGRAM = 1003;
