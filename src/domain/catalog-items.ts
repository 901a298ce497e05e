/**
 * What the catalog keeps of programs, static lists and smart campaigns: the import rules and the
 * stored record that the REST reads (catalog-views.ts) render. Pure.
 *
 * Stored dates are normalised to Marketo's `YYYY-MM-DDTHH:MM:SSZ` at import, so the reads can
 * compare them (`earliestUpdatedAt`) and print them in either API's form.
 */
import { formatMarketoDate, parseMarketoDate } from './dates.js';

/** Marketo's program types, as its Asset API prints them. */
export const PROGRAM_TYPES = ['Default', 'Event', 'Event with Webinar', 'Engagement', 'Email'] as const;
export type ProgramType = (typeof PROGRAM_TYPES)[number];

/**
 * The swagger's lower-case enum (`program`, `event`, `webinar`, `nurture`) and earlier Tidemark
 * catalogs (`default`) name the same types; they are read as the values real answers carry.
 */
const TYPE_ALIASES: Record<string, ProgramType> = {
  default: 'Default', program: 'Default', event: 'Event', 'event with webinar': 'Event with Webinar', webinar: 'Event with Webinar',
  engagement: 'Engagement', nurture: 'Engagement', email: 'Email',
};

/** A program type as Marketo prints it, from any spelling the catalog accepts; undefined when unknown. */
export function programType(raw: unknown): ProgramType | undefined {
  return typeof raw === 'string' ? TYPE_ALIASES[raw.toLowerCase()] : undefined;
}

/** The UI link prefix of each program type (`#PG1001A1`, `#EBP1032A1`, ...). */
const URL_PREFIX: Record<ProgramType, string> = { Default: 'PG', Event: 'ME', 'Event with Webinar': 'ME', Engagement: 'NP', Email: 'EBP' };

/** Status a program of each type starts with when the catalog does not say. */
const DEFAULT_STATUS: Record<ProgramType, string> = { Default: '', Event: '', 'Event with Webinar': '', Engagement: 'off', Email: 'unlocked' };

export const CAMPAIGN_TYPES = ['batch', 'trigger'] as const;

/** Workspace 1 is Marketo's `Default` workspace. */
export const DEFAULT_WORKSPACE = { id: 1, name: 'Default' } as const;

/** The name shown for a plain folder the catalog does not name. */
export const DEFAULT_FOLDER_NAME = 'Marketing Activities';

export interface StoredFolder {
  id: number;
  type: 'Folder' | 'Program';
}

/** A folder as the catalog file gives it: a plain folder may carry its name. */
export interface CatalogFolder extends StoredFolder {
  folderName?: string;
}

/** What the stored record keeps of a folder: its name goes to the program's `folderName` (programs.json shows it). */
const stored = (f: CatalogFolder | undefined): StoredFolder => (f ? { id: f.id, type: f.type } : { id: 1, type: 'Folder' });

export type ItemResult = { data: Record<string, unknown> } | { error: string };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const posInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/** A catalog date in any form clients send, as Marketo's `...Z`; undefined when it does not parse. */
export function normaliseDate(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const parsed = parseMarketoDate(v.trim());
  return parsed ? formatMarketoDate(parsed.ms) : undefined;
}

/** `{"id", "type"}` (Tidemark's catalog form) or `{"type", "value", "folderName"}` (Marketo's answer form). */
export function readFolder(v: unknown): CatalogFolder | undefined | 'invalid' {
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) return 'invalid';
  const id = v.id ?? v.value;
  if (!posInt(id) || (v.type !== 'Folder' && v.type !== 'Program')) return 'invalid';
  if (v.folderName !== undefined && (typeof v.folderName !== 'string' || v.folderName === '')) return 'invalid';
  return { id, type: v.type, ...(v.type === 'Folder' && typeof v.folderName === 'string' ? { folderName: v.folderName } : {}) };
}

/** createdAt / updatedAt: one the file leaves out is `nowIso`, or the other when that is earlier / later; updatedAt never before createdAt. */
function readDates(item: Record<string, unknown>, nowIso: string): { createdAt: string; updatedAt: string } | { error: string } {
  const out: Record<string, string> = {};
  for (const key of ['createdAt', 'updatedAt'] as const) {
    if (item[key] === undefined || item[key] === null) continue;
    const d = normaliseDate(item[key]);
    if (!d) return { error: `${key} must be a date such as 2026-01-05T15:04:11Z` };
    out[key] = d;
  }
  const createdAt = out.createdAt ?? (out.updatedAt && out.updatedAt < nowIso ? out.updatedAt : nowIso);
  const updatedAt = out.updatedAt ?? (out.createdAt && out.createdAt > nowIso ? out.createdAt : nowIso);
  if (updatedAt < createdAt) return { error: 'updatedAt must not be before createdAt' };
  return { createdAt, updatedAt };
}

function readText(item: Record<string, unknown>, key: string, fallback: string | null): string | null | { error: string } {
  const v = item[key];
  if (v === undefined || v === null) return fallback;
  return typeof v === 'string' ? v : { error: `${key} must be a string` };
}

const failed = (v: unknown): v is { error: string } => isObj(v) && typeof v.error === 'string';

/** Other keys the file gives are kept and shown by the by-id and by-name look-ups. */
function others(item: Record<string, unknown>, known: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !known.includes(k)));
}

const PROGRAM_KEYS = ['id', 'name', 'description', 'createdAt', 'updatedAt', 'url', 'type', 'channel', 'folder', 'folderName', 'status', 'workspace', 'tags', 'costs', 'sfdcId', 'sfdcName'];

