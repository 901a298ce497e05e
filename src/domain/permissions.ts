/**
 * API user permissions, named after Marketo's API role permissions. A user's role is one name or
 * a comma-separated list (`read-only-activity,read-only-assets`); `none` grants nothing. Pure.
 */
export const PERMISSIONS = [
  'read-only-activity', 'read-write-activity', 'read-only-assets', 'read-write-assets', 'read-only-lead', 'read-write-lead',
  'read-only-campaigns', 'read-write-campaigns',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * What a route needs: read needs the read-only or the read-write permission, write the read-write
 * one; `token` needs only a valid token (Marketo's usage statistics, notes Q21).
 */
export type Access = 'activity-read' | 'activity-write' | 'assets-read' | 'lead-read' | 'campaigns-read' | 'token';

/** The permissions a role text grants, or undefined when it names something unknown. */
export function parseRole(role: string): Permission[] | undefined {
  const parts = role.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) return undefined;
  if (parts.length === 1 && parts[0] === 'none') return [];
  if (!parts.every((p) => (PERMISSIONS as readonly string[]).includes(p))) return undefined;
  return parts as Permission[];
}

export function allows(role: string, access: Access): boolean {
  if (access === 'token') return true;
  const perms = parseRole(role) ?? [];
  const [area, mode] = access.split('-') as ['activity' | 'assets' | 'lead' | 'campaigns', 'read' | 'write'];
  return perms.includes(`read-write-${area}`) || (mode === 'read' && perms.includes(`read-only-${area}`));
}
