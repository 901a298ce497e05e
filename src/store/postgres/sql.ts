/**
 * All SQL of the PostgreSQL backend: small named builders and statements. Values are bound as
 * parameters, except inside COPY (which takes none): there only integers and JSON arrays of
 * integers or strings, rendered by `literal()`, are pasted, never raw client text.
 */
import type { Activity } from '../../domain/activity.js';
import type { ExportField, ExportFormat, ActivityExportRequest } from '../../domain/export-request.js';
import { DELETE_LEAD_TYPE_ID } from '../../domain/activity-types.js';
import { DELIMITERS } from '../../domain/file-format.js';
import type { ExportKey, ExportSlice } from '../store.js';

/** A SQL literal for a value COPY cannot bind: an integer, or text quoted with '' doubling. */
export function literal(v: number | string): string {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new Error(`not an integer: ${v}`);
    return String(v);
  }
  return `'${v.replaceAll("'", "''")}'`;
}

function columnExpression(field: ExportField): string {
  switch (field) {
    case 'marketoGUID': return 'guid';
    case 'leadId': return 'lead_id';
    case 'activityDate': return `to_char(to_timestamp(activity_date) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
    case 'activityTypeId': return 'activity_type_id';
    case 'campaignId': return 'campaign_id';
    case 'primaryAttributeValueId': return 'pav_id';
    // COPY quotes a value equal to its NULL string; the file format writes such a value bare,
    // exactly like a missing one, so map it to NULL first.
    case 'primaryAttributeValue': return `NULLIF(pav, 'null')`;
    case 'attributes': return 'attributes';
    case 'actionResult': return 'action_result';
    // Requests are validated on create; a stored one that names something else must fail loudly
    // (PostgreSQL would accept an empty select list and write empty lines).
    default: throw new Error(`unknown export field ${String(field)}`);
  }
}

/** The WHERE clause with values inlined as literals (COPY takes no parameters). */
export function exportWhere(filter: ActivityExportRequest['filter']): string {
  const clauses = [`activity_date BETWEEN ${literal(Math.ceil(filter.startMs / 1000))} AND ${literal(Math.floor(filter.endMs / 1000))}`];
  const ints = (xs: number[]) => `(${xs.map(literal).join(', ')})`;
  // Marketo never exports Delete Lead (type 37); asking for it by id is refused at create.
  clauses.push(filter.activityTypeIds ? `activity_type_id IN ${ints(filter.activityTypeIds)}` : `activity_type_id <> ${DELETE_LEAD_TYPE_ID}`);
  if (filter.primaryAttributeValueIds) clauses.push(`pav_id IN ${ints(filter.primaryAttributeValueIds)}`);
  if (filter.primaryAttributeValues) {
    const names = `(${filter.primaryAttributeValues.map(literal).join(', ')})`;
    const ids = filter.resolvedPrimaryAttributeValueIds ?? [];
    clauses.push(ids.length ? `(pav IN ${names} OR pav_id IN ${ints(ids)})` : `pav IN ${names}`);
  }
  return clauses.join(' AND ');
}

/**
 * The export as one COPY: PostgreSQL's CSV writer quotes exactly when a value holds the
 * delimiter, `"`, CR or LF, doubles quotes, and writes NULL as the bare word `null`: the file
 * format, for all three delimiters.
 */
export function exportCopy(request: ActivityExportRequest, slice: ExportSlice = {}): string {
  const d = DELIMITERS[request.format as ExportFormat];
  const columns = request.fields.map(columnExpression).join(', ');
  return `COPY (SELECT ${columns} FROM activities WHERE ${exportWhere(request.filter)}${sliceWhere(slice)} ORDER BY activity_date, guid)
    TO STDOUT (FORMAT csv, DELIMITER ${literal(d)}, NULL 'null')`;
}

/** A slice's bounds as extra WHERE terms (literals: COPY takes no parameters). */
function sliceWhere(slice: ExportSlice): string {
  const key = (k: ExportKey): string => {
    if (!/^-?[0-9]{1,19}$/.test(k.guid)) throw new Error(`not a GUID: ${k.guid}`);
    return `(${literal(k.dateSec)}, ${literal(k.guid)}::bigint)`;
  };
  return (slice.after ? ` AND (activity_date, guid) > ${key(slice.after)}` : '') +
    (slice.upTo ? ` AND (activity_date, guid) <= ${key(slice.upTo)}` : '');
}

/** The number of rows an export selects (its mark). */
export function exportCount(filter: ActivityExportRequest['filter']): string {
  return `SELECT count(*)::int AS n FROM activities WHERE ${exportWhere(filter)}`;
}

/** The oracle path reads pages by key, so memory stays flat however large the selection. */
export function exportRowsPage(filter: ActivityExportRequest['filter']): string {
  return `SELECT guid::text AS guid, lead_id, activity_date, activity_type_id, campaign_id, pav_id, pav, attributes, action_result
    FROM activities WHERE ${exportWhere(filter)} AND (activity_date, guid) > ($1::bigint, $2::bigint)
    ORDER BY activity_date, activities.guid LIMIT $3`; // activities.guid: the bigint column, not the text alias
}

/** A value in COPY's text format: `\\N` for NULL, backslash escapes for backslash, tab, LF and CR. */
export function copyText(v: string | number | null): string {
  if (v === null) return '\\N';
  if (typeof v === 'number') return String(v);
  return v.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
}

/** One activity as a line of COPY's text format: tab separated. */
export function copyTextLine(a: Activity): string {
  return [a.marketoGUID, a.leadId, a.activityDate / 1000, a.activityTypeId, a.campaignId, a.primaryAttributeValueId,
    a.primaryAttributeValue, a.attributes, a.actionResult].map(copyText).join('\t') + '\n';
}

/** The activity columns in table order, as `copyTextLine` writes them. */
const ACTIVITY_COLUMNS = 'guid, lead_id, activity_date, activity_type_id, campaign_id, pav_id, pav, attributes, action_result';

export const SQL = {
  // `line` numbers the rows in the order they came, so the first of a repeated GUID can win.
  createStage: `CREATE TEMP TABLE import_stage (guid bigint, lead_id bigint, activity_date bigint, activity_type_id integer,
    campaign_id bigint, pav_id bigint, pav text, attributes text, action_result text, line bigint GENERATED ALWAYS AS IDENTITY) ON COMMIT DROP`,
  copyStage: `COPY import_stage (${ACTIVITY_COLUMNS}) FROM STDIN`,
  stageMonths: `SELECT DISTINCT extract(epoch FROM date_trunc('month', to_timestamp(activity_date) AT TIME ZONE 'UTC'))::bigint AS start
    FROM import_stage`,
  copyStageLeads: 'INSERT INTO leads (id) SELECT DISTINCT lead_id FROM import_stage ON CONFLICT DO NOTHING',
  // DISTINCT ON keeps the first line of a GUID repeated in the file (as SQLite does); NOT EXISTS
  // drops those stored before.
  copyStageActivities: `INSERT INTO activities (${ACTIVITY_COLUMNS})
    SELECT DISTINCT ON (s.guid) ${ACTIVITY_COLUMNS.split(', ').map((c) => `s.${c}`).join(', ')} FROM import_stage s
    WHERE NOT EXISTS (SELECT 1 FROM activities a WHERE a.guid = s.guid) ORDER BY s.guid, s.line`,
  // The stage in strictly rising GUID order has no GUID twice: nothing to pick, nothing to sort.
  copyOrderedStageActivities: `INSERT INTO activities (${ACTIVITY_COLUMNS})
    SELECT ${ACTIVITY_COLUMNS.split(', ').map((c) => `s.${c}`).join(', ')} FROM import_stage s
    WHERE NOT EXISTS (SELECT 1 FROM activities a WHERE a.guid = s.guid)`,
  countStage: 'SELECT count(*)::int AS n FROM import_stage',
  countActivities: 'SELECT count(*)::int AS n FROM activities',
  countActivitiesByGuid: 'SELECT count(*)::int AS n FROM activities WHERE guid BETWEEN $1::bigint AND $2::bigint',
  // Active leads and ids known from activities; deleted and merged leads are gone.
  knownLeads: 'SELECT id FROM leads WHERE id = ANY($1::bigint[]) AND state IN (0, 3)',
  maxMarketoGuid: 'SELECT coalesce(max(guid), 0)::text AS max FROM activities WHERE guid < 4503599627370496',

  insertUser: 'INSERT INTO users (client_id, name, role, secret_hash, disabled, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
  findUser: 'SELECT * FROM users WHERE client_id = $1',
  listUsers: 'SELECT * FROM users ORDER BY created_at, name',
  disableUser: 'UPDATE users SET disabled = true WHERE client_id = $1',
  findLiveToken: 'SELECT * FROM tokens WHERE client_id = $1 AND expires_at > $2 ORDER BY expires_at DESC LIMIT 1',
  insertToken: 'INSERT INTO tokens (token_hash, nonce, client_id, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
  deleteTokensExpiredBefore: 'DELETE FROM tokens WHERE expires_at < $1',
  findToken: 'SELECT * FROM tokens WHERE token_hash = $1',

  putAsset: `INSERT INTO assets (kind, id, name, qualified_name, data) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (kind, id) DO UPDATE SET name = EXCLUDED.name, qualified_name = EXCLUDED.qualified_name, data = EXCLUDED.data`,
  findAssetsByName: 'SELECT * FROM assets WHERE kind = $1 AND name = $2 ORDER BY id',
  getAsset: 'SELECT * FROM assets WHERE kind = $1 AND id = $2',
  listAssets: 'SELECT * FROM assets WHERE kind = $1 ORDER BY id',
  listAssetsAfter: 'SELECT * FROM assets WHERE kind = $1 AND id > $2 ORDER BY id LIMIT $3',
  resolveAssetIds: 'SELECT id FROM assets WHERE kind = $1 AND qualified_name = ANY($2::text[]) ORDER BY id',
  insertCustomType: 'INSERT INTO custom_activity_types (id, api_name, data) VALUES ($1, $2, $3)',
  listCustomTypes: 'SELECT data FROM custom_activity_types ORDER BY id',
  maxCustomTypeId: 'SELECT max(id) AS max FROM custom_activity_types',

  insertJob: `INSERT INTO jobs (export_id, owner, format, status, request, created_at, queued_at, started_at, finished_at,
    number_of_records, file_size, file_checksum, error_msg, kind) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
  getJob: 'SELECT * FROM jobs WHERE export_id = $1',
  getJobForUpdate: 'SELECT * FROM jobs WHERE export_id = $1 FOR UPDATE',
  countActive: `SELECT count(*)::int AS n FROM jobs WHERE status IN ('Queued', 'Processing')`,
  countProcessing: `SELECT count(*)::int AS n FROM jobs WHERE status = 'Processing'`,
  // SKIP LOCKED: a claimer never waits on a row another claimer holds.
  oldestQueued: `SELECT export_id FROM jobs WHERE status = 'Queued' ORDER BY queued_at, created_at, export_id
    LIMIT 1 FOR UPDATE SKIP LOCKED`,
  processingIds: `SELECT export_id FROM jobs WHERE status = 'Processing'`,
  requeue: `UPDATE jobs SET status = 'Queued', started_at = NULL, lease_owner = NULL, lease_expires_at = NULL
    WHERE export_id = ANY($1::text[]) AND status = 'Processing'`,
  requeueExpired: `UPDATE jobs SET status = 'Queued', started_at = NULL, lease_owner = NULL, lease_expires_at = NULL
    WHERE status = 'Processing' AND lease_expires_at < $1`,
  setLease: 'UPDATE jobs SET lease_owner = $1, lease_expires_at = $2 WHERE export_id = $3',
  renewLeases: `UPDATE jobs SET lease_expires_at = $1 WHERE export_id = ANY($2::text[]) AND lease_owner = $3 AND status = 'Processing'
    RETURNING export_id`,
  exportedBytesSince: `SELECT coalesce(sum(file_size), 0)::bigint AS n FROM jobs WHERE status = 'Completed' AND finished_at >= $1`,
  jobOwnership: `SELECT export_id, status, finished_at, lease_owner, lease_expires_at FROM jobs
    WHERE export_id = ANY($1::text[])`,
  deleteJobsEndedBefore: `DELETE FROM jobs WHERE coalesce(finished_at, created_at) < $1 AND status NOT IN ('Queued', 'Processing')`,
  // The emulator's reset (resetData). Activities are counted first: TRUNCATE reports no row count.
  countJobsByStatus: 'SELECT status, count(*)::int AS n FROM jobs GROUP BY status',
  deleteAllJobs: 'DELETE FROM jobs',
  deleteAllTokens: 'DELETE FROM tokens',
  truncateActivities: 'TRUNCATE activities, leads, list_members, program_members',
  countLeads: 'SELECT count(*)::int AS n FROM leads WHERE state = 0',
  programStatusNames: 'SELECT DISTINCT status_name FROM program_members WHERE program_id = ANY($1::bigint[]) ORDER BY status_name',
  deleteAsset: 'DELETE FROM assets WHERE kind = $1 AND id = $2',
  deleteListMembers: 'DELETE FROM list_members WHERE kind = $1 AND list_id = $2',
  deleteProgramMembers: 'DELETE FROM program_members WHERE program_id = $1',
} as const;

/** Job limits (queue, processing) are checked and acted on under this transaction-scoped lock. */
export const JOB_LIMIT_LOCK = 7_311_001;
/** Partition creation and imports are serialised under this one. */
export const IMPORT_LOCK = 7_311_002;