export function programData(item: Record<string, unknown>, folder: CatalogFolder | undefined, nowIso: string): ItemResult {
  const type = programType(item.type ?? 'Default');
  if (!type) return { error: `type must be one of ${PROGRAM_TYPES.join(', ')}` };
  const dates = readDates(item, nowIso);
  if ('error' in dates) return dates;
  const fields: Record<string, unknown> = {};
  for (const [key, fallback] of [['description', ''], ['channel', 'Online Advertising'], ['status', DEFAULT_STATUS[type]], ['workspace', DEFAULT_WORKSPACE.name]] as const) {
    const v = readText(item, key, fallback);
    if (failed(v)) return v;
    fields[key] = v;
  }
  const tags = readList(item.tags, 'tags', (t) => isObj(t) && typeof t.tagType === 'string' && typeof t.tagValue === 'string', '{"tagType", "tagValue"}');
  if (failed(tags)) return tags;
  const costs = readList(item.costs, 'costs', (c) => isObj(c) && typeof c.startDate === 'string' && typeof c.cost === 'number' && (c.note === undefined || typeof c.note === 'string'), '{"startDate", "cost", "note"}');
  if (failed(costs)) return costs;
  const sfdc = readSfdc(item);
  if (failed(sfdc)) return sfdc;
  return {
    data: {
      id: item.id, name: item.name, description: fields.description, ...dates,
      url: typeof item.url === 'string' ? item.url : `https://app.tidemark.local/#${URL_PREFIX[type]}${item.id as number}A1`,
      type, channel: fields.channel, folder: stored(folder), ...(folder?.folderName ? { folderName: folder.folderName } : {}),
      status: fields.status, workspace: fields.workspace,
      tags, costs, ...sfdc, ...others(item, PROGRAM_KEYS),
    },
  };
}

function readList(v: unknown, key: string, ok: (x: unknown) => boolean, shape: string): unknown[] | { error: string } {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every(ok)) return { error: `${key} must be an array of ${shape}` };
  return v;
}

function readSfdc(item: Record<string, unknown>): Record<string, string> | { error: string } {
  if (item.sfdcId === undefined && item.sfdcName === undefined) return {};
  if (typeof item.sfdcId !== 'string' || item.sfdcId === '' || typeof item.sfdcName !== 'string') {
    return { error: 'sfdcId and sfdcName must both be given, as strings, for a program linked to a Salesforce campaign' };
  }
  return { sfdcId: item.sfdcId, sfdcName: item.sfdcName };
}

const LIST_KEYS = ['id', 'name', 'description', 'createdAt', 'updatedAt', 'folder', 'workspace', 'workspaceId', 'url', 'computedUrl'];

export function staticListData(item: Record<string, unknown>, folder: CatalogFolder | undefined, nowIso: string): ItemResult {
  const dates = readDates(item, nowIso);
  if ('error' in dates) return dates;
  const description = readText(item, 'description', '');
  if (failed(description)) return description;
  const workspace = readWorkspace(item);
  if ('error' in workspace) return workspace;
  const link = `https://app.tidemark.local/#ST${item.id as number}A1`;
  return {
    data: {
      id: item.id, name: item.name, description, ...dates, url: item.url ?? link, folder: stored(folder),
      workspace: workspace.name, workspaceId: workspace.id, computedUrl: item.computedUrl ?? link, ...others(item, LIST_KEYS),
    },
  };
}

/**
 * A list's workspace id (lists.json shows it). The Default workspace is 1; for any other the file
 * must say, since Tidemark has no workspace catalog to look it up in.
 */
function readWorkspace(item: Record<string, unknown>): { id: number; name: string } | { error: string } {
  const name = item.workspace ?? DEFAULT_WORKSPACE.name;
  if (typeof name !== 'string' || name === '') return { error: 'workspace must be a non-empty string' };
  if (item.workspaceId !== undefined && !posInt(item.workspaceId)) return { error: 'workspaceId must be a positive integer' };
  if (posInt(item.workspaceId)) return { id: item.workspaceId, name };
  if (name !== DEFAULT_WORKSPACE.name) return { error: `workspaceId is required for a list in workspace '${name}'` };
  return { id: DEFAULT_WORKSPACE.id, name };
}

/**
 * A smart campaign. `programId` names the program it lives in (absent: outside any program);
 * `isRequestable` marks a "Campaign is Requested" trigger from Web Service API, which
 * `isTriggerable=true` selects when the campaign is also active.
 */
export function campaignData(item: Record<string, unknown>, programIds: { has(id: number): boolean }, nowIso: string): ItemResult {
  const type = item.type ?? 'batch';
  if (typeof type !== 'string' || !(CAMPAIGN_TYPES as readonly string[]).includes(type)) return { error: `type must be one of ${CAMPAIGN_TYPES.join(', ')}` };
  if (item.programId !== undefined && item.programId !== null) {
    if (!posInt(item.programId)) return { error: 'programId must be a positive integer' };
    if (!programIds.has(item.programId)) return { error: `program ${item.programId} is not in the catalog` };
  }
  const dates = readDates(item, nowIso);
  if ('error' in dates) return dates;
  const description = readText(item, 'description', null);
  if (failed(description)) return description;
  const workspace = readText(item, 'workspace', DEFAULT_WORKSPACE.name);
  if (failed(workspace) || workspace === '') return { error: 'workspace must be a non-empty string' };
  for (const flag of ['active', 'isRequestable']) {
    if (item[flag] !== undefined && typeof item[flag] !== 'boolean') return { error: `${flag} must be true or false` };
  }
  return {
    data: {
      id: item.id, name: item.name, description, type, programId: item.programId ?? null, workspace, ...dates,
      active: item.active === true, isRequestable: item.isRequestable === true,
    },
  };
}
