/**
 * How the REST reads show catalog records: static lists and smart campaigns in the Lead Database
 * form (`lists.json`, `campaigns.json`), programs in the Asset API form (`programs.json`,
 * `program/{id}.json`). Key order and optional members follow real answers (notes §6-§8, Q17, Q18).
 * Pure.
 */
import { DEFAULT_FOLDER_NAME, DEFAULT_WORKSPACE, normaliseDate, programType, type StoredFolder } from './catalog-items.js';

type Data = Record<string, unknown>;

/** Program names by id: lists and campaigns show their program's name, folders their program's. */
export type ProgramNames = ReadonlyMap<number, string>;

/** Lead Database dates: `2023-01-20T12:46:51Z` (Airbyte parses exactly this form). */
export function leadDatabaseDate(stored: unknown): string {
  return normaliseDate(stored) ?? String(stored);
}

/** Asset API dates: `2015-11-18T15:25:35Z+0000`, as Marketo prints them. */
export function assetDate(stored: unknown): string {
  const d = normaliseDate(stored);
  return d ? `${d}+0000` : String(stored);
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function programOf(folder: unknown, programs: ProgramNames): string | undefined {
  const f = folder as StoredFolder | undefined;
  return f?.type === 'Program' ? programs.get(f.id) : undefined;
}

/** A static list as `lists.json` shows it: description and program only when set (Q18). */
export function staticListView(data: Data, programs: ProgramNames): Data {
  const description = text(data.description);
  const programName = programOf(data.folder, programs);
  return {
    id: data.id, name: data.name,
    ...(description !== undefined ? { description } : {}),
    ...(programName !== undefined ? { programName } : {}),
    workspaceId: typeof data.workspaceId === 'number' ? data.workspaceId : DEFAULT_WORKSPACE.id,
    workspaceName: text(data.workspace) ?? DEFAULT_WORKSPACE.name,
    createdAt: leadDatabaseDate(data.createdAt), updatedAt: leadDatabaseDate(data.updatedAt),
  };
}

/** A smart campaign as `campaigns.json` shows it: program only when in one, description when not null. */
export function campaignView(data: Data, programs: ProgramNames): Data {
  const programId = typeof data.programId === 'number' ? data.programId : undefined;
  const programName = programId !== undefined ? programs.get(programId) : undefined;
  return {
    id: data.id, name: data.name,
    ...(typeof data.description === 'string' ? { description: data.description } : {}),
    type: data.type,
    ...(programName !== undefined ? { programName } : {}),
    ...(programId !== undefined ? { programId } : {}),
    workspaceName: text(data.workspace) ?? DEFAULT_WORKSPACE.name,
    createdAt: leadDatabaseDate(data.createdAt), updatedAt: leadDatabaseDate(data.updatedAt),
    active: data.active === true,
  };
}

/** `isTriggerable=true`: an active campaign with a "Campaign is Requested" (Web Service API) trigger. */
export const isTriggerable = (data: Data): boolean => data.active === true && data.isRequestable === true;

/** `{"type", "value", "folderName"}`: a program folder is named after its program, a plain one as the catalog says. */
export function folderView(folder: unknown, folderName: unknown, programs: ProgramNames): Data {
  const f = (folder as StoredFolder | undefined) ?? { id: 1, type: 'Folder' as const };
  const name = f.type === 'Program' ? programs.get(f.id) : text(folderName);
  return { type: f.type, value: f.id, folderName: name ?? DEFAULT_FOLDER_NAME };
}

const PROGRAM_MEMBERS = ['id', 'name', 'description', 'createdAt', 'updatedAt', 'url', 'type', 'channel', 'folder', 'folderName', 'status', 'workspace', 'tags', 'costs', 'sfdcId', 'sfdcName'];

/**
 * A program in the Asset API form. `browse` is what `programs.json` shows (no tags or costs, notes
 * §8.2); otherwise the by-id / by-name answer adds `tags` and `costs` (`null` when empty or not
 * asked for) and the catalog's own extra keys. `headStart` appears on Email programs only (Q17).
 */
export function programView(data: Data, programs: ProgramNames, detail?: { tags: boolean; costs: boolean }): Data {
  const type = programType(data.type) ?? data.type;
  const view: Data = {
    id: data.id, name: data.name, description: typeof data.description === 'string' ? data.description : '',
    createdAt: assetDate(data.createdAt), updatedAt: assetDate(data.updatedAt),
    url: data.url, type, channel: data.channel, folder: folderView(data.folder, data.folderName, programs),
    status: typeof data.status === 'string' ? data.status : '', workspace: text(data.workspace) ?? DEFAULT_WORKSPACE.name,
    ...(typeof data.sfdcId === 'string' ? { sfdcId: data.sfdcId, sfdcName: data.sfdcName } : {}),
  };
  if (detail) {
    view.tags = detail.tags ? nonEmpty(data.tags) : null;
    view.costs = detail.costs ? nonEmpty(data.costs) : null;
  }
  if (type === 'Email') view.headStart = data.headStart === true;
  if (detail) for (const [k, v] of Object.entries(data)) if (!PROGRAM_MEMBERS.includes(k) && k !== 'headStart') view[k] = v;
  return view;
}

const nonEmpty = (v: unknown): unknown[] | null => (Array.isArray(v) && v.length > 0 ? v : null);
