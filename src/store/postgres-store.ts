import pg from 'pg';
import type { BudgetRefusal } from './budget-records.js';
import { deltaTask, leaseTokens, staleFences } from './lease-fences.js';
import { addPerformance, type PerformanceRow } from './performance-row.js';
import { lockClass, migrate } from './postgres-migrations.js';
import { postgresReviewedTables } from './postgres-reviewed-tables.js';
import { postgresSourceTables } from './postgres-source-tables.js';
import { statement } from './postgres-statement.js';
import {
  blobRef,
  type CommitBatch,
  type CommitResult,
  finalStatuses,
  type Lease,
  type Store,
  StoreError,
  type TaskCommit,
  type TaskListFilter,
  type TaskStatus,
  taskStatusSchema,
} from './store.js';
import { createStoreCounters, type StoreCounters } from './store-counters.js';
import {
  claimFromRow,
  type EventRow,
  eventFromRow,
  type JournalRow,
  journalFromRow,
  performanceColumns,
  performanceFromRow,
  summaryFromRow,
  type TaskRow,
  taskFromRow,
  usageFromRow,
} from './stored-rows.js';

/** The channel a commit that submits a task (creates it unclaimed) notifies. */
export const taskChannel = 'cto_tasks';

const int8Oid = 20;
/**
 * BIGINT (times, tokens, counts) read as numbers, not strings: every value the store keeps is
 * far below 2^53. Per pool, so that other users of `pg` in the process keep the default.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === int8Oid && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

function connectionConfig(url: string): pg.ClientConfig {
  return {
    connectionString: url,
    types,
    fallback_application_name: 'cto-orchestrator',
    // An unreachable server is named after this long rather than waited on for ever.
    connectionTimeoutMillis: 15_000,
  };
}

/**
 * The URL without its password or parameters: what error messages may show.
 *
 * @example
 * redactedUrl('postgres://cto:secret@db:5432/cto?sslmode=require'); // 'postgres://cto@db:5432/cto'
 */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    parsed.search = '';
    return parsed.toString();
  } catch {
    return 'the PostgreSQL URL given (unparsable)';
  }
}

/**
 * One line saying why a connection or query failed (a refused connection to a host with several
 * addresses is an AggregateError with an empty message: its first cause says it).
 *
 * @example
 * reasonOf(error); // 'connect ECONNREFUSED 127.0.0.1:5432'
 */
export function reasonOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return reasonOf(error.errors[0]);
  const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown };
  const text =
    typeof message === 'string' && message.trim() !== ''
      ? message
      : typeof code === 'string'
        ? code
        : String(error);
  return text.split('\n')[0]?.trim() ?? '';
}

/** The statuses that are not final, as literals: a claim reads them through `tasks_by_status`. */
const unfinished = `status IN (${taskStatusSchema.options
  .filter((status) => !finalStatuses.has(status))
  .map((status) => `'${status}'`)
  .join(', ')})`;

/** Summed performance fields that are amounts (the rest are counts, BIGINT). */
const amountFields: ReadonlySet<string> = new Set(['qualitySum', 'latencyMs', 'costUsd']);

/**
 * The columns statements read, named rather than `*`: a statement prepared on a connection
 * breaks if the columns `*` stands for change under it (a newer process migrating).
 */
const taskColumns = 'id, status, machine_version, input, snapshot, created_at, updated_at';
const journalColumns = 'task_id, request_id, seq, kind, data, at';
const performanceSelect = `model, task_type, ${performanceColumns.map(([c]) => c).join(', ')}, max_call_tokens`;

