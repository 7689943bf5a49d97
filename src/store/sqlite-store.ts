import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { countSqlite } from './counted-sqlite.js';
import { deltaTask, leaseTokens, staleFences } from './lease-fences.js';
import { addPerformance, type PerformanceRow } from './performance-row.js';
import {
  type BudgetOutcome,
  sqliteBudgetCommit,
  sqliteUsageQuery,
} from './sqlite-budget-commit.js';
import { reviewedSchema, sqliteReviewedTables } from './sqlite-reviewed-tables.js';
import { sourceSchema, sqliteSourceTables } from './sqlite-source-tables.js';
import {
  blobRef,
  type CommitBatch,
  type CommitResult,
  finalStatuses,
  type Lease,
  type Store,
  StoreError,
  type TaskClaim,
  type TaskListFilter,
  type TaskStatus,
  taskStatusSchema,
} from './store.js';
import { createStoreCounters } from './store-counters.js';
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

/**
 * `status IN ('classifying', …)`, the statuses that are not final, as literals: so a claim
 * reads the unfinished tasks through `tasks_by_status_id` (and sorts those few), whatever the
 * number of finished ones, without an index of its own to keep up on every transition.
 */
const unfinished = `status IN (${taskStatusSchema.options
  .filter((status) => !finalStatuses.has(status))
  .map((status) => `'${status}'`)
  .join(', ')})`;

const schema = `
CREATE TABLE IF NOT EXISTS tasks (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  machine_version INTEGER NOT NULL,
  input TEXT NOT NULL,
  snapshot TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  source_key TEXT
);
-- With the id: a claim finds its tasks in the index alone, never reading a task's row (half
-- the CPU of an idle poll over 10,000 leased tasks). It replaces tasks_by_status.
CREATE INDEX IF NOT EXISTS tasks_by_status_id ON tasks (status, created_at, id);
DROP INDEX IF EXISTS tasks_by_status;
CREATE TABLE IF NOT EXISTS events (
  task_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  event TEXT,
  at INTEGER NOT NULL,
  PRIMARY KEY (task_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS journal (
  task_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  data TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (task_id, request_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS blobs (
  hash TEXT PRIMARY KEY,
  content TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS performance (
  model TEXT NOT NULL,
  task_type TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  approvals INTEGER NOT NULL,
  rejections INTEGER NOT NULL,
  failures INTEGER NOT NULL,
  escalations INTEGER NOT NULL,
  later_attempts INTEGER NOT NULL,
  later_approvals INTEGER NOT NULL,
  quality_sum REAL NOT NULL,
  reviews INTEGER NOT NULL,
  latency_ms REAL NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  max_call_tokens INTEGER NOT NULL,
  PRIMARY KEY (model, task_type)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS budget_usage (
  window TEXT NOT NULL,
  scope TEXT NOT NULL,
  tokens INTEGER NOT NULL,
  usd REAL NOT NULL,
  reserved_tokens INTEGER NOT NULL DEFAULT 0,
  reserved_usd REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (window, scope)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS budget_reservations (
  id TEXT NOT NULL,
  scope TEXT NOT NULL,
  window TEXT NOT NULL,
  tokens INTEGER NOT NULL,
  usd REAL NOT NULL,
  at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (id, scope)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS budget_reservations_by_expiry ON budget_reservations (expires_at);
`;

/** Columns added to a table after it first shipped: added, empty, to a store made before. */
const addedColumns: readonly [table: string, column: string, definition: string][] = [
  ['performance', 'later_attempts', 'INTEGER NOT NULL DEFAULT 0'],
  ['performance', 'later_approvals', 'INTEGER NOT NULL DEFAULT 0'],
  ['budget_usage', 'reserved_tokens', 'INTEGER NOT NULL DEFAULT 0'],
  ['budget_usage', 'reserved_usd', 'REAL NOT NULL DEFAULT 0'],
  ['tasks', 'source_key', 'TEXT'],
];

function addMissingColumns(db: Database.Database): void {
  for (const [table, column, definition] of addedColumns) {
    const columns = db.pragma(`table_info(${table})`) as { name: string }[];
    if (!columns.some((c) => c.name === column))
      db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
  }
}

