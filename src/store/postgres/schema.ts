/**
 * PostgreSQL schema, applied in order under an advisory lock; `schema_version` records how far a
 * schema has come. Times are epoch milliseconds, activity dates epoch seconds (as in SQLite), so
 * both backends share the domain's numbers.
 */
export const MIGRATIONS: string[] = [
  `
  -- Range-partitioned by month of activity_date; partitions are created on import (ensurePartitions).
  CREATE TABLE activities (
    guid bigint NOT NULL,
    lead_id bigint NOT NULL,
    activity_date bigint NOT NULL,
    activity_type_id integer NOT NULL,
    campaign_id bigint,
    pav_id bigint,
    pav text,
    attributes text NOT NULL,
    action_result text
  ) PARTITION BY RANGE (activity_date);
  -- (activity_date, guid) is the file order; guid alone answers "is this GUID stored yet?".
  CREATE INDEX activities_by_date ON activities (activity_date, guid);
  CREATE INDEX activities_by_guid ON activities (guid);

  CREATE TABLE leads (id bigint PRIMARY KEY);

  CREATE TABLE users (
    client_id text PRIMARY KEY,
    name text NOT NULL,
    role text NOT NULL,
    secret_hash text NOT NULL,
    disabled boolean NOT NULL DEFAULT false,
    created_at bigint NOT NULL
  );

  CREATE TABLE tokens (
    token text PRIMARY KEY,
    client_id text NOT NULL,
    issued_at bigint NOT NULL,
    expires_at bigint NOT NULL
  );
  CREATE INDEX tokens_by_client ON tokens (client_id, expires_at);

  CREATE TABLE jobs (
    export_id text PRIMARY KEY,
    owner text NOT NULL,
    format text NOT NULL,
    status text NOT NULL,
    request text NOT NULL,
    created_at bigint NOT NULL,
    queued_at bigint,
    started_at bigint,
    finished_at bigint,
    number_of_records bigint,
    file_size bigint,
    file_checksum text,
    error_msg text
  );
  CREATE INDEX jobs_by_status ON jobs (status, queued_at);
  CREATE INDEX jobs_by_owner ON jobs (owner, created_at);
  CREATE INDEX jobs_by_finish ON jobs (finished_at);

  CREATE TABLE assets (
    kind text NOT NULL,
    id bigint NOT NULL,
    name text NOT NULL,
    qualified_name text NOT NULL,
    data text NOT NULL,
    PRIMARY KEY (kind, id)
  );
  CREATE INDEX assets_by_name ON assets (kind, name);
  CREATE INDEX assets_by_qualified_name ON assets (kind, qualified_name);

  CREATE TABLE custom_activity_types (
    id integer PRIMARY KEY,
    api_name text NOT NULL UNIQUE,
    data text NOT NULL
  );
  `,
  `
  -- Who runs a Processing job, and until when the claim holds without renewal (wall-clock ms).
  ALTER TABLE jobs ADD COLUMN lease_owner text;
  ALTER TABLE jobs ADD COLUMN lease_expires_at bigint;
  `,
  `
  -- Call limits shared by every api process: one row a call (kept a day), one row a call in flight.
  CREATE TABLE api_calls (at bigint NOT NULL, user_name text NOT NULL);
  CREATE INDEX api_calls_by_time ON api_calls (at);
  CREATE TABLE calls_in_flight (ticket text PRIMARY KEY, since bigint NOT NULL);
  `,
  `
  -- Tokens only as a digest (and the nonce that gives the token again with the client's secret).
  -- Tokens issued before are dropped, not hashed: their clients get 601 and ask for a new one,
  -- and no row that once held a token in clear stays live (docs/decisions/2026-12-03-token-storage.md).
  DROP TABLE tokens;
  CREATE TABLE tokens (
    token_hash text PRIMARY KEY,
    nonce text NOT NULL,
    client_id text NOT NULL,
    issued_at bigint NOT NULL,
    expires_at bigint NOT NULL
  );
  CREATE INDEX tokens_by_client ON tokens (client_id, expires_at);
  `,
  `
  -- Every bulk export kind shares the jobs table (one queue, one quota); lists show one kind.
  ALTER TABLE jobs ADD COLUMN kind text NOT NULL DEFAULT 'activities';
  CREATE INDEX jobs_by_owner_kind ON jobs (owner, kind, created_at);
  `,
  `
  -- Leads (lead ids known only from activities stay stubs, state 3). Field values are file text in
  -- columns f_<name>, added as fields join the schema (lead-data.ts ensureColumns).
  ALTER TABLE leads ADD COLUMN created_at bigint, ADD COLUMN updated_at bigint, ADD COLUMN last_change_at bigint,
    ADD COLUMN state smallint NOT NULL DEFAULT 3, ADD COLUMN merged_into bigint;

  CREATE TABLE list_members (
    kind text NOT NULL,
    list_id bigint NOT NULL,
    lead_id bigint NOT NULL,
    PRIMARY KEY (kind, list_id, lead_id)
  );
  CREATE INDEX list_members_by_lead ON list_members (kind, lead_id);

  CREATE TABLE program_members (
    program_id bigint NOT NULL,
    lead_id bigint NOT NULL,
    status_name text NOT NULL,
    is_exhausted smallint,
    nurture_cadence text,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    PRIMARY KEY (program_id, lead_id)
  );
  `,
];