const sql = {
  insertBlobs: statement(
    'insert_blobs',
    `INSERT INTO blobs (hash, content) SELECT * FROM unnest($1::text[], $2::bytea[]) AS b(h, c)
     ORDER BY h ON CONFLICT (hash) DO NOTHING`,
  ),
  // A task's lease row is locked before its task row by everyone who writes both (a commit, a
  // claim, replacing a queued task), so none of them wait on each other in a circle.
  lockLeases: statement(
    'lock_leases',
    `SELECT task_id, token FROM task_leases WHERE task_id = ANY($1::text[])
     ORDER BY task_id FOR UPDATE`,
  ),
  // A task whose source key another task has is not inserted (nor returned): it waits for a
  // concurrent inserter of the same key to commit, then finds the key taken. The lease row of
  // each task inserted goes in with it.
  insertTasks: statement(
    'insert_tasks',
    `WITH inserted AS (
       INSERT INTO tasks (id, status, machine_version, input, snapshot, created_at, updated_at,
         source_key)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[],
         $6::int8[], $7::int8[], $11::text[]) AS t(id) ORDER BY id
       ON CONFLICT (source_key) DO NOTHING RETURNING id
     ), leases AS (
       INSERT INTO task_leases (task_id, owner, token, expires_at)
       SELECT l.id, l.owner, l.token, l.expires_at
       FROM unnest($1::text[], $8::text[], $9::int8[], $10::int8[]) AS l(id, owner, token, expires_at)
       JOIN inserted ON inserted.id = l.id ORDER BY l.id
     )
     SELECT id FROM inserted`,
  ),
  updateTasks: statement(
    'update_tasks',
    `UPDATE tasks AS t SET status = u.status, machine_version = u.machine_version,
       snapshot = u.snapshot, updated_at = u.at
     FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::int8[])
       AS u(id, status, machine_version, snapshot, at)
     WHERE t.id = u.id`,
  ),
  // Numbered on from each task's last event ($2: the event's place among its task's in the
  // batch), in the statement that inserts them: one round trip.
  insertEvents: statement(
    'insert_events',
    `INSERT INTO events (task_id, seq, event, at)
     SELECT u.t, COALESCE(m.seq, 0) + u.n, u.e, u.a
     FROM unnest($1::text[], $2::int[], $3::text[], $4::int8[]) AS u(t, n, e, a)
     LEFT JOIN (SELECT task_id, MAX(seq) AS seq FROM events WHERE task_id = ANY($1::text[])
       GROUP BY task_id) AS m ON m.task_id = u.t`,
  ),
  notifyTasks: statement('notify_tasks', `SELECT pg_notify('${taskChannel}', '')`),
  // Seqs count up per task and request: concurrent writers of one request wait for each other.
  lockJournal: statement(
    'lock_journal',
    `SELECT pg_advisory_xact_lock(${lockClass.journal}, k) FROM (SELECT DISTINCT
       hashtext(t || chr(31) || r) AS k FROM unnest($1::text[], $2::text[]) AS u(t, r)) AS keys
     ORDER BY k`,
  ),
  journalSeqs: statement(
    'journal_seqs',
    `SELECT j.task_id, j.request_id, MAX(j.seq) AS seq
     FROM journal AS j JOIN unnest($1::text[], $2::text[]) AS u(t, r)
       ON j.task_id = u.t AND j.request_id = u.r
     GROUP BY j.task_id, j.request_id`,
  ),
  insertJournal: statement(
    'insert_journal',
    `INSERT INTO journal (task_id, request_id, seq, kind, data, at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::int8[])`,
  ),
  upsertPerformance: statement(
    'upsert_performance',
    `INSERT INTO performance (model, task_type, ${performanceColumns.map(([c]) => c).join(', ')},
       max_call_tokens)
     SELECT * FROM unnest($1::text[], $2::text[], ${performanceColumns
       .map(([, k], i) => `$${i + 3}::${amountFields.has(k) ? 'float8' : 'int8'}[]`)
       .join(', ')}, $${performanceColumns.length + 3}::int8[]) AS p(model, task_type)
     ORDER BY model, task_type
     ON CONFLICT (model, task_type) DO UPDATE SET
     ${performanceColumns.map(([c]) => `${c} = performance.${c} + excluded.${c}`).join(', ')},
     max_call_tokens = GREATEST(performance.max_call_tokens, excluded.max_call_tokens)`,
  ),
  // Every change to a window's scope is made holding that (window, scope)'s advisory lock,
  // taken in one sorted pass: so reservations check and add atomically across processes, a
  // row that does not exist yet is covered too, and two transactions never wait on each other
  // in a circle.
  lockBudget: statement(
    'lock_budget',
    `SELECT pg_advisory_xact_lock(${lockClass.budget}, k) FROM (SELECT DISTINCT
       hashtext(w || chr(31) || s) AS k FROM unnest($1::text[], $2::text[]) AS u(w, s)) AS keys
     ORDER BY k`,
  ),
  reservationKeys: statement(
    'reservation_keys',
    `SELECT DISTINCT budget_window, scope FROM budget_reservations
     WHERE id = ANY($1::text[]) OR expires_at <= $2::int8`,
  ),
  deleteReservations: statement(
    'delete_reservations',
    `DELETE FROM budget_reservations AS r USING unnest($3::text[], $4::text[]) AS k(w, s)
     WHERE (r.id = ANY($1::text[]) OR r.expires_at <= $2::int8)
       AND r.budget_window = k.w AND r.scope = k.s
     RETURNING r.budget_window, r.scope, r.tokens, r.usd`,
  ),
  addUsage: statement(
    'add_usage',
    `INSERT INTO budget_usage (budget_window, scope, tokens, usd, reserved_tokens, reserved_usd)
     SELECT * FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::float8[],
       $6::float8[]) AS u(w, s) ORDER BY w, s
     ON CONFLICT (budget_window, scope) DO UPDATE SET tokens = budget_usage.tokens + excluded.tokens,
       usd = budget_usage.usd + excluded.usd,
       reserved_tokens = budget_usage.reserved_tokens + excluded.reserved_tokens,
       reserved_usd = budget_usage.reserved_usd + excluded.reserved_usd`,
  ),
  commitBudget: statement(
    'commit_budget',
    `SELECT * FROM cto_commit_budget($1::text[], $2::text[], $3::text[], $4::float8[],
       $5::float8[], $6::text[], $7::text[], $8::text[], $9::float8[], $10::float8[],
       $11::float8[], $12::float8[], $13::int8[], $14::int8[])`,
  ),
  selectUsage: statement(
    'select_usage',
    // Sums of dollars that reservations added and took off again may not return to exactly 0.
    `SELECT scope, tokens, usd, reserved_tokens AS "reservedTokens",
       GREATEST(0, reserved_usd) AS "reservedUsd"
     FROM budget_usage WHERE budget_window = $1 ORDER BY scope`,
  ),
  selectTask: statement('select_task', `SELECT ${taskColumns} FROM tasks WHERE id = $1`),
  listTasks: statement(
    'list_tasks',
    `SELECT id, status, machine_version, input, created_at, updated_at FROM tasks
     WHERE (cardinality($1::text[]) = 0 OR status = ANY($1::text[]))
       AND ($3::int8 IS NULL OR created_at < $3::int8 OR (created_at = $3::int8 AND id > $4::text))
     ORDER BY created_at DESC, id LIMIT $2::int8`,
  ),
  selectUnfinished: statement(
    'select_unfinished',
    `SELECT ${taskColumns} FROM tasks WHERE status <> ALL($1::text[]) ORDER BY created_at, id`,
  ),
  // One statement, one round trip. SKIP LOCKED: a task whose lease or row another claimer, a
  // commit or the heartbeat has locked is passed over, so two claimers never take the same task
  // nor wait on each other. The task row is locked too, so its columns are read as they are
  // now (a queued task's input replaced just before), not as the statement's snapshot had them.
  claimTasks: statement(
    'claim_tasks',
    `WITH claimable AS (
       SELECT ${taskColumns.replace(/(\w+)/g, 't.$1')} FROM tasks AS t
       JOIN task_leases AS l ON l.task_id = t.id
       WHERE t.${unfinished} AND (l.owner IS NULL OR l.expires_at <= $3::int8)
         AND ($5::text IS NULL OR t.id = $5::text)
       ORDER BY t.created_at, t.id LIMIT $4::int8 FOR UPDATE OF l, t SKIP LOCKED
     ), claimed AS (
       UPDATE task_leases AS l SET owner = $1::text, token = l.token + 1, expires_at = $2::int8
       FROM claimable WHERE l.task_id = claimable.id
       RETURNING l.task_id, l.token
     )
     SELECT ${taskColumns.replace(/(\w+)/g, 'c.$1')}, claimed.token
     FROM claimable AS c JOIN claimed ON claimed.task_id = c.id ORDER BY c.created_at, c.id`,
  ),
  // Lease rows are locked in id order, as a commit locks them, so the two never deadlock.
  renewLeases: statement(
    'renew_leases',
    `WITH held AS (
       SELECT task_id FROM task_leases WHERE task_id = ANY($1::text[]) AND owner = $2::text
       ORDER BY task_id FOR UPDATE
     )
     UPDATE task_leases AS l SET expires_at = $3::int8 FROM held WHERE l.task_id = held.task_id
     RETURNING l.task_id, l.token`,
  ),
  releaseLeases: statement(
    'release_leases',
    `WITH held AS (
       SELECT task_id FROM task_leases WHERE task_id = ANY($1::text[]) AND owner = $2::text
       ORDER BY task_id FOR UPDATE
     )
     UPDATE task_leases AS l SET owner = NULL, expires_at = NULL FROM held
     WHERE l.task_id = held.task_id`,
  ),
  releaseAllLeases: statement(
    'release_all_leases',
    `WITH held AS (
       SELECT task_id FROM task_leases WHERE owner = $1::text ORDER BY task_id FOR UPDATE
     )
     UPDATE task_leases AS l SET owner = NULL, expires_at = NULL FROM held
     WHERE l.task_id = held.task_id`,
  ),
  leaseOwners: statement(
    'lease_owners',
    `SELECT DISTINCT l.owner FROM task_leases AS l JOIN tasks AS t ON t.id = l.task_id
     WHERE t.${unfinished} AND l.expires_at > $1::int8 ORDER BY l.owner`,
  ),
  countByStatus: statement(
    'count_by_status',
    'SELECT status, COUNT(*) AS n FROM tasks GROUP BY status',
  ),
  selectEvents: statement(
    'select_events',
    'SELECT task_id, seq, event, at FROM events WHERE task_id = $1 ORDER BY seq',
  ),
  selectJournal: statement(
    'select_journal',
    `SELECT ${journalColumns} FROM journal WHERE task_id = $1 ORDER BY request_id, seq`,
  ),
  selectJournalForRequest: statement(
    'select_journal_for_request',
    `SELECT ${journalColumns} FROM journal WHERE task_id = $1 AND request_id = $2 ORDER BY seq`,
  ),
  selectJournals: statement(
    'select_journals',
    `SELECT j.task_id, j.request_id, j.seq, j.kind, j.data, j.at
     FROM unnest($1::text[], $2::text[]) AS r(t, q)
     JOIN journal AS j ON j.task_id = r.t AND j.request_id = r.q
     ORDER BY j.task_id, j.request_id, j.seq`,
  ),
  selectBlob: statement('select_blob', 'SELECT content FROM blobs WHERE hash = $1'),
  selectPerformance: statement(
    'select_performance',
    `SELECT ${performanceSelect} FROM performance ORDER BY model, task_type`,
  ),
};

