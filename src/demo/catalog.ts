/** The demo instance's asset catalog; the demo activities point into it by id and qualified name. */
import type { CatalogFile } from '../domain/assets.js';

const created = '2026-01-05T15:04:11Z';
/** Used for every date the catalog leaves out, so the demo is the same on every run. */
export const DEMO_CATALOG_DATE = created;

export const DEMO_CATALOG: CatalogFile = {
  programs: [
    { id: 1001, name: 'GL_OP_ALL_2026', type: 'default', channel: 'Online Advertising', folder: { id: 12, type: 'Folder' }, createdAt: created },
    { id: 1002, name: 'Webinar - Data Pipelines', type: 'event', channel: 'Webinar', folder: { id: 12, type: 'Folder' }, createdAt: created },
    { id: 1003, name: 'Nurture - Onboarding', type: 'nurture', channel: 'Nurture', folder: { id: 13, type: 'Folder' }, createdAt: created },
    { id: 1004, name: 'Trade Show - Spring', type: 'event', channel: 'Tradeshow', folder: { id: 12, type: 'Folder' }, createdAt: created },
  ],
  forms: [
    { id: 2001, name: 'MPS Outbound', folder: { id: 1001, type: 'Program' }, createdAt: created },
    { id: 2002, name: 'Registration', folder: { id: 1002, type: 'Program' }, createdAt: created },
    { id: 2003, name: 'Badge Scan', folder: { id: 1004, type: 'Program' }, createdAt: created },
  ],
  staticLists: [
    { id: 3001, name: 'Newsletter', folder: { id: 1001, type: 'Program' }, createdAt: created },
    { id: 3002, name: 'Active', folder: { id: 1003, type: 'Program' }, createdAt: created },
    { id: 3003, name: 'Do Not Call', folder: { id: 14, type: 'Folder' }, createdAt: created },
  ],
};