/**
 * Each task's lease in a small row of its own, made with the task and kept after it ends (owner
 * NULL once given back), so its fencing token only ever grows: a claim, the heartbeat and a
 * release write these rows, never a task's snapshot row.
 */
const leaseTable = `CREATE TABLE task_leases (
  task_id TEXT PRIMARY KEY,
  owner TEXT,
  token INTEGER NOT NULL,
  expires_at INTEGER
) STRICT, WITHOUT ROWID`;
const oldLeaseColumns = ['lease_owner', 'lease_token', 'lease_expires_at'];
// STRICT: a token that is not a whole number cannot be stored (as in PostgreSQL's BIGINT), so
// no claim ever meets one. The old columns were not strict: a lease there that does not read as
// whole numbers moves as given back, a bad token replaced by the time of the move in
// milliseconds, above any token ever counted up to, so whoever held it is fenced.
const validOldLease = `typeof(lease_token) = 'integer' AND typeof(lease_expires_at) IN ('integer', 'null')`;
const oldLeaseValues = `CASE WHEN ${validOldLease} THEN CAST(lease_owner AS TEXT) END,
  CASE WHEN typeof(lease_token) = 'integer' THEN lease_token
    ELSE CAST(unixepoch('subsec') * 1000 AS INTEGER) END,
  CASE WHEN ${validOldLease} THEN lease_expires_at END`;

/** Whether the store keeps its leases in the `tasks` row's old columns (made before `task_leases`). */
function hasOldLeaseColumns(db: Database.Database): boolean {
  const columns = (db.pragma('table_info(tasks)') as { name: string }[]).map((c) => c.name);
  return oldLeaseColumns.every((column) => columns.includes(column));
}

/** Each task's lease as `task_leases` takes it: from the old columns, or none (token 0). */
function oldLeases(db: Database.Database): string {
  return `SELECT id, ${hasOldLeaseColumns(db) ? oldLeaseValues : 'NULL, 0, NULL'} FROM main.tasks`;
}

/**
 * Makes `task_leases` for a store made before it, in one transaction: a task keeps the lease and
 * token stored in its row's old columns (then dropped, so a process of the version before fails
 * at once rather than claim by them), or, from a store older than leases, starts at token 0.
 */
function moveLeases(db: Database.Database): void {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?");
  db.transaction(() => {
    if (tables.get('task_leases')) return;
    db.exec(leaseTable);
    db.exec(`INSERT INTO task_leases (task_id, owner, token, expires_at) ${oldLeases(db)}`);
    if (hasOldLeaseColumns(db))
      for (const column of oldLeaseColumns) db.exec(`ALTER TABLE tasks DROP COLUMN ${column}`);
  }).immediate();
}

/**
 * A store made before `task_leases`, read only (so not migrated): its tasks' leases as they are
 * at opening, copied under that name into the connection's own temporary schema.
 */
function olderLeases(db: Database.Database): string {
  return `${leaseTable.replace('CREATE TABLE', 'CREATE TEMP TABLE')};
    INSERT INTO temp.task_leases ${oldLeases(db)}`;
}

const noneFenced: ReadonlySet<string> = new Set();

/**
 * The store with every error SQLite raises (`database disk image is malformed`, `disk I/O
 * error`) naming the file it is about.
 */
function namedErrors(path: string, store: Store): Store {
  const named = (error: unknown) =>
    error instanceof Database.SqliteError
      ? new StoreError(`the SQLite store at ${path}: ${error.message}`)
      : error;
  return Object.fromEntries(
    Object.entries(store).map(([name, method]) => [
      name,
      async (...args: unknown[]) => {
        try {
          return await (method as (...a: unknown[]) => Promise<unknown>)(...args);
        } catch (error) {
          throw named(error);
        }
      },
    ]),
  ) as unknown as Store;
}

