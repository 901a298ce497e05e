/** SQLite schema, applied in order; `PRAGMA user_version` records how far a file has come. */
import { MIGRATE_ADD_DATE_TEXT, MIGRATE_ATTRIBUTES_TO_FILE_FORM } from './file-text-columns.js';

export const MIGRATIONS: string[] = [
  `
  CREATE TABLE activities (
    guid INTEGER PRIMARY KEY,            -- marketoGUID; rowid order is numeric order
    lead_id INTEGER NOT NULL,
    activity_date INTEGER NOT NULL,      -- epoch seconds, UTC
    activity_type_id INTEGER NOT NULL,
    campaign_id INTEGER,
    pav_id INTEGER,
    pav TEXT,
    attributes TEXT NOT NULL,            -- the JSON object text (file form since the last migration)
    action_result TEXT
  );
  -- The index key (activity_date, rowid) is exactly the file order, so exports never sort.
  CREATE INDEX activities_by_date ON activities(activity_date);

  CREATE TABLE users (
    client_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  );

  CREATE TABLE tokens (
    token TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX tokens_by_client ON tokens(client_id, expires_at);

  CREATE TABLE jobs (
    export_id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    format TEXT NOT NULL,
    status TEXT NOT NULL,
    request TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    queued_at INTEGER,
    started_at INTEGER,
    finished_at INTEGER,
    number_of_records INTEGER,
    file_size INTEGER,
    file_checksum TEXT,
    error_msg TEXT
  );
  CREATE INDEX jobs_by_status ON jobs(status, queued_at);
  CREATE INDEX jobs_by_owner ON jobs(owner, created_at);
  CREATE INDEX jobs_by_finish ON jobs(finished_at);
  `,
  `
  -- The asset catalog: look-ups by name and id, and primaryAttributeValues name resolution.
  CREATE TABLE assets (
    kind TEXT NOT NULL,                  -- program, staticList, form, leadField
    id INTEGER NOT NULL,
    name TEXT NOT NULL,
    qualified_name TEXT NOT NULL,        -- <program>.<asset> inside a program, else the name
    data TEXT NOT NULL,                  -- Marketo's look-up shape, JSON
    PRIMARY KEY (kind, id)
  );
  CREATE INDEX assets_by_name ON assets(kind, name);
  CREATE INDEX assets_by_qualified_name ON assets(kind, qualified_name);
  `,
  `
  -- Leads known to the instance (every imported activity's lead); custom activities need one.
  CREATE TABLE leads (id INTEGER PRIMARY KEY);
  INSERT OR IGNORE INTO leads (id) SELECT DISTINCT lead_id FROM activities;

  CREATE TABLE custom_activity_types (
    id INTEGER PRIMARY KEY,
    api_name TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL                   -- the CustomActivityType, JSON
  );
  `,
  `
  -- Who runs a Processing job, and until when the claim holds without renewal.
  ALTER TABLE jobs ADD COLUMN lease_owner TEXT;
  ALTER TABLE jobs ADD COLUMN lease_expires_at INTEGER;
  `,
  `
  -- Tokens only as a digest (and the nonce that gives the token again with the client's secret).
  -- Tokens issued before are dropped, not hashed: their clients get 601 and ask for a new one,
  -- and no row that once held a token in clear stays live (docs/decisions/2026-12-03-token-storage.md).
  DROP TABLE tokens;
  CREATE TABLE tokens (
    token_hash TEXT PRIMARY KEY,         -- SHA-256 of the token, hex
    nonce TEXT NOT NULL,
    client_id TEXT NOT NULL,
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX tokens_by_client ON tokens(client_id, expires_at);
  `,
  `
  -- Every bulk export kind shares the jobs table (one queue, one quota); lists show one kind.
  ALTER TABLE jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'activities';
  CREATE INDEX jobs_by_owner_kind ON jobs(owner, kind, created_at);
  `,
  `
  -- Leads (lead ids known only from activities stay stubs, state 3). Field values are file text in
  -- columns f_<name>, added as fields join the schema (lead-data.ts ensureColumns).
  ALTER TABLE leads ADD COLUMN created_at INTEGER;          -- epoch seconds
  ALTER TABLE leads ADD COLUMN updated_at INTEGER;          -- the visible updatedAt
  ALTER TABLE leads ADD COLUMN last_change_at INTEGER;      -- what the updatedAt filter compares
  ALTER TABLE leads ADD COLUMN state INTEGER NOT NULL DEFAULT 3;  -- 0 active, 1 deleted, 2 merged, 3 stub
  ALTER TABLE leads ADD COLUMN merged_into INTEGER;

  CREATE TABLE list_members (
    kind TEXT NOT NULL,                  -- static or smart
    list_id INTEGER NOT NULL,
    lead_id INTEGER NOT NULL,
    PRIMARY KEY (kind, list_id, lead_id)
  ) WITHOUT ROWID;
  CREATE INDEX list_members_by_lead ON list_members(kind, lead_id);

  -- The primary key is the file order within a program.
  CREATE TABLE program_members (
    program_id INTEGER NOT NULL,
    lead_id INTEGER NOT NULL,
    status_name TEXT NOT NULL,
    is_exhausted INTEGER,                -- 0, 1 or null
    nurture_cadence TEXT,                -- paus, norm or null
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (program_id, lead_id)
  ) WITHOUT ROWID;
  `,
  // Attributes holding `"` are kept in their file form, and the date as files write it (file-text-columns.ts).
  MIGRATE_ATTRIBUTES_TO_FILE_FORM,
  MIGRATE_ADD_DATE_TEXT,
];
