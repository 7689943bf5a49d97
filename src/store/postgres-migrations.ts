import type pg from 'pg';
import { reviewedMigration } from './postgres-reviewed-tables.js';

/** One step of the PostgreSQL schema: applied once, in order, and recorded with its version. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

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
  {
    version: 4,
    name: 'budget work of a commit in one call: settlements, then reservations checked in order',
    sql: budgetCommitFunction(),
  },
  {
    version: 5,
    name: "each task's lease in a row of its own: claims, heartbeats and releases leave the task row be",
    // The old columns are dropped, so a process of the version before fails at once rather
    // than claim by them. The lease row is made with its task and kept after it ends, so a
    // task's fencing token only ever grows.
    sql: `
CREATE TABLE task_leases (
  task_id TEXT COLLATE "C" PRIMARY KEY,
  owner TEXT,
  token BIGINT NOT NULL,
  expires_at BIGINT
);
INSERT INTO task_leases (task_id, owner, token, expires_at)
SELECT id, lease_owner, lease_token, lease_expires_at FROM tasks;
ALTER TABLE tasks DROP COLUMN lease_owner, DROP COLUMN lease_token, DROP COLUMN lease_expires_at;
`,
  },
];

/**
 * `cto_commit_budget`: a batch's settlements (one row per scope) and then its reservations (one
 * row per scope, in order), written in one round trip at the end of the batch's transaction.
 * It takes the advisory lock of every (window, scope) it touches in one sorted pass (a row not
 * there yet is covered too, and no two transactions wait on each other in a circle), so the
 * group's row is held only from here to the commit. Settled and replaced reservations stop
 * counting; a reservation that would take a scope past a limit drops that scope's expired
 * reservations and checks once more, and if still over is refused alone: its row comes back.
 */
function budgetCommitFunction(): string {
  const addUsage = `ON CONFLICT (budget_window, scope) DO UPDATE SET
      tokens = budget_usage.tokens + excluded.tokens, usd = budget_usage.usd + excluded.usd,
      reserved_tokens = budget_usage.reserved_tokens + excluded.reserved_tokens,
      reserved_usd = budget_usage.reserved_usd + excluded.reserved_usd`;
  return `
CREATE FUNCTION cto_commit_budget(
  s_ids TEXT[], s_windows TEXT[], s_scopes TEXT[], s_tokens FLOAT8[], s_usd FLOAT8[],
  r_ids TEXT[], r_windows TEXT[], r_scopes TEXT[], r_tokens FLOAT8[], r_usd FLOAT8[],
  r_cap_tokens FLOAT8[], r_cap_usd FLOAT8[], r_at INT8[], r_expires INT8[]
) RETURNS TABLE (refused_id TEXT, over_scope TEXT, measure TEXT, committed FLOAT8,
  requested FLOAT8, cap FLOAT8)
LANGUAGE plpgsql AS $fn$
DECLARE
  ids TEXT[] := s_ids || r_ids;
  kw TEXT[];
  ks TEXT[];
  r RECORD;
  attempt INT;
  over BOOLEAN;
BEGIN
  SELECT array_agg(w), array_agg(s) INTO kw, ks FROM (
    SELECT budget_window AS w, scope AS s FROM budget_reservations WHERE id = ANY(ids)
    UNION SELECT * FROM unnest(s_windows, s_scopes)
    UNION SELECT * FROM unnest(r_windows, r_scopes)) AS k;
  PERFORM pg_advisory_xact_lock(${lockClass.budget}, k) FROM (SELECT DISTINCT
    hashtext(w || chr(31) || s) AS k FROM unnest(kw, ks) AS u(w, s)) AS keys ORDER BY k;
  WITH gone AS (
    DELETE FROM budget_reservations AS b USING unnest(kw, ks) AS k(w, s)
    WHERE b.id = ANY(ids) AND b.budget_window = k.w AND b.scope = k.s
    RETURNING b.budget_window, b.scope, b.tokens, b.usd)
  INSERT INTO budget_usage (budget_window, scope, tokens, usd, reserved_tokens, reserved_usd)
  SELECT budget_window, scope, 0, 0, -SUM(tokens), -SUM(usd) FROM gone
  GROUP BY budget_window, scope ORDER BY budget_window, scope
  ${addUsage};
  INSERT INTO budget_usage (budget_window, scope, tokens, usd, reserved_tokens, reserved_usd)
  SELECT w, s, SUM(t), SUM(u), 0, 0
  FROM unnest(s_windows, s_scopes, s_tokens, s_usd) AS x(w, s, t, u) GROUP BY w, s ORDER BY w, s
  ${addUsage};
  FOR r IN
    SELECT x.i, x.w, x.t, x.u, x.a, x.e, array_agg(x.s ORDER BY x.n) AS scopes,
      array_agg(x.ct ORDER BY x.n) AS cts, array_agg(x.cu ORDER BY x.n) AS cus
    FROM unnest(r_ids, r_windows, r_scopes, r_tokens, r_usd, r_cap_tokens, r_cap_usd, r_at,
      r_expires) WITH ORDINALITY AS x(i, w, s, t, u, ct, cu, a, e, n)
    GROUP BY x.i, x.w, x.t, x.u, x.a, x.e ORDER BY MIN(x.n)
  LOOP
    FOR attempt IN 1..2 LOOP
      SELECT r.i, c.s, m.measure, m.committed, m.requested, m.cap
      INTO refused_id, over_scope, measure, committed, requested, cap
      FROM unnest(r.scopes, r.cts, r.cus) WITH ORDINALITY AS c(s, ct, cu, n)
      LEFT JOIN budget_usage AS b ON b.budget_window = r.w AND b.scope = c.s
      CROSS JOIN LATERAL (VALUES
        (1, 'tokens', COALESCE(b.tokens + b.reserved_tokens, 0), r.t, c.ct),
        (2, 'usd', COALESCE(b.usd + b.reserved_usd, 0), r.u, c.cu))
        AS m(o, measure, committed, requested, cap)
      WHERE m.cap IS NOT NULL AND m.committed + m.requested > m.cap
      ORDER BY c.n, m.o LIMIT 1;
      over := FOUND;
      EXIT WHEN NOT over OR attempt = 2;
      WITH gone AS (
        DELETE FROM budget_reservations AS b
        WHERE b.budget_window = r.w AND b.scope = ANY(r.scopes) AND b.expires_at <= r.a
        RETURNING b.budget_window, b.scope, b.tokens, b.usd)
      INSERT INTO budget_usage (budget_window, scope, tokens, usd, reserved_tokens, reserved_usd)
      SELECT budget_window, scope, 0, 0, -SUM(tokens), -SUM(usd) FROM gone
      GROUP BY budget_window, scope ORDER BY budget_window, scope
      ${addUsage};
    END LOOP;
    IF over THEN
      RETURN NEXT;
      CONTINUE;
    END IF;
    INSERT INTO budget_reservations (id, scope, budget_window, tokens, usd, at, expires_at)
    SELECT r.i, s, r.w, r.t, r.u, r.a, r.e FROM unnest(r.scopes) AS s;
    INSERT INTO budget_usage (budget_window, scope, tokens, usd, reserved_tokens, reserved_usd)
    SELECT r.w, s, 0, 0, r.t, r.u FROM unnest(r.scopes) AS s ORDER BY s
    ${addUsage};
  END LOOP;
END
$fn$;
`;
}

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