/** The store's file, created with its directory when missing, and its schema brought up to date. */
function openForWriting(path: string): Database.Database {
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const db = new Database(path);
    // The store holds task texts and outputs: only its owner reads it.
    if (path !== ':memory:') chmodSync(path, 0o600);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    // Room for the working set of live tasks, and fewer (fsync'ing) checkpoints under load.
    db.pragma('cache_size = -65536');
    db.pragma('wal_autocheckpoint = 10000');
    db.exec(schema);
    addMissingColumns(db);
    moveLeases(db);
    db.exec(sourceSchema);
    db.exec(reviewedSchema);
    return db;
  } catch (error) {
    throw new StoreError(`cannot open the SQLite store at ${path}: ${(error as Error).message}`);
  }
}

/**
 * An existing store opened to read only: nothing is created or changed (no directory, no
 * schema, no expired reservation released). A copy the user may only read, in a directory
 * they may not write, opens too: SQLite cannot make the shared-memory file a WAL database
 * wants beside it, so the file is read into memory instead (marked as a rollback-journal
 * database, which is what a checkpointed WAL file is).
 */
function openReadOnly(path: string): Database.Database {
  if (path === ':memory:' || !existsSync(path)) throw new StoreError(`no store at ${path}`);
  let db: Database.Database;
  try {
    try {
      db = new Database(path, { readonly: true, fileMustExist: true });
      db.pragma('busy_timeout = 5000');
      db.prepare('SELECT 1 FROM sqlite_master LIMIT 1').get();
    } catch (error) {
      if (!/readonly|unable to open/i.test((error as Error).message) || existsSync(`${path}-wal`))
        throw error;
      const copy = readFileSync(path);
      copy[18] = 1; // file format write and read versions: 1 is the rollback journal
      copy[19] = 1;
      db = new Database(copy, { readonly: true });
    }
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    if (!tables.includes('tasks') || !tables.includes('budget_reservations')) {
      db.close();
      throw new StoreError(`${path} is not a cto-orchestrator store (or one too old to read)`);
    }
    if (!tables.includes('task_leases')) db.exec(olderLeases(db));
    return db;
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError(`cannot open the SQLite store at ${path}: ${(error as Error).message}`);
  }
}

/**
 * The embedded store: one SQLite file (better-sqlite3) in WAL mode, needing no setup. With
 * `synchronous = NORMAL` a commit survives a crash of the process (not the loss of power
 * before the next checkpoint); that is the trade that makes thousands of transitions a
 * second possible.
 *
 * @example
 * const store = openSqliteStore('.cto/state.db');
 * await store.commit({ tasks: [{ taskId, input, event: null, snapshot, status: 'classifying', machineVersion: 1, at: Date.now() }] });
 */
