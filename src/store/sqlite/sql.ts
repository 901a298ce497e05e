/**
 * All SQL of the SQLite backend: small named builders and statements. Values are always bound;
 * the only text pasted into SQL is the delimiter of a known export format and column expressions
 * chosen from a fixed table.
 */
import type { ExportField, ExportFormat, ActivityExportRequest } from '../../domain/export-request.js';
import { DELETE_LEAD_TYPE_ID } from '../../domain/activity-types.js';
import { DELIMITERS } from '../../domain/file-format.js';
import { attributesFileText, storedAttributesSql } from './file-text-columns.js';

/**
 * Stored text as file text, quoted like `quoteValue` in domain/file-format.ts: only when it holds
 * `"`, the delimiter, CR or LF (the OR stops at the first hit). format()'s %w doubles the `"` as
 * replace() would, in one pass and one allocation (1.7 % fewer instructions per line, callgrind;
 * docs/performance.md).
 */
export function quoted(column: string, delimiter: string): string {
  const d = delimiter === "'" ? "''''" : `'${delimiter}'`;
  return `CASE WHEN instr(${column}, '"') OR instr(${column}, ${d}) OR instr(${column}, char(10)) OR instr(${column}, char(13))
    THEN format('"%w"', ${column}) ELSE ${column} END`;
}

/** A field's file text as an SQL expression (`null` for a missing value, as the file format says). */
function fieldText(field: ExportField, delimiter: string): string {
  switch (field) {
    case 'marketoGUID': return 'guid';
    case 'leadId': return 'lead_id';
    case 'activityDate': return 'date_text'; // stored as files write it (file-text-columns.ts)
    case 'activityTypeId': return 'activity_type_id';
    case 'campaignId': return `coalesce(campaign_id, 'null')`;
    case 'primaryAttributeValueId': return `coalesce(pav_id, 'null')`;
    case 'primaryAttributeValue': return `coalesce(${quoted('pav', delimiter)}, 'null')`;
    case 'attributes': return attributesFileText(quoted('attributes', delimiter));
    case 'actionResult': return `coalesce(action_result, 'null')`;
    default: throw new Error(`unknown export field ${String(field)}`);
  }
}

/**
 * One expression that builds a whole data line (without its LF) inside SQLite: one format()
 * call, which joins the columns in one allocation where a chain of || makes one per column.
 */
