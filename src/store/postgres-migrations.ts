import type pg from 'pg';
import { reviewedMigration } from './postgres-reviewed-tables.js';

/** One step of the PostgreSQL schema: applied once, in order, and recorded with its version. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The schema, step by step. Never edit a shipped step: add the next one. Keys and names that
 * lists are ordered by are `COLLATE "C"`, so they sort by bytes as SQLite's do; times are
 * BIGINT milliseconds; JSON is TEXT, so it reads back exactly as written (JSONB would refuse
 * `\u0000` and reorder keys); blobs are BYTEA, since a model's output may hold a NUL that TEXT
 * refuses; budget tokens are DOUBLE PRECISION like the estimates they hold.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'tasks with leases, events, journal, blobs, performance history, budget ledger',
    sql: `
CREATE TABLE tasks (
  id TEXT COLLATE "C" PRIMARY KEY,
  status TEXT NOT NULL,
  machine_version INTEGER NOT NULL,
  input TEXT NOT NULL,
  snapshot TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  lease_owner TEXT,
  lease_token BIGINT NOT NULL DEFAULT 0,
  lease_expires_at BIGINT
);
CREATE INDEX tasks_by_status ON tasks (status, created_at);
CREATE TABLE events (
  task_id TEXT COLLATE "C" NOT NULL,
  seq INTEGER NOT NULL,
  event TEXT,
  at BIGINT NOT NULL,
  PRIMARY KEY (task_id, seq)
);
CREATE TABLE journal (
  task_id TEXT COLLATE "C" NOT NULL,
  request_id TEXT COLLATE "C" NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  data TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (task_id, request_id, seq)
);
CREATE TABLE blobs (
  hash TEXT COLLATE "C" PRIMARY KEY,
  content BYTEA NOT NULL
);
CREATE TABLE performance (
  model TEXT COLLATE "C" NOT NULL,
  task_type TEXT COLLATE "C" NOT NULL,
  attempts BIGINT NOT NULL,
  approvals BIGINT NOT NULL,
  rejections BIGINT NOT NULL,
  failures BIGINT NOT NULL,
  escalations BIGINT NOT NULL,
  later_attempts BIGINT NOT NULL,
  later_approvals BIGINT NOT NULL,
  quality_sum DOUBLE PRECISION NOT NULL,
  reviews BIGINT NOT NULL,
  latency_ms DOUBLE PRECISION NOT NULL,
  input_tokens BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL,
  cost_usd DOUBLE PRECISION NOT NULL,
  max_call_tokens BIGINT NOT NULL,
  PRIMARY KEY (model, task_type)
);
CREATE TABLE budget_usage (
  budget_window TEXT COLLATE "C" NOT NULL,
  scope TEXT COLLATE "C" NOT NULL,
  tokens DOUBLE PRECISION NOT NULL,
  usd DOUBLE PRECISION NOT NULL,
  reserved_tokens DOUBLE PRECISION NOT NULL,
  reserved_usd DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (budget_window, scope)
);
CREATE TABLE budget_reservations (
  id TEXT COLLATE "C" NOT NULL,
  scope TEXT COLLATE "C" NOT NULL,
  budget_window TEXT COLLATE "C" NOT NULL,
  tokens DOUBLE PRECISION NOT NULL,
  usd DOUBLE PRECISION NOT NULL,
  at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (id, scope)
);
CREATE INDEX budget_reservations_by_expiry ON budget_reservations (expires_at);
`,
  },
  {
    version: 2,
    name: 'task sources: the source key of a task (unique), reports to sources, source health',
    sql: `
ALTER TABLE tasks ADD COLUMN source_key TEXT COLLATE "C";
CREATE UNIQUE INDEX tasks_by_source_key ON tasks (source_key);
CREATE TABLE task_reports (
  task_id TEXT COLLATE "C" NOT NULL,
  step TEXT COLLATE "C" NOT NULL,
  owner TEXT,
  expires_at BIGINT,
  tries INTEGER NOT NULL,
  done_at BIGINT,
  error TEXT,
  PRIMARY KEY (task_id, step)
);
CREATE TABLE source_health (
  source TEXT COLLATE "C" NOT NULL,
  owner TEXT COLLATE "C" NOT NULL,
  at BIGINT NOT NULL,
  health TEXT NOT NULL,
  PRIMARY KEY (source, owner)
);
`,
  },
  reviewedMigration,
];

/**
 * The first key of the store's advisory locks (`pg_advisory_xact_lock(class, key)`), one per
 * kind of thing locked, so they neither meet each other's keys nor another program's.
 */
export const lockClass = {
  migrations: 0x43544f01,
  journal: 0x43544f02,
  budget: 0x43544f03,
} as const;

/**
 * Brings the schema (the first of the connection's `search_path`) up to the last migration,
 * in one transaction under an advisory lock for that schema: processes starting together wait
 * for the first and then find nothing left to do. Returns the versions this call applied.
 *
 * @example
 * const applied = await migrate(client); // [1] on an empty schema, [] after
 */
export async function migrate(
  client: pg.ClientBase,
  steps: readonly Migration[] = migrations,
  now: () => number = Date.now,
): Promise<number[]> {
  await client.query('BEGIN');
  try {
    await client.query(
      "SELECT pg_advisory_xact_lock($1, hashtext(COALESCE(current_schema(), '')))",
      [lockClass.migrations],
    );
    // Created only when missing: a role that may use the tables but not create any still opens.
    const { rows } = await client.query<{ found: string | null }>(
      "SELECT to_regclass(quote_ident(current_schema()) || '.schema_migrations')::text AS found",
    );
    if (rows[0]?.found == null) {
      await client.query(
        'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
      );
    }
    const done = new Set(
      (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
        (row) => row.version,
      ),
    );
    const applied: number[] = [];
    for (const step of [...steps].sort((a, b) => a.version - b.version)) {
      if (done.has(step.version)) continue;
      await client.query(step.sql).catch((error: Error) => {
        throw new Error(`migration ${step.version} (${step.name}) failed: ${error.message}`);
      });
      await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
        step.version,
        now(),
      ]);
      applied.push(step.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
