/**
 * The record kinds `tidemark import` loads from NDJSON or a Marketo export file: activities,
 * leads and program members. Each says how to read a record (with what it needs from the store:
 * the schemas, the catalog's lists and programs), how to store a batch, and how to sum it up.
 */
import { parseActivityRecord } from '../domain/activity.js';
import type { NulCounter } from '../domain/field-values.js';
import { parseLeadRecord } from '../domain/lead-record.js';
import { buildLeadSchema } from '../domain/lead-schema.js';
import { parseMemberRecord } from '../domain/program-member-record.js';
import { buildMemberSchema } from '../domain/program-member-schema.js';
import type { Store } from '../store/store.js';
import { ACTIVITY_COLUMNS, type ColumnRules } from './import-sources.js';

export type Parsed<R> = { ok: true; record: R } | { ok: false; reason: string };

export interface RecordReader<R> {
  columns: ColumnRules;
  parse(raw: unknown, nul: NulCounter): Parsed<R>;
}

export interface ImportKind<R> {
  /** Loads what reading needs from the store. */
  reader(store: Store): Promise<RecordReader<R>>;
  /** Stores the records (in batches) all-or-nothing; the summary's first parts, in words and as counts (`--json`). */
  write(store: Store, records: AsyncIterable<R[]>): Promise<{ parts: string[]; counts: Record<string, number> }>;
}

/** A text column as it stands; the parsers read field values from text by their data type. */
const asText = (known: (name: string) => boolean): ColumnRules => ({ known, value: (_name, text) => text });

const activities: ImportKind<unknown> = {
  async reader() {
    return {
      columns: ACTIVITY_COLUMNS,
      parse(raw, nul) {
        const r = parseActivityRecord(raw);
        if (!r.ok) return r;
        nul.nulBytes += r.nulBytes;
        return { ok: true, record: r.activity };
      },
    };
  },
  async write(store, records) {
    const r = await store.importActivities(records as AsyncIterable<never>);
    return { parts: [`imported ${r.inserted} activities`, `${r.duplicates} already present`], counts: { imported: r.inserted, duplicates: r.duplicates } };
  },
};

const leads: ImportKind<unknown> = {
  async reader(store) {
    const schema = buildLeadSchema((await store.listAssets('leadField')).map((a) => a.data));
    const ids = async (kind: 'staticList' | 'smartList') => new Set((await store.listAssets(kind)).map((a) => a.id));
    const ctx = { schema, staticLists: await ids('staticList'), smartLists: await ids('smartList') };
    return {
      // A Marketo lead export file's header holds lead field names.
      columns: asText((name) => schema.byName.has(name)),
      parse(raw, nul) {
        const r = parseLeadRecord(raw, ctx, nul);
        return r.ok ? { ok: true, record: r.lead } : r;
      },
    };
  },
  async write(store, records) {
    const r = await store.importLeads(records as AsyncIterable<never>);
    return { parts: [`imported ${r.inserted} new leads`, `${r.updated} updated`], counts: { imported: r.inserted, updated: r.updated } };
  },
};

const programMembers: ImportKind<unknown> = {
  async reader(store) {
    const schema = buildMemberSchema((await store.listAssets('programMemberField')).map((a) => a.data));
    const leadSchema = buildLeadSchema((await store.listAssets('leadField')).map((a) => a.data));
    const programs = new Map((await store.listAssets('program')).map((a) => [a.id, a.name]));
    return {
      // A program member export file mixes member and lead fields; lead fields are ignored.
      columns: asText((name) => schema.byName.has(name) || leadSchema.byName.has(name)),
      parse(raw, nul) {
        const r = parseMemberRecord(raw, { schema, leadSchema, programs }, nul);
        return r.ok ? { ok: true, record: r.member } : r;
      },
    };
  },
  async write(store, records) {
    const r = await store.importProgramMembers(records as AsyncIterable<never>);
    return { parts: [`imported ${r.inserted} new program members`, `${r.updated} updated`], counts: { imported: r.inserted, updated: r.updated } };
  },
};

export const IMPORT_KINDS: Readonly<Record<string, ImportKind<unknown>>> = { activities, leads, 'program-members': programMembers };
