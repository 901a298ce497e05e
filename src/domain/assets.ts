/**
 * The asset catalog that name look-ups and `primaryAttributeValues` resolve through: programs,
 * static lists, forms and lead fields. Pure: the shapes, the import rules and the naming rules.
 */
import { ASSET_GROUPS } from './activity-types.js';
import { campaignData, programData, readFolder, staticListData, type CatalogFolder, type ItemResult } from './catalog-items.js';

export const ASSET_KINDS = ['program', 'staticList', 'form', 'leadField', 'campaign'] as const;
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
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const posInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/**
 * Validates a catalog file and turns it into assets. Programs are read first, so lists and forms
 * whose folder is a program get `<program>.<name>` as their qualified name.
 */
export function parseCatalog(raw: unknown, nowIso: string): { assets: Asset[] } | { error: string } {
  if (!isObj(raw)) return { error: 'the catalog must be a JSON object with programs, staticLists, forms, leadFields and campaigns arrays' };
  const out: Asset[] = [];
  const programs = new Map<number, string>();
  const sections: [keyof CatalogFile, AssetKind][] = [
    ['programs', 'program'], ['staticLists', 'staticList'], ['forms', 'form'], ['leadFields', 'leadField'], ['campaigns', 'campaign'],
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
        out.push(leadField(item));
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

function leadField(item: Record<string, unknown>): Asset {
  const displayName = item.displayName as string;
  const given = (item.rest as Record<string, unknown> | undefined)?.name;
  const restName = typeof given === 'string' && given !== '' ? given : camel(displayName);
  const data: Record<string, unknown> = {
    id: item.id, displayName, dataType: item.dataType ?? 'string',
    ...(item.length !== undefined ? { length: item.length } : item.dataType === undefined || item.dataType === 'string' ? { length: 255 } : {}),
    rest: item.rest ?? { name: restName, readOnly: false },
    soap: item.soap ?? { name: restName.charAt(0).toUpperCase() + restName.slice(1), readOnly: false },
  };
  return { kind: 'leadField', id: item.id as number, name: displayName, qualifiedName: displayName, data };
}

function camel(s: string): string {
  const words = s.replace(/[^A-Za-z0-9 ]+/g, ' ').trim().split(/\s+/);
  return words.map((w, i) => (i === 0 ? w.toLowerCase() : w.charAt(0).toUpperCase() + w.slice(1).toLowerCase())).join('');
}