type Key = readonly [window: string, scope: string];

/** A reservation `cto_commit_budget` refused. */
interface RefusalRow {
  refused_id: string;
  over_scope: string;
  measure: 'tokens' | 'usd';
  committed: number;
  requested: number;
  cap: number;
}

/** Budget usage changes by (window, scope), added up before they are written in one go. */
class UsageDeltas {
  readonly #byKey = new Map<string, [string, string, number, number, number, number]>();

  add(window: string, scope: string, tokens: number, usd: number, rTokens = 0, rUsd = 0): void {
    const key = `${window}\u0000${scope}`;
    const sum = this.#byKey.get(key) ?? [window, scope, 0, 0, 0, 0];
    sum[2] += tokens;
    sum[3] += usd;
    sum[4] += rTokens;
    sum[5] += rUsd;
    this.#byKey.set(key, sum);
  }

  get size(): number {
    return this.#byKey.size;
  }

  /** Column arrays for `addUsage`. */
  columns(): unknown[] {
    const rows = [...this.#byKey.values()];
    return [0, 1, 2, 3, 4, 5].map((i) => rows.map((row) => row[i]));
  }
}

function uniqueKeys(keys: Iterable<Key>): [string[], string[]] {
  const seen = new Map<string, Key>();
  for (const key of keys) seen.set(`${key[0]}\u0000${key[1]}`, key);
  return [[...seen.values()].map((k) => k[0]), [...seen.values()].map((k) => k[1])];
}

const transactionControl: ReadonlySet<unknown> = new Set(['BEGIN', 'COMMIT', 'ROLLBACK']);

/**
 * Counts every query `client` sends as a round trip (`pg` waits for each answer before it
 * sends the next), and every one but `BEGIN`, `COMMIT` and `ROLLBACK` as a statement.
 */
function countQueries(client: pg.Client, counters: StoreCounters): void {
  const send = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    counters.add({ roundTrips: 1, statements: transactionControl.has(args[0]) ? 0 : 1 });
    if (args[0] === 'BEGIN') counters.add({ transactions: 1 });
    return send(...args);
  };
}

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // Deadlock or serialization failure: the transaction was rolled back whole and may run again.
  return code === '40P01' || code === '40001';
}