export function openSqliteStore(path: string, options: { readOnly?: boolean } = {}): Store {
  const readOnly = options.readOnly === true;
  const db = readOnly ? openReadOnly(path) : openForWriting(path);
  const counters = createStoreCounters();
  countSqlite(db, counters);

  // A task whose source key another task has is not inserted (`changes` is 0).
  const insertTask = db.prepare(
    `INSERT INTO tasks (id, status, machine_version, input, snapshot, created_at, updated_at,
       source_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (source_key) DO NOTHING`,
  );
  const insertLease = db.prepare(
    'INSERT INTO task_leases (task_id, owner, token, expires_at) VALUES (?, ?, ?, ?)',
  );
  const updateTask = db.prepare(
    'UPDATE tasks SET status = ?, machine_version = ?, snapshot = ?, updated_at = ? WHERE id = ?',
  );
  const insertEvent = db.prepare(
    'INSERT INTO events (task_id, seq, event, at) VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE task_id = ?), ?, ?)',
  );
  const selectTask = db.prepare('SELECT * FROM tasks WHERE id = ?');
  const selectUnfinished = db.prepare(
    `SELECT * FROM tasks WHERE status NOT IN (${[...finalStatuses].map(() => '?').join(', ')}) ORDER BY created_at, id`,
  );
  const selectLeaseToken = db.prepare('SELECT token FROM task_leases WHERE task_id = ?').pluck();
  // A claim takes its leases in one statement, choosing the tasks by id alone, and then reads
  // the tasks it took (sorted here): sorting whole rows, snapshots and all, costs more.
  const claimable = `SELECT t.id FROM tasks AS t JOIN task_leases AS l ON l.task_id = t.id
     WHERE t.${unfinished} AND (l.owner IS NULL OR l.expires_at <= @now)`;
  const takeLeases = db.prepare(
    `UPDATE task_leases SET owner = @owner, token = token + 1, expires_at = @expiresAt
     WHERE task_id IN (${claimable} ORDER BY t.created_at, t.id LIMIT @limit)
     RETURNING task_id, token`,
  );
  const takeLease = db.prepare(
    `UPDATE task_leases SET owner = @owner, token = token + 1, expires_at = @expiresAt
     WHERE task_id IN (${claimable} AND t.id = @taskId) RETURNING task_id, token`,
  );
  const selectTasks = db.prepare(
    `SELECT id, status, machine_version, input, snapshot, created_at, updated_at FROM tasks
     WHERE id IN (SELECT value FROM json_each(?))`,
  );
  // The heartbeat and a release: each one statement however many tasks (ids as a JSON array).
  const extendLeases = db.prepare(
    `UPDATE task_leases SET expires_at = ?
     WHERE owner = ? AND task_id IN (SELECT value FROM json_each(?)) RETURNING task_id, token`,
  );
  const dropLeases = db.prepare(
    `UPDATE task_leases SET owner = NULL, expires_at = NULL
     WHERE owner = ? AND task_id IN (SELECT value FROM json_each(?))`,
  );
  const selectCounts = db.prepare('SELECT status, COUNT(*) AS n FROM tasks GROUP BY status');
  const selectEvents = db.prepare(
    'SELECT task_id, seq, event, at FROM events WHERE task_id = ? ORDER BY seq',
  );
  const insertJournal = db.prepare(
    `INSERT INTO journal (task_id, request_id, seq, kind, data, at) VALUES (?, ?,
      (SELECT COALESCE(MAX(seq), 0) + 1 FROM journal WHERE task_id = ? AND request_id = ?), ?, ?, ?)`,
  );
  const selectJournal = db.prepare(
    'SELECT * FROM journal WHERE task_id = ? ORDER BY request_id, seq',
  );
  const selectJournalForRequest = db.prepare(
    'SELECT * FROM journal WHERE task_id = ? AND request_id = ? ORDER BY seq',
  );
  const selectJournals = db.prepare(
    `SELECT j.* FROM json_each(?) AS r JOIN journal AS j
       ON j.task_id = r.value ->> 0 AND j.request_id = r.value ->> 1
     ORDER BY j.task_id, j.request_id, j.seq`,
  );
  const insertBlob = db.prepare('INSERT OR IGNORE INTO blobs (hash, content) VALUES (?, ?)');
  const selectBlob = db.prepare('SELECT content FROM blobs WHERE hash = ?');
  const upsertPerformance = db.prepare(
    `INSERT INTO performance (model, task_type, ${performanceColumns.map(([c]) => c).join(', ')}, max_call_tokens)
     VALUES (@model, @taskType, ${performanceColumns.map(([, k]) => `@${k}`).join(', ')}, @maxCallTokens)
     ON CONFLICT (model, task_type) DO UPDATE SET
     ${performanceColumns.map(([c]) => `${c} = ${c} + excluded.${c}`).join(', ')},
     max_call_tokens = MAX(max_call_tokens, excluded.max_call_tokens)`,
  );
  const selectPerformance = db.prepare('SELECT * FROM performance ORDER BY model, task_type');
  // A scope's use: settled, and the sum of its reservation rows unexpired at `now`.
  const selectUsage = db.prepare(sqliteUsageQuery);

  /** The fenced tasks of a batch, read inside its transaction: see `staleFences`. */
  function fencedTasks(batch: CommitBatch): ReadonlySet<string> {
    if (!batch.fences?.length) return noneFenced;
    return staleFences(batch, (taskId) => selectLeaseToken.get(taskId) as number | undefined);
  }

  // This store's live reservations are held in memory and stored as totals under this id.
  const commitBudget = sqliteBudgetCommit(db, `hold:${randomUUID()}`);
  // Gives the budget part too: what it keeps in memory is kept once the transaction commits.
  const commitAll = db.transaction((batch: CommitBatch): [CommitResult, BudgetOutcome] => {
    const fenced = fencedTasks(batch);
    for (const [ref, content] of batch.blobs ?? []) insertBlob.run(ref, content);
    // The batch's deltas summed per model and task type first: one upsert per row they touch.
    const sums = new Map<string, PerformanceRow>();
    for (const delta of batch.performance ?? []) {
      if (fenced.size > 0 && fenced.has(deltaTask(delta) ?? '')) continue;
      const key = `${delta.model}\u0000${delta.taskType}`;
      const sum = sums.get(key);
      sums.set(key, sum ? addPerformance(sum, delta) : delta);
    }
    for (const sum of sums.values()) upsertPerformance.run(sum);
    const budget = commitBudget(batch);
    const { overBudget } = budget;
    for (const entry of batch.journal ?? []) {
      if (fenced.size > 0 && fenced.has(entry.taskId)) continue;
      insertJournal.run(
        entry.taskId,
        entry.requestId,
        entry.taskId,
        entry.requestId,
        entry.kind,
        JSON.stringify(entry.data ?? null),
        entry.at,
      );
    }
    const duplicates = new Set<string>();
    for (const commit of batch.tasks ?? []) {
      if (fenced.size > 0 && fenced.has(commit.taskId)) continue;
      if (duplicates.has(commit.taskId)) continue;
      const snapshot = JSON.stringify(commit.snapshot);
      if (commit.input) {
        const inserted = insertTask.run(
          commit.taskId,
          commit.status,
          commit.machineVersion,
          JSON.stringify(commit.input),
          snapshot,
          commit.at,
          commit.at,
          commit.sourceKey ?? null,
        );
        if (inserted.changes === 0) {
          duplicates.add(commit.taskId);
          continue;
        }
        insertLease.run(
          commit.taskId,
          commit.claim?.owner ?? null,
          commit.claim ? 1 : 0,
          commit.claim?.expiresAt ?? null,
        );
      } else {
        const changed = updateTask.run(
          commit.status,
          commit.machineVersion,
          snapshot,
          commit.at,
          commit.taskId,
        );
        if (changed.changes !== 1) throw new StoreError(`no task ${commit.taskId} to update`);
      }
      insertEvent.run(
        commit.taskId,
        commit.taskId,
        commit.event ? JSON.stringify(commit.event) : null,
        commit.at,
      );
    }
    const result: CommitResult = { fenced: [...fenced], duplicates: [...duplicates] };
    if (overBudget.length > 0) result.overBudget = overBudget;
    return [result, budget];
  });

  // Immediate transactions: they take the write lock before their first read, so the rows a
  // claim or a fence check reads cannot change under them (SQLite serialises writers).
  const claim = db.transaction(
    (owner: string, limit: number, now: number, leaseMs: number, taskId?: string) => {
      const expiresAt = now + leaseMs;
      const tokens = leaseTokens(
        taskId === undefined
          ? takeLeases.all({ owner, expiresAt, now, limit })
          : takeLease.all({ owner, expiresAt, now, taskId }),
      );
      if (tokens.size === 0) return [];
      // Each row read as it comes: its text (a snapshot is a few kilobytes) is garbage at once,
      // rather than every row's held until the last is read (a third less CPU for 10,000).
      const claims: { claim: TaskClaim; createdAt: number }[] = [];
      for (const row of selectTasks.iterate(JSON.stringify([...tokens.keys()]))) {
        const { id, created_at: createdAt } = row as TaskRow;
        const lease = { taskId: id, owner, token: tokens.get(id) as number, expiresAt };
        claims.push({ claim: claimFromRow(row as TaskRow, lease), createdAt });
      }
      claims.sort(
        (a, b) =>
          a.createdAt - b.createdAt || (a.claim.lease.taskId < b.claim.lease.taskId ? -1 : 1),
      );
      return claims.map(({ claim }) => claim);
    },
  );
  function renew(owner: string, taskIds: readonly string[], expiresAt: number): Lease[] {
    const tokens = leaseTokens(extendLeases.all(expiresAt, owner, JSON.stringify(taskIds)));
    return taskIds.flatMap((taskId): Lease[] => {
      const token = tokens.get(taskId);
      return token === undefined ? [] : [{ taskId, owner, token, expiresAt }];
    });
  }
  const releaseAll = db.prepare(
    'UPDATE task_leases SET owner = NULL, expires_at = NULL WHERE owner = ?',
  );
  const selectLeaseOwners = db.prepare(
    `SELECT DISTINCT l.owner FROM task_leases AS l JOIN tasks AS t ON t.id = l.task_id
     WHERE l.expires_at > ? AND t.${unfinished} ORDER BY l.owner`,
  );

  return namedErrors(path, {
    async commit(batch) {
      const [result, budget] = commitAll.immediate(batch);
      budget.committed();
      return result;
    },
    async getTask(id) {
      const row = selectTask.get(id) as TaskRow | undefined;
      return row ? taskFromRow(row) : null;
    },
    // One implementation of both overloads: unreadable rows are given only when asked for.
    listTasks: (async (filter: TaskListFilter = {}) => {
      const statuses = filter.status ?? [];
      const { after } = filter;
      const conditions = [
        ...(statuses.length > 0 ? [`status IN (${statuses.map(() => '?').join(', ')})`] : []),
        ...(after ? ['(created_at < ? OR (created_at = ? AND id > ?))'] : []),
      ];
      const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
      const rows = db
        .prepare(
          `SELECT id, status, machine_version, input, created_at, updated_at FROM tasks ${where} ORDER BY created_at DESC, id LIMIT ?`,
        )
        .all(
          ...statuses,
          ...(after ? [after.createdAt, after.createdAt, after.id] : []),
          filter.limit ?? -1,
        ) as TaskRow[];
      return rows.map((row) => summaryFromRow(row, filter.withUnreadable));
    }) as Store['listTasks'],
    async unfinishedTasks() {
      return (selectUnfinished.all(...finalStatuses) as TaskRow[]).map(taskFromRow);
    },
    async claimTasks({ owner, limit, now, leaseMs, taskId }) {
      if (limit <= 0) return [];
      return claim.immediate(owner, limit, now, leaseMs, taskId);
    },
    async renewLeases({ owner, taskIds, now, leaseMs }) {
      if (taskIds.length === 0) return [];
      return renew(owner, taskIds, now + leaseMs);
    },
    async releaseLeases(owner, taskIds) {
      if (taskIds === undefined) releaseAll.run(owner);
      else if (taskIds.length > 0) dropLeases.run(owner, JSON.stringify(taskIds));
    },
    async leaseOwners(now) {
      return (selectLeaseOwners.all(now) as { owner: string }[]).map((row) => row.owner);
    },
    async countByStatus() {
      const counts: Partial<Record<TaskStatus, number>> = {};
      for (const row of selectCounts.all() as { status: TaskStatus; n: number }[])
        counts[row.status] = row.n;
      return counts;
    },
    async events(taskId) {
      return (selectEvents.all(taskId) as EventRow[]).map(eventFromRow);
    },
    async journal(taskId, requestId) {
      const rows =
        requestId === undefined
          ? selectJournal.all(taskId)
          : selectJournalForRequest.all(taskId, requestId);
      return (rows as JournalRow[]).map(journalFromRow);
    },
    async journals(requests) {
      if (requests.length === 0) return [];
      const pairs = JSON.stringify(requests.map((r) => [r.taskId, r.requestId]));
      return (selectJournals.all(pairs) as JournalRow[]).map(journalFromRow);
    },
    async putBlob(content) {
      const ref = blobRef(content);
      insertBlob.run(ref, content);
      return ref;
    },
    async getBlob(ref) {
      const row = selectBlob.get(ref) as { content: string } | undefined;
      return row?.content ?? null;
    },
    async performance() {
      return (selectPerformance.all() as Record<string, unknown>[]).map(performanceFromRow);
    },
    async budgetUsage(window, now) {
      return (selectUsage.all({ window, now }) as Record<string, unknown>[]).map((row) =>
        usageFromRow(row, window),
      );
    },
    ...sqliteSourceTables(db),
    async counts() {
      return counters.read();
    },
    ...sqliteReviewedTables(db),
    async close() {
      if (db.open) db.close();
    },
  });
}
