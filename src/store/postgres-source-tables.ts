import type pg from 'pg';
import { statement } from './postgres-statement.js';
import { finalStatuses, type SourceStoreMethods } from './store.js';
import {
  healthFromRow,
  prefixRange,
  type SourceTaskRow,
  sourceTaskFromRow,
} from './stored-rows.js';

const weekMs = 7 * 24 * 3_600_000;
const final = [...finalStatuses].map((status) => `'${status}'`).join(', ');
const sourceTaskColumns = `t.id, t.source_key, t.status, t.input,
  (SELECT l.token FROM task_leases AS l WHERE l.task_id = t.id) AS lease_token,
  (SELECT string_agg(r.step, ',') FROM task_reports AS r
   WHERE r.task_id = t.id AND r.done_at IS NOT NULL) AS reported`;

const sql = {
  taskBySource: statement(
    'task_by_source',
    `SELECT ${sourceTaskColumns} FROM tasks AS t WHERE t.source_key = $1`,
  ),
  openSourceTasks: statement(
    'open_source_tasks',
    `SELECT ${sourceTaskColumns} FROM tasks AS t
     WHERE t.source_key >= $1 AND t.source_key < $2
       AND (t.status NOT IN (${final}) OR NOT EXISTS (SELECT 1 FROM task_reports AS r
         WHERE r.task_id = t.id AND r.step = 'end' AND r.done_at IS NOT NULL))
     ORDER BY t.created_at, t.id`,
  ),
  // A claim locks the lease row and raises the token first, or this locks it first (the claim
  // passes over the task) and finds the token still 0.
  replaceQueued: statement(
    'replace_queued',
    `WITH queued AS (
       SELECT task_id FROM task_leases
       WHERE task_id = $4 AND token = 0 AND owner IS NULL FOR UPDATE
     )
     UPDATE tasks SET input = $1, snapshot = $2, updated_at = $3
     FROM queued WHERE tasks.id = queued.task_id RETURNING id`,
  ),
  // The row is locked (or inserted) first, so two processes beginning one step take turns.
  lockReport: statement(
    'lock_report',
    `INSERT INTO task_reports (task_id, step, owner, expires_at, tries) VALUES ($1, $2, NULL, NULL, 0)
     ON CONFLICT (task_id, step) DO UPDATE SET tries = task_reports.tries
     RETURNING owner, expires_at, done_at`,
  ),
  takeReport: statement(
    'take_report',
    `UPDATE task_reports SET owner = $3, expires_at = $4, tries = tries + 1
     WHERE task_id = $1 AND step = $2 RETURNING tries`,
  ),
  finishReport: statement(
    'finish_report',
    `UPDATE task_reports SET owner = NULL, expires_at = NULL, done_at = $4, error = NULL
     WHERE task_id = $1 AND step = $2 AND owner = $3`,
  ),
  giveBackReport: statement(
    'give_back_report',
    `UPDATE task_reports SET owner = NULL, expires_at = NULL, error = $4
     WHERE task_id = $1 AND step = $2 AND owner = $3`,
  ),
  upsertHealth: statement(
    'upsert_health',
    `INSERT INTO source_health (source, owner, at, health) VALUES ($1, $2, $3, $4)
     ON CONFLICT (source, owner) DO UPDATE SET at = excluded.at, health = excluded.health`,
  ),
  pruneHealth: statement('prune_health', 'DELETE FROM source_health WHERE at < $1'),
  selectHealth: statement(
    'select_health',
    'SELECT source, owner, at, health FROM source_health ORDER BY source, at DESC, owner',
  ),
};

/**
 * The Store methods of task sources on PostgreSQL (migration 2), given the store's own query
 * and transaction runners, so that they fail as every other method does.
 *
 * @example
 * return { ...postgresSourceTables({ query, transaction }), … };
 */
export function postgresSourceTables({
  query,
  transaction,
}: {
  query: <R extends pg.QueryResultRow>(config: pg.QueryConfig) => Promise<R[]>;
  transaction: <T>(work: (client: pg.PoolClient) => Promise<T>) => Promise<T>;
}): SourceStoreMethods {
  return {
    async taskBySource(sourceKey) {
      const [row] = await query<SourceTaskRow>(sql.taskBySource(sourceKey));
      return row ? sourceTaskFromRow(row) : null;
    },
    async openSourceTasks(prefix) {
      const rows = await query<SourceTaskRow>(sql.openSourceTasks(...prefixRange(prefix)));
      return rows.map(sourceTaskFromRow);
    },
    async replaceQueued({ taskId, input, snapshot, at }) {
      const rows = await query(
        sql.replaceQueued(JSON.stringify(input), JSON.stringify(snapshot), at, taskId),
      );
      return rows.length === 1;
    },
    beginReport({ taskId, step, owner, now, leaseMs }) {
      return transaction(async (client) => {
        const { rows } = await client.query<{
          owner: string | null;
          expires_at: number | null;
          done_at: number | null;
        }>(sql.lockReport(taskId, step));
        const row = rows[0];
        if (!row || row.done_at !== null) return null;
        if (row.owner !== null && row.owner !== owner && (row.expires_at ?? 0) > now) return null;
        const taken = await client.query<{ tries: number }>(
          sql.takeReport(taskId, step, owner, now + leaseMs),
        );
        return { tries: taken.rows[0]?.tries ?? 1 };
      });
    },
    async endReport({ taskId, step, owner, now, error }) {
      await query(
        error === undefined
          ? sql.finishReport(taskId, step, owner, now)
          : sql.giveBackReport(taskId, step, owner, error),
      );
    },
    putSourceHealth({ source, owner, at, health }) {
      return transaction(async (client) => {
        await client.query(sql.upsertHealth(source, owner, at, JSON.stringify(health)));
        await client.query(sql.pruneHealth(at - weekMs));
      });
    },
    async sourceHealth() {
      const rows = await query<{ source: string; owner: string; at: number; health: string }>(
        sql.selectHealth(),
      );
      return rows.map(healthFromRow);
    },
  };
}