export function lineExpression(fields: readonly ExportField[], format: ExportFormat): string {
  const delimiter = DELIMITERS[format];
  const text = fields.map(() => '%s').join(delimiter).replace(/'/g, "''");
  return `format('${text}', ${fields.map((f) => fieldText(f, delimiter)).join(', ')})`;
}

export interface FilterSql {
  where: string;
  params: unknown[];
}

/** The WHERE clause of an export. Lists are bound as one JSON array so the SQL text stays fixed. */
export function exportWhere(filter: ActivityExportRequest['filter']): FilterSql {
  const clauses = ['activity_date BETWEEN ? AND ?'];
  const params: unknown[] = [Math.ceil(filter.startMs / 1000), Math.floor(filter.endMs / 1000)];
  if (filter.activityTypeIds) {
    clauses.push('activity_type_id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(filter.activityTypeIds));
  } else {
    // Marketo never exports Delete Lead (type 37); asking for it by id is refused at create.
    clauses.push(`activity_type_id <> ${DELETE_LEAD_TYPE_ID}`);
  }
  if (filter.primaryAttributeValueIds) {
    clauses.push('pav_id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(filter.primaryAttributeValueIds));
  }
  if (filter.primaryAttributeValues) {
    // A name matches the stored value, or the id it resolved to through the asset catalog.
    clauses.push('(pav IN (SELECT value FROM json_each(?)) OR pav_id IN (SELECT value FROM json_each(?)))');
    params.push(JSON.stringify(filter.primaryAttributeValues), JSON.stringify(filter.resolvedPrimaryAttributeValueIds ?? []));
  }
  return { where: clauses.join(' AND '), params };
}

// Qualified: a bare `guid` would name selectRows' text alias and sort '10' before '9'.
export const ORDER = 'ORDER BY activity_date, activities.guid';

/** Rows per export chunk: measured best of 1024, 4096 and 16384 (docs/performance.md). */
export const CHUNK_ROWS = 4096;

/** Rows strictly after the key (@afterDate, @afterGuid) in file order. */
const AFTER_KEY = '(activity_date > @afterDate OR activities.guid > @afterGuid)';
/** Rows up to and including the key (@lastDate, @lastGuid) in file order. */
const UP_TO_KEY = '(activity_date < @lastDate OR (activity_date = @lastDate AND activities.guid <= @lastGuid))';
/** The export's window alone: what the (activity_date, rowid) index answers without reading a row. */
const WINDOW = 'activity_date BETWEEN ? AND ?';

export interface ExportChunkSql {
  /**
   * The key @skip + 1 rows of the window on from a key; no row when fewer remain. The window
   * alone (not the type and value filters), so the index answers it without reading a row.
   */
  runEnd: string;
  /** The lines of the selected rows between two keys, joined inside SQLite into one BLOB, and their count. */
  chunkUpTo: string;
  /** The same for every selected row after a key (the last chunk). */
  chunkRest: string;
  /** How many rows the window holds: the export's mark (index only). */
  windowRows: string;
}

/**
 * An export in chunks of whole lines, each built and joined in SQLite and handed to JS as one
 * UTF-8 BLOB: a string per row, then re-encoding it, cost more than building the lines
 * (docs/performance.md). Chunks are bounded by keys of the (activity_date, rowid) index, so each
 * query starts where the last one ended; a chunk holds the selected rows among CHUNK_ROWS rows
 * of the window. The first positional parameter (the window's start) is replaced by the chunk's
 * start date so the index range starts there too.
 */
export function exportChunkSql(request: ActivityExportRequest): ExportChunkSql {
  const { where } = exportWhere(request.filter);
  // group_concat follows the subquery's ORDER BY: SQLite keeps a FROM-clause subquery's ORDER BY
  // when the outer query uses an aggregate other than count(), min() or max().
  const chunk = (bound: string): string => `SELECT count(*) AS rows,
    CAST(group_concat(${lineExpression(request.fields, request.format)} || char(10), '') AS BLOB) AS bytes
    FROM (SELECT * FROM activities WHERE ${where} AND ${AFTER_KEY}${bound} ${ORDER})`;
  return {
    runEnd: `SELECT activity_date AS date, guid FROM activities WHERE ${WINDOW} AND ${AFTER_KEY} ${ORDER} LIMIT 1 OFFSET @skip`,
    chunkUpTo: chunk(` AND ${UP_TO_KEY}`),
    chunkRest: chunk(''),
    windowRows: `SELECT count(*) FROM activities WHERE ${WINDOW}`,
  };
}

/**
 * The stage's columns as the activities table takes them. The stage holds the attributes as JSON;
 * the copy turns them into their stored file form in SQLite's C (`storedAttributesSql`): doubling
 * the quotes in JavaScript cost the import about 1 µs a row more (0.80x to 0.83x raw INSERTs).
 */
const STAGED_COLUMNS = `guid, lead_id, activity_date, activity_type_id, campaign_id, pav_id, pav, ${storedAttributesSql('attributes')}, action_result, date_text`;

export const SQL = {
  createStage: `DROP TABLE IF EXISTS temp.import_stage;
    CREATE TEMP TABLE import_stage (guid INTEGER, lead_id INTEGER, activity_date INTEGER, activity_type_id INTEGER,
    campaign_id INTEGER, pav_id INTEGER, pav TEXT, attributes TEXT, action_result TEXT, date_text TEXT)`,
  /** `rows` rows a statement. */
  insertStage: (rows: number) => `INSERT INTO temp.import_stage VALUES ${Array(rows).fill('(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
  // ORDER BY guid appends in rowid order, the cheapest way into the table's b-tree.
  // Within one file the first line of a GUID wins (INSERT OR IGNORE keeps it; rowid is file order).
  copyStage: `INSERT OR IGNORE INTO activities SELECT ${STAGED_COLUMNS} FROM temp.import_stage ORDER BY guid, rowid`,
  /** When the stage is in GUID order already (rowid order), with no GUID twice. */
  copyOrderedStage: `INSERT OR IGNORE INTO activities SELECT ${STAGED_COLUMNS} FROM temp.import_stage`,
  dropStage: 'DROP TABLE IF EXISTS temp.import_stage',
  copyStageLeads: 'INSERT OR IGNORE INTO leads (id) SELECT DISTINCT lead_id FROM temp.import_stage',
  // Active leads and ids known from activities; deleted and merged leads are gone.
  knownLeads: 'SELECT id FROM leads WHERE id IN (SELECT value FROM json_each(?)) AND state IN (0, 3)',
  maxMarketoGuid: `SELECT coalesce(max(guid), 0) FROM activities WHERE guid < 4503599627370496`,
  /** `@attributes` is JSON, turned into its stored form here as in the import's copy (the other values are positional). */
  insertActivity: `INSERT INTO activities (guid, lead_id, activity_date, activity_type_id, campaign_id, pav_id, pav, attributes,
    action_result, date_text) VALUES (?, ?, ?, ?, ?, ?, ?, ${storedAttributesSql('@attributes')}, ?, ?)`,
  insertCustomType: 'INSERT INTO custom_activity_types (id, api_name, data) VALUES (?, ?, ?)',
  listCustomTypes: 'SELECT data FROM custom_activity_types ORDER BY id',
  maxCustomTypeId: 'SELECT max(id) FROM custom_activity_types',
  countActivities: 'SELECT count(*) FROM activities',
  countActivitiesByGuid: 'SELECT count(*) FROM activities WHERE guid BETWEEN ? AND ?',
  selectRows: `SELECT CAST(guid AS TEXT) AS guid, lead_id, activity_date, activity_type_id, campaign_id, pav_id, pav,
    attributes, action_result FROM activities`,

  putAsset: `INSERT OR REPLACE INTO assets (kind, id, name, qualified_name, data) VALUES (?, ?, ?, ?, ?)`,
  findAssetsByName: 'SELECT * FROM assets WHERE kind = ? AND name = ? ORDER BY id',
  getAsset: 'SELECT * FROM assets WHERE kind = ? AND id = ?',
  listAssets: 'SELECT * FROM assets WHERE kind = ? ORDER BY id',
  listAssetsAfter: 'SELECT * FROM assets WHERE kind = ? AND id > ? ORDER BY id LIMIT ?',
  resolveAssetIds: `SELECT id FROM assets WHERE kind = ? AND qualified_name IN (SELECT value FROM json_each(?)) ORDER BY id`,

  insertUser: `INSERT INTO users (client_id, name, role, secret_hash, disabled, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
  findUser: 'SELECT * FROM users WHERE client_id = ?',
  listUsers: 'SELECT * FROM users ORDER BY created_at, name',
  disableUser: 'UPDATE users SET disabled = 1 WHERE client_id = ?',

  findLiveToken: `SELECT * FROM tokens WHERE client_id = ? AND expires_at > ? ORDER BY expires_at DESC LIMIT 1`,
  insertToken: 'INSERT INTO tokens (token_hash, nonce, client_id, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)',
  findToken: 'SELECT * FROM tokens WHERE token_hash = ?',
  deleteTokensExpiredBefore: 'DELETE FROM tokens WHERE expires_at < ?',

  insertJob: `INSERT INTO jobs (export_id, owner, format, status, request, created_at, queued_at, started_at, finished_at,
    number_of_records, file_size, file_checksum, error_msg, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  getJob: 'SELECT * FROM jobs WHERE export_id = ?',
  countActive: `SELECT count(*) FROM jobs WHERE status IN ('Queued', 'Processing')`,
  countProcessing: `SELECT count(*) FROM jobs WHERE status = 'Processing'`,
  oldestQueued: `SELECT export_id FROM jobs WHERE status = 'Queued' ORDER BY queued_at, created_at, export_id LIMIT 1`,
  processingIds: `SELECT export_id FROM jobs WHERE status = 'Processing'`,
  requeue: `UPDATE jobs SET status = 'Queued', started_at = NULL, lease_owner = NULL, lease_expires_at = NULL
    WHERE export_id = ? AND status = 'Processing'`,
  requeueExpired: `UPDATE jobs SET status = 'Queued', started_at = NULL, lease_owner = NULL, lease_expires_at = NULL
    WHERE status = 'Processing' AND lease_expires_at < ?`,
  setLease: 'UPDATE jobs SET lease_owner = ?, lease_expires_at = ? WHERE export_id = ?',
  renewLease: `UPDATE jobs SET lease_expires_at = ? WHERE export_id = ? AND lease_owner = ? AND status = 'Processing'`,
  exportedBytesSince: `SELECT coalesce(sum(file_size), 0) FROM jobs WHERE status = 'Completed' AND finished_at >= ?`,
  jobOwnership: `SELECT export_id, status, finished_at, lease_owner, lease_expires_at FROM jobs
    WHERE export_id IN (SELECT value FROM json_each(?))`,
  deleteJobsEndedBefore: `DELETE FROM jobs WHERE coalesce(finished_at, created_at) < ?
    AND status NOT IN ('Queued', 'Processing')`,
  // The emulator's reset (resetData).
  countJobsByStatus: 'SELECT status, count(*) AS n FROM jobs GROUP BY status',
  deleteAllJobs: 'DELETE FROM jobs',
  deleteAllTokens: 'DELETE FROM tokens',
  deleteAllActivities: 'DELETE FROM activities',
  deleteAllLeadData: ['DELETE FROM list_members', 'DELETE FROM program_members', 'DELETE FROM leads'],

  countLeads: 'SELECT count(*) FROM leads WHERE state = 0',
  programStatusNames: `SELECT DISTINCT status_name FROM program_members WHERE program_id IN (SELECT value FROM json_each(?))
    ORDER BY status_name`,
  deleteAsset: 'DELETE FROM assets WHERE kind = ? AND id = ?',
  deleteListMembers: 'DELETE FROM list_members WHERE kind = ? AND list_id = ?',
  deleteProgramMembers: 'DELETE FROM program_members WHERE program_id = ?',
} as const;
