/**
 * The asset catalog that name look-ups and `primaryAttributeValues` resolve through: programs,
 * static lists, forms and lead fields; and, for the lead side, smart lists and program member
 * fields. Pure: the shapes, the import rules and the naming rules.
 */
import { ASSET_GROUPS } from './activity-types.js';
import { campaignData, programData, readFolder, staticListData, type CatalogFolder, type ItemResult } from './catalog-items.js';
import { catalogLeadFieldProblem } from './lead-schema.js';
import { memberFieldProblem } from './program-member-schema.js';

export const ASSET_KINDS = ['program', 'staticList', 'form', 'leadField', 'campaign', 'smartList', 'programMemberField'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

export type Folder = CatalogFolder;

export interface Asset {
  kind: AssetKind;
  id: number;
  name: string;
  /** The name `primaryAttributeValues` uses: `<program>.<asset>` inside a program, else the name. */
  qualifiedName: string;
  /** The asset in Marketo's look-up shape (what the API returns). */
  data: Record<string, unknown>;
}

/** Which catalog an activity type's primary attribute id points into. */
export const KIND_OF_GROUP: Record<string, AssetKind> = {
  'Web Form': 'form',
  'Attribute Name': 'leadField',
  'Static List': 'staticList',
  'Marketing Program': 'program',
};

export function assetKindForTypes(typeIds: number[]): AssetKind | undefined {
  const group = Object.entries(ASSET_GROUPS).find(([, ids]) => typeIds.some((t) => ids.includes(t)))?.[0];
  return group ? KIND_OF_GROUP[group] : undefined;
}

/** The catalog file `tidemark import --kind assets` reads (docs/assets.md). */
export interface CatalogFile {
  programs?: Record<string, unknown>[];
  staticLists?: Record<string, unknown>[];
  forms?: Record<string, unknown>[];
  leadFields?: Record<string, unknown>[];
  /** Smart campaigns (`/rest/v1/campaigns.json`); read after programs, whose ids they may name. */
  campaigns?: Record<string, unknown>[];
  smartLists?: Record<string, unknown>[];
  programMemberFields?: Record<string, unknown>[];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const posInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/**
 * Validates a catalog file and turns it into assets. Programs are read first, so lists and forms
 * whose folder is a program get `<program>.<name>` as their qualified name.
 */
export function parseCatalog(raw: unknown, nowIso: string): { assets: Asset[] } | { error: string } {
  if (!isObj(raw)) return { error: 'the catalog must be a JSON object with programs, staticLists, forms, leadFields, campaigns, smartLists and programMemberFields arrays' };
  const out: Asset[] = [];
  const programs = new Map<number, string>();
  const sections: [keyof CatalogFile, AssetKind][] = [
    ['programs', 'program'], ['staticLists', 'staticList'], ['forms', 'form'], ['leadFields', 'leadField'], ['campaigns', 'campaign'],
    ['smartLists', 'smartList'], ['programMemberFields', 'programMemberField'],
  ];
  for (const key of Object.keys(raw)) {
    if (!sections.some(([k]) => k === key)) return { error: `unknown section '${key}'` };
  }
  for (const [section, kind] of sections) {
    const list = raw[section];
    if (list === undefined) continue;
    if (!Array.isArray(list)) return { error: `${section} must be an array` };
    for (const [i, item] of list.entries()) {
      const where = `${section}[${i}]`;
      if (!isObj(item) || !posInt(item.id)) return { error: `${where}: id must be a positive integer` };
      if (kind === 'leadField') {
        if (typeof item.displayName !== 'string' || item.displayName === '') return { error: `${where}: displayName is required` };
        const field = leadField(item);
        const restName = (field.data.rest as { name: string }).name;
        const problem = leadFieldProblem(item) ?? catalogLeadFieldProblem(field.id, restName, field.data.dataType as string);
        if (problem) return { error: `${where}: ${problem}` };
        out.push(field);
        continue;
      }
      if (kind === 'programMemberField') {
        const problem = memberFieldProblem(item);
        if (problem) return { error: `${where}: ${problem}` };
        out.push(memberField(item));
        continue;
      }
      if (typeof item.name !== 'string' || item.name === '') return { error: `${where}: name is required` };
      const folder = readFolder(item.folder);
      if (folder === 'invalid') return { error: `${where}: folder must be {"id": <int>, "type": "Folder" | "Program"}` };
      if (kind === 'program') programs.set(item.id, item.name);
      const inProgram = folder?.type === 'Program' ? programs.get(folder.id) : undefined;
      if (folder?.type === 'Program' && kind !== 'program' && inProgram === undefined) {
        return { error: `${where}: folder program ${folder.id} is not in the catalog` };
      }
      const shaped = itemData(kind, item, folder, programs, nowIso);
      if ('error' in shaped) return { error: `${where}: ${shaped.error}` };
      out.push({
        kind, id: item.id, name: item.name,
        qualifiedName: inProgram !== undefined ? `${inProgram}.${item.name}` : item.name,
        data: shaped.data,
      });
    }
  }
  return { assets: out };
}

function itemData(kind: AssetKind, item: Record<string, unknown>, folder: Folder | undefined, programIds: ReadonlyMap<number, string>, nowIso: string): ItemResult {
  switch (kind) {
    case 'program':
      return programData(item, folder, nowIso);
    case 'staticList':
      return staticListData(item, folder, nowIso);
    case 'campaign':
      return campaignData(item, programIds, nowIso);
    case 'smartList': {
      // A smart list is a static list's shape plus hasRules: false marks one without rules, which
      // an export refuses (notes Q3).
      const shaped = staticListData(item, folder, nowIso);
      return 'error' in shaped ? shaped : { data: { ...shaped.data, url: item.url ?? `https://app.tidemark.local/#SL${item.id as number}A1`, hasRules: item.hasRules !== false } };
    }
    default:
      return { data: formShape(item, folder, nowIso) };
  }
}

/** Marketo's form shape; keys the file gives win, the rest get plain defaults. */
function formShape(item: Record<string, unknown>, folder: Folder | undefined, nowIso: string): Record<string, unknown> {
  const base = { id: item.id, name: item.name, description: item.description ?? '', createdAt: item.createdAt ?? nowIso, updatedAt: item.updatedAt ?? nowIso };
  const common = { folder: folder ? { id: folder.id, type: folder.type } : { id: 1, type: 'Folder' }, workspace: item.workspace ?? 'Default' };
  return { ...base, url: item.url ?? `https://app.tidemark.local/#FO${item.id}A1`, status: item.status ?? 'approved', ...common, ...rest(item) };
}

function rest(item: Record<string, unknown>): Record<string, unknown> {
  const { id: _i, name: _n, description: _d, createdAt: _c, updatedAt: _u, folder: _f, ...others } = item;
  return others;
}

function leadFieldProblem(item: Record<string, unknown>): string | undefined {
  if (item.rest !== undefined && (!isObj(item.rest) || typeof item.rest.name !== 'string')) return 'rest must be {"name": <string>, "readOnly": <boolean>}';
  if (item.dataType !== undefined && typeof item.dataType !== 'string') return 'dataType must be a string';
  if (item.exportable !== undefined && typeof item.exportable !== 'boolean') return 'exportable must be true or false';
  return undefined;
}

/** A program member custom field: described by the program member describe, exported by name. */
function memberField(item: Record<string, unknown>): Asset {
  const name = item.name as string;
  const dataType = typeof item.dataType === 'string' ? item.dataType : 'string';
  const data: Record<string, unknown> = {
    id: item.id, name, displayName: typeof item.displayName === 'string' ? item.displayName : name, dataType,
    ...(typeof item.length === 'number' ? { length: item.length } : dataType === 'string' ? { length: 255 } : {}),
    updateable: item.updateable !== false,
  };
  return { kind: 'programMemberField', id: item.id as number, name, qualifiedName: name, data };
}

function leadField(item: Record<string, unknown>): Asset & { data: Record<string, unknown> } {
  const displayName = item.displayName as string;
  const given = (item.rest as Record<string, unknown> | undefined)?.name;
  const restName = typeof given === 'string' && given !== '' ? given : camel(displayName);
  const data: Record<string, unknown> = {
    id: item.id, displayName, dataType: item.dataType ?? 'string',
    ...(item.length !== undefined ? { length: item.length } : item.dataType === undefined || item.dataType === 'string' ? { length: 255 } : {}),
    rest: item.rest ?? { name: restName, readOnly: false },
    soap: item.soap ?? { name: restName.charAt(0).toUpperCase() + restName.slice(1), readOnly: false },
    // Tidemark's own key (not in describe): false makes an export refuse the field (notes Q6).
    ...(item.exportable === false ? { exportable: false } : {}),
  };
  return { kind: 'leadField', id: item.id as number, name: displayName, qualifiedName: displayName, data };
}

function camel(s: string): string {
  const words = s.replace(/[^A-Za-z0-9 ]+/g, ' ').trim().split(/\s+/);
  return words.map((w, i) => (i === 0 ? w.toLowerCase() : w.charAt(0).toUpperCase() + w.slice(1).toLowerCase())).join('');
}