/**
 * The shared store: PostgreSQL through a `pg` Pool, for several processes on several machines
 * working one queue. The schema is migrated at start (see postgres-migrations.ts); every
 * method waits for that, and if the server cannot be reached or migrated each one fails with
 * the same one-line StoreError. Behaves as the SQLite store does (the same contract suite),
 * and a commit that submits a task notifies `cto_tasks` (see `listenForTasks`).
 *
 * @example
 * const store = openPostgresStore('postgres://cto@db.internal:5432/cto');
 * const claimed = await store.claimTasks({ owner: 'host-1:4242', limit: 10, now: Date.now(), leaseMs: 30_000 });
 */
export function openPostgresStore(url: string): Store {
  const location = redactedUrl(url);
  const pool = new pg.Pool(connectionConfig(url));
  // A pooled connection that drops while idle is discarded by the pool; the next query opens
  // another or fails, named. Without a listener the drop would crash the process.
  pool.on('error', () => {});
  const counters = createStoreCounters();
  pool.on('connect', (client) => countQueries(client, counters));
  let closing: Promise<void> | null = null;

  const ready = (async () => {
    const client = await pool.connect();
    let failure: Error | undefined;
    try {
      await migrate(client);
    } catch (error) {
      failure = error as Error;
      throw error;
    } finally {
      client.release(failure);
    }
  })().catch((error: unknown) => {
    throw new StoreError(`cannot open the PostgreSQL store at ${location}: ${reasonOf(error)}`);
  });
  // Handled here so a store nobody calls never raises an unhandled rejection; every method
  // awaits `ready` and so rejects with its error.
  ready.catch(() => {});

  async function run<T>(work: () => Promise<T>): Promise<T> {
    if (closing) throw new StoreError(`the PostgreSQL store at ${location} is closed`);
    await ready;
    try {
      return await work();
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw new StoreError(`PostgreSQL store at ${location}: ${reasonOf(error)}`);
    }
  }

  function query<R extends pg.QueryResultRow>(config: pg.QueryConfig): Promise<R[]> {
    return run(async () => (await pool.query<R>(config)).rows);
  }

  function transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return run(async () => {
      for (let attempt = 1; ; attempt += 1) {
        const client = await pool.connect();
        let broken: Error | undefined;
        try {
          await client.query('BEGIN');
          const result = await work(client);
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch((rollbackError: Error) => {
            broken = rollbackError;
          });
          if (attempt < 3 && isRetryable(error)) continue;
          throw error;
        } finally {
          client.release(broken);
        }
      }
    });
  }

  /**
   * Drops the reservations of these ids, and those expired at `now` (null: none), among the
   * (window, scope)s in `keys`, which the caller holds the locks of; takes them off their
   * scopes' reserved sums in `deltas`. A row another process deleted first is not returned,
   * so it is taken off exactly once.
   */
  async function dropReservations(
    client: pg.PoolClient,
    ids: readonly string[],
    now: number | null,
    keys: [string[], string[]],
    deltas: UsageDeltas,
  ): Promise<void> {
    const { rows } = await client.query<{
      budget_window: string;
      scope: string;
      tokens: number;
      usd: number;
    }>(sql.deleteReservations(ids, now, ...keys));
    for (const row of rows) deltas.add(row.budget_window, row.scope, 0, 0, -row.tokens, -row.usd);
  }

  async function heldKeys(
    client: pg.PoolClient,
    ids: readonly string[],
    now: number | null,
  ): Promise<Key[]> {
    const { rows } = await client.query<{ budget_window: string; scope: string }>(
      sql.reservationKeys(ids, now),
    );
    return rows.map((row) => [row.budget_window, row.scope] as const);
  }

  async function addUsage(client: pg.PoolClient, deltas: UsageDeltas): Promise<void> {
    if (deltas.size > 0) await client.query(sql.addUsage(...deltas.columns()));
  }

  /**
   * Writes the batch's task commits that are not fenced; returns whether one was submitted,
   * and the tasks not created because their source key was taken.
   */
  async function writeTasks(
    client: pg.PoolClient,
    commits: readonly TaskCommit[],
    existing: ReadonlySet<string>,
    fenced: ReadonlySet<string>,
  ): Promise<{ submitted: boolean; duplicates: string[] }> {
    const known = new Set(existing);
    let created: TaskCommit[] = [];
    const updated = new Map<string, TaskCommit>();
    let written: TaskCommit[] = [];
    const duplicates: string[] = [];
    for (const commit of commits) {
      if (fenced.has(commit.taskId)) continue;
      if (commit.input) {
        if (known.has(commit.taskId)) throw new StoreError(`task ${commit.taskId} already exists`);
        known.add(commit.taskId);
        created.push(commit);
      } else {
        if (!known.has(commit.taskId)) throw new StoreError(`no task ${commit.taskId} to update`);
        // The snapshot after the batch is its last commit's; every commit is an event.
        updated.set(commit.taskId, commit);
      }
      written.push(commit);
    }
    if (created.length > 0) {
      const { rows } = await client.query<{ id: string }>(
        sql.insertTasks(
          created.map((c) => c.taskId),
          created.map((c) => c.status),
          created.map((c) => c.machineVersion),
          created.map((c) => JSON.stringify(c.input)),
          created.map((c) => JSON.stringify(c.snapshot)),
          created.map((c) => c.at),
          created.map((c) => c.at),
          created.map((c) => c.claim?.owner ?? null),
          created.map((c) => (c.claim ? 1 : 0)),
          created.map((c) => c.claim?.expiresAt ?? null),
          created.map((c) => c.sourceKey ?? null),
        ),
      );
      const inserted = new Set(rows.map((row) => row.id));
      for (const c of created) if (!inserted.has(c.taskId)) duplicates.push(c.taskId);
      if (duplicates.length > 0) {
        created = created.filter((c) => inserted.has(c.taskId));
        written = written.filter((c) => !duplicates.includes(c.taskId));
      }
    }
    if (updated.size > 0) {
      const last = [...updated.values()];
      await client.query(
        sql.updateTasks(
          last.map((c) => c.taskId),
          last.map((c) => c.status),
          last.map((c) => c.machineVersion),
          last.map((c) => JSON.stringify(c.snapshot)),
          last.map((c) => c.at),
        ),
      );
    }
    if (written.length > 0) {
      // The task rows are locked (or new), so nobody else appends to their logs meanwhile.
      const places = new Map<string, number>();
      const numbered = written.map((c) => {
        const place = (places.get(c.taskId) ?? 0) + 1;
        places.set(c.taskId, place);
        return place;
      });
      await client.query(
        sql.insertEvents(
          written.map((c) => c.taskId),
          numbered,
          written.map((c) => (c.event ? JSON.stringify(c.event) : null)),
          written.map((c) => c.at),
        ),
      );
    }
    return { submitted: created.some((c) => !c.claim), duplicates };
  }

  async function writeJournal(
    client: pg.PoolClient,
    batch: CommitBatch,
    fenced: ReadonlySet<string>,
  ): Promise<void> {
    const entries = (batch.journal ?? []).filter((e) => !fenced.has(e.taskId));
    if (entries.length === 0) return;
    const requests = new Map<string, [string, string]>();
    for (const e of entries)
      requests.set(`${e.taskId}\u0000${e.requestId}`, [e.taskId, e.requestId]);
    const taskIds = [...requests.values()].map((r) => r[0]);
    const requestIds = [...requests.values()].map((r) => r[1]);
    await client.query(sql.lockJournal(taskIds, requestIds));
    const { rows } = await client.query<{ task_id: string; request_id: string; seq: number }>(
      sql.journalSeqs(taskIds, requestIds),
    );
    const seqs = new Map(rows.map((row) => [`${row.task_id}\u0000${row.request_id}`, row.seq]));
    const numbered = entries.map((e) => {
      const key = `${e.taskId}\u0000${e.requestId}`;
      const seq = (seqs.get(key) ?? 0) + 1;
      seqs.set(key, seq);
      return seq;
    });
    await client.query(
      sql.insertJournal(
        entries.map((e) => e.taskId),
        entries.map((e) => e.requestId),
        numbered,
        entries.map((e) => e.kind),
        entries.map((e) => JSON.stringify(e.data ?? null)),
        entries.map((e) => e.at),
      ),
    );
  }

  async function writePerformance(
    client: pg.PoolClient,
    batch: CommitBatch,
    fenced: ReadonlySet<string>,
  ): Promise<void> {
    // One row per model and task type: an upsert may not touch a row twice.
    const sums = new Map<string, PerformanceRow>();
    for (const delta of batch.performance ?? []) {
      if (fenced.has(deltaTask(delta) ?? '')) continue;
      const key = `${delta.model}\u0000${delta.taskType}`;
      const sum = sums.get(key);
      sums.set(key, sum ? addPerformance(sum, delta) : delta);
    }
    if (sums.size === 0) return;
    const rows = [...sums.values()];
    await client.query(
      sql.upsertPerformance(
        rows.map((r) => r.model),
        rows.map((r) => r.taskType),
        ...performanceColumns.map(([, field]) => rows.map((r) => r[field])),
        rows.map((r) => r.maxCallTokens),
      ),
    );
  }

  /**
   * The batch's settlements and reservations in one statement (`cto_commit_budget`): the
   * reservations it refuses, with the limit each would exceed.
   */
  async function writeBudget(
    client: pg.PoolClient,
    batch: CommitBatch,
  ): Promise<{ id: string; refusal: BudgetRefusal }[]> {
    const settled = (batch.settlements ?? []).flatMap((s) =>
      s.scopes.map((scope) => [s.reservationId, s.window, scope, s.tokens, s.usd] as const),
    );
    const reserved = (batch.reservations ?? []).flatMap((r) =>
      r.limits.map((l) => [r.id, r.window, l.scope, r.tokens, r.usd, l.tokens, l.usd] as const),
    );
    if (settled.length === 0 && reserved.length === 0) return [];
    const reservations = batch.reservations ?? [];
    const { rows } = await client.query<RefusalRow>(
      sql.commitBudget(
        [...new Set((batch.settlements ?? []).map((s) => s.reservationId))],
        ...[1, 2, 3, 4].map((i) => settled.map((row) => row[i])),
        ...[0, 1, 2, 3, 4, 5, 6].map((i) => reserved.map((row) => row[i])),
        reservations.flatMap((r) => r.limits.map(() => r.at)),
        reservations.flatMap((r) => r.limits.map(() => r.expiresAt)),
      ),
    );
    return rows.map((row) => ({
      id: row.refused_id,
      refusal: {
        scope: row.over_scope,
        measure: row.measure,
        committed: row.committed,
        requested: row.requested,
        limit: row.cap,
      },
    }));
  }

  return {
    commit(batch) {
      // Locks are taken in one order by every transaction (blobs, task rows, journal keys,
      // performance rows, budget keys), so concurrent commits never deadlock.
      return transaction(async (client): Promise<CommitResult> => {
        const blobs = new Map(batch.blobs ?? []);
        if (blobs.size > 0) {
          const contents = [...blobs.values()].map((content) => Buffer.from(content, 'utf8'));
          await client.query(sql.insertBlobs([...blobs.keys()], contents));
        }
        const commits = batch.tasks ?? [];
        const touched = new Set([
          ...(batch.fences ?? []).map((f) => f.taskId),
          ...commits.filter((c) => !c.input).map((c) => c.taskId),
        ]);
        // Locked until the commit: a claim skips them, and a fence read here stays true.
        const tokens = new Map<string, number>();
        if (touched.size > 0) {
          const { rows } = await client.query(sql.lockLeases([...touched]));
          for (const [taskId, token] of leaseTokens(rows)) tokens.set(taskId, token);
        }
        const fenced = staleFences(batch, (taskId) => tokens.get(taskId));
        const { submitted, duplicates } = await writeTasks(
          client,
          commits,
          new Set(tokens.keys()),
          fenced,
        );
        await writeJournal(client, batch, fenced);
        await writePerformance(client, batch, fenced);
        // Delivered when the transaction commits, so a listener finds the task there.
        if (submitted) await client.query(sql.notifyTasks());
        // Last, so the budget rows (a group's is every call's) are held only until the commit.
        const overBudget = await writeBudget(client, batch);
        const result: CommitResult = { fenced: [...fenced], duplicates };
        if (overBudget.length > 0) result.overBudget = overBudget;
        return result;
      });
    },
    async getTask(id) {
      const [row] = await query<TaskRow>(sql.selectTask(id));
      return row ? taskFromRow(row) : null;
    },
    // One implementation of both overloads: unreadable rows are given only when asked for.
    listTasks: (async (filter: TaskListFilter = {}) => {
      // A negative limit is no limit, as in SQLite.
      const limit = filter.limit !== undefined && filter.limit >= 0 ? filter.limit : null;
      const rows = await query<TaskRow>(
        sql.listTasks(
          filter.status ?? [],
          limit,
          filter.after?.createdAt ?? null,
          filter.after?.id ?? null,
        ),
      );
      return rows.map((row) => summaryFromRow(row, filter.withUnreadable));
    }) as Store['listTasks'],
    async unfinishedTasks() {
      return (await query<TaskRow>(sql.selectUnfinished([...finalStatuses]))).map(taskFromRow);
    },
    async claimTasks({ owner, limit, now, leaseMs, taskId }) {
      if (limit <= 0) return [];
      const expiresAt = now + leaseMs;
      const rows = await query<TaskRow & { token: number }>(
        sql.claimTasks(owner, expiresAt, now, limit, taskId ?? null),
      );
      const tokens = leaseTokens(rows.map((row) => ({ task_id: row.id, token: row.token })));
      return rows.map((row) =>
        claimFromRow(row, {
          taskId: row.id,
          owner,
          token: tokens.get(row.id) as number,
          expiresAt,
        }),
      );
    },
    async renewLeases({ owner, taskIds, now, leaseMs }) {
      if (taskIds.length === 0) return [];
      const expiresAt = now + leaseMs;
      const tokens = leaseTokens(await query(sql.renewLeases(taskIds, owner, expiresAt)));
      return taskIds.flatMap((taskId): Lease[] => {
        const token = tokens.get(taskId);
        return token === undefined ? [] : [{ taskId, owner, token, expiresAt }];
      });
    },
    async releaseLeases(owner, taskIds) {
      if (taskIds === undefined) await query(sql.releaseAllLeases(owner));
      else if (taskIds.length > 0) await query(sql.releaseLeases(taskIds, owner));
    },
    async leaseOwners(now) {
      return (await query<{ owner: string }>(sql.leaseOwners(now))).map((row) => row.owner);
    },
    async countByStatus() {
      const counts: Partial<Record<TaskStatus, number>> = {};
      for (const row of await query<{ status: TaskStatus; n: number }>(sql.countByStatus()))
        counts[row.status] = row.n;
      return counts;
    },
    async events(taskId) {
      return (await query<EventRow>(sql.selectEvents(taskId))).map(eventFromRow);
    },
    async journal(taskId, requestId) {
      const rows = await query<JournalRow>(
        requestId === undefined
          ? sql.selectJournal(taskId)
          : sql.selectJournalForRequest(taskId, requestId),
      );
      return rows.map(journalFromRow);
    },
    async journals(requests) {
      if (requests.length === 0) return [];
      const rows = await query<JournalRow>(
        sql.selectJournals(
          requests.map((r) => r.taskId),
          requests.map((r) => r.requestId),
        ),
      );
      return rows.map(journalFromRow);
    },
    async putBlob(content) {
      const ref = blobRef(content);
      await query(sql.insertBlobs([ref], [Buffer.from(content, 'utf8')]));
      return ref;
    },
    async getBlob(ref) {
      const [row] = await query<{ content: Buffer }>(sql.selectBlob(ref));
      return row ? row.content.toString('utf8') : null;
    },
    async performance() {
      return (await query(sql.selectPerformance())).map(performanceFromRow);
    },
    async budgetUsage(window, now) {
      await transaction(async (client) => {
        const expired = await heldKeys(client, [], now);
        if (expired.length === 0) return;
        const keys = uniqueKeys(expired);
        await client.query(sql.lockBudget(...keys));
        const deltas = new UsageDeltas();
        await dropReservations(client, [], now, keys, deltas);
        await addUsage(client, deltas);
      });
      return (await query(sql.selectUsage(window))).map((row) => usageFromRow(row, window));
    },
    ...postgresSourceTables({ query, transaction }),
    counts() {
      // After the migration, so that its statements are not counted as a caller's.
      return run(async () => counters.read());
    },
    ...postgresReviewedTables({ query }),
    close() {
      closing ??= ready.then(
        () => pool.end(),
        () => pool.end(),
      );
      return closing;
    },
  };
}

