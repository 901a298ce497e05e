/** The lead and program member schemas as the catalog in the store makes them (one schema each, see domain). */
import { buildLeadSchema, type LeadSchema } from '../../domain/lead-schema.js';
import { buildMemberSchema, type MemberSchema } from '../../domain/program-member-schema.js';
import type { Store } from '../../store/store.js';

/** @example const schema = await loadLeadSchema(store); schema.byName.get('email') */
export async function loadLeadSchema(store: Store): Promise<LeadSchema> {
  return buildLeadSchema((await store.listAssets('leadField')).map((a) => a.data));
}

/** @example const schema = await loadMemberSchema(store); schema.byName.get('statusName') */
export async function loadMemberSchema(store: Store): Promise<MemberSchema> {
  return buildMemberSchema((await store.listAssets('programMemberField')).map((a) => a.data));
}
