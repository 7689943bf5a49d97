import type Database from 'better-sqlite3';
import { finalStatuses, type SourceStoreMethods } from './store.js';
import {
  healthFromRow,
  prefixRange,
  type SourceTaskRow,
  sourceTaskFromRow,
} from './stored-rows.js';

/**
 * What task sources add to the SQLite schema, run after `tasks.source_key` exists: the key is
 * unique (NULLs, the tasks of no source, are distinct), each step of a task's report to its
 * source is a row (who writes it until when, how often it was begun, when it was written), and
 * each process's view of each source's health.
 */
export const sourceSchema = `
CREATE UNIQUE INDEX IF NOT EXISTS tasks_by_source_key ON tasks (source_key);
CREATE TABLE IF NOT EXISTS task_reports (
  task_id TEXT NOT NULL,
  step TEXT NOT NULL,
  owner TEXT,
  expires_at INTEGER,
  tries INTEGER NOT NULL,
  done_at INTEGER,
  error TEXT,
  PRIMARY KEY (task_id, step)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS source_health (
  source TEXT NOT NULL,
  owner TEXT NOT NULL,
  at INTEGER NOT NULL,
  health TEXT NOT NULL,
  PRIMARY KEY (source, owner)
) WITHOUT ROWID;
`;

const weekMs = 7 * 24 * 3_600_000;
const final = [...finalStatuses].map((status) => `'${status}'`).join(', ');
const sourceTaskColumns = `t.id, t.source_key, t.status, t.input,
  (SELECT l.token FROM task_leases AS l WHERE l.task_id = t.id) AS lease_token,
  (SELECT group_concat(r.step) FROM task_reports AS r WHERE r.task_id = t.id AND r.done_at IS NOT NULL) AS reported`;

/**
 * The Store methods of task sources, over an open SQLite database whose schema has
 * `sourceSchema`.
 *
 * @example
 * return { ...sqliteSourceTables(db), … };
 */
export function sqliteSourceTables(db: Database.Database): SourceStoreMethods {
  const selectBySource = db.prepare(
    `SELECT ${sourceTaskColumns} FROM tasks AS t WHERE t.source_key = ?`,
  );
  const selectOpen = db.prepare(
    `SELECT ${sourceTaskColumns} FROM tasks AS t
     WHERE t.source_key >= ? AND t.source_key < ?
       AND (t.status NOT IN (${final}) OR NOT EXISTS (SELECT 1 FROM task_reports AS r
         WHERE r.task_id = t.id AND r.step = 'end' AND r.done_at IS NOT NULL))
     ORDER BY t.created_at, t.id`,
  );
  const replaceQueued = db.prepare(
    `UPDATE tasks SET input = ?, snapshot = ?, updated_at = ?
     WHERE id = ? AND id IN (SELECT task_id FROM task_leases WHERE token = 0 AND owner IS NULL)`,
  );
  const selectReport = db.prepare('SELECT * FROM task_reports WHERE task_id = ? AND step = ?');
  const insertReport = db.prepare(
    `INSERT INTO task_reports (task_id, step, owner, expires_at, tries) VALUES (?, ?, ?, ?, 1)`,
  );
  const retakeReport = db.prepare(
    `UPDATE task_reports SET owner = ?, expires_at = ?, tries = tries + 1
     WHERE task_id = ? AND step = ? RETURNING tries`,
  );
  const finishReport = db.prepare(
    `UPDATE task_reports SET owner = NULL, expires_at = NULL, done_at = ?, error = NULL
     WHERE task_id = ? AND step = ? AND owner = ?`,
  );
  const giveBackReport = db.prepare(
    `UPDATE task_reports SET owner = NULL, expires_at = NULL, error = ?
     WHERE task_id = ? AND step = ? AND owner = ?`,
  );
  const upsertHealth = db.prepare(
    `INSERT INTO source_health (source, owner, at, health) VALUES (?, ?, ?, ?)
     ON CONFLICT (source, owner) DO UPDATE SET at = excluded.at, health = excluded.health`,
  );
  const pruneHealth = db.prepare('DELETE FROM source_health WHERE at < ?');
  const selectHealth = db.prepare('SELECT * FROM source_health ORDER BY source, at DESC, owner');

  interface ReportRow {
    owner: string | null;
    expires_at: number | null;
    done_at: number | null;
  }
  const begin = db.transaction(({ taskId, step, owner, now, leaseMs }) => {
    const row = selectReport.get(taskId, step) as ReportRow | undefined;
    if (!row) {
      insertReport.run(taskId, step, owner, now + leaseMs);
      return { tries: 1 };
    }
    if (row.done_at !== null) return null;
    const held = row.owner !== null && row.owner !== owner && (row.expires_at ?? 0) > now;
    if (held) return null;
    return { tries: retakeReport.pluck().get(owner, now + leaseMs, taskId, step) as number };
  });

  return {
    async taskBySource(sourceKey) {
      const row = selectBySource.get(sourceKey) as SourceTaskRow | undefined;
      return row ? sourceTaskFromRow(row) : null;
    },
    async openSourceTasks(prefix) {
      return (selectOpen.all(...prefixRange(prefix)) as SourceTaskRow[]).map(sourceTaskFromRow);
    },
    async replaceQueued({ taskId, input, snapshot, at }) {
      const changed = replaceQueued.run(
        JSON.stringify(input),
        JSON.stringify(snapshot),
        at,
        taskId,
      );
      return changed.changes === 1;
    },
    async beginReport(claim) {
      return begin.immediate(claim);
    },
    async endReport({ taskId, step, owner, now, error }) {
      if (error === undefined) finishReport.run(now, taskId, step, owner);
      else giveBackReport.run(error, taskId, step, owner);
    },
    async putSourceHealth({ source, owner, at, health }) {
      upsertHealth.run(source, owner, at, JSON.stringify(health));
      pruneHealth.run(at - weekMs);
    },
    async sourceHealth() {
      return (
        selectHealth.all() as { source: string; owner: string; at: number; health: string }[]
      ).map(healthFromRow);
    },
  };
}