/**
 * Calls `onTask` whenever a task is submitted to the store at `url` (a commit that creates an
 * unclaimed task notifies `cto_tasks`), over one dedicated connection that LISTENs: idle
 * `cto serve` processes wake at once instead of polling fast. If the connection drops it is
 * opened again every second, and `onTask` is called once it is back, since notifications
 * sent meanwhile are lost; keep a slow poll besides. Rejects with a one-line StoreError if
 * the first connection fails.
 *
 * @example
 * const listener = await listenForTasks(process.env.CTO_STORE, () => worker.wake());
 * // … on shutdown:
 * await listener.close();
 */
export async function listenForTasks(
  url: string,
  onTask: () => void,
): Promise<{ close(): Promise<void> }> {
  let closed = false;
  let current: pg.Client | null = null;
  let retry: NodeJS.Timeout | undefined;

  async function connect(): Promise<void> {
    const client = new pg.Client(connectionConfig(url));
    client.on('notification', (message) => {
      if (message.channel === taskChannel) onTask();
    });
    client.on('error', () => lost(client));
    client.on('end', () => lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${taskChannel}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    if (closed) {
      await client.end().catch(() => {});
      return;
    }
    current = client;
  }

  function lost(client: pg.Client): void {
    if (closed || current !== client) return;
    current = null;
    client.end().catch(() => {});
    reconnectSoon();
  }

  function reconnectSoon(): void {
    retry = setTimeout(() => {
      if (closed) return;
      connect().then(
        () => {
          if (!closed) onTask();
        },
        () => reconnectSoon(),
      );
    }, 1_000);
    retry.unref();
  }

  try {
    await connect();
  } catch (error) {
    throw new StoreError(`cannot listen for tasks at ${redactedUrl(url)}: ${reasonOf(error)}`);
  }
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      const client = current;
      current = null;
      await client?.end().catch(() => {});
    },
  };
}
