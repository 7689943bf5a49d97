import type Database from 'better-sqlite3';
import {
  featuresToBytes,
  type ReviewedRow,
  type ReviewedStoreMethods,
  reviewedFromRow,
} from './reviewed-rows.js';

/**
 * The SQLite table of reviewed attempts' text features: numbered in the order stored, one row
 * per task and attempt.
 */
export const reviewedSchema = `
CREATE TABLE IF NOT EXISTS reviewed_attempts (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  model TEXT NOT NULL,
  task_type TEXT NOT NULL,
  approved INTEGER NOT NULL,
  at INTEGER NOT NULL,
  features BLOB NOT NULL,
  UNIQUE (task_id, attempt)
);
`;

/**
 * The Store methods of text routing over an open SQLite database whose schema has
 * `reviewedSchema`.
 *
 * @example
 * return { ...sqliteReviewedTables(db), … };
 */
export function sqliteReviewedTables(db: Database.Database): ReviewedStoreMethods {
  const insert = db.prepare(
    `INSERT INTO reviewed_attempts (task_id, attempt, model, task_type, approved, at, features)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (task_id, attempt) DO NOTHING`,
  );
  const select = db.prepare('SELECT * FROM reviewed_attempts WHERE seq > ? ORDER BY seq LIMIT ?');
  const insertAll = db.transaction(
    (attempts: Parameters<ReviewedStoreMethods['putReviewedAttempts']>[0]) => {
      for (const a of attempts) {
        insert.run(
          a.taskId,
          a.attempt,
          a.model,
          a.taskType,
          a.approved ? 1 : 0,
          a.at,
          featuresToBytes(a.features),
        );
      }
    },
  );
  return {
    async putReviewedAttempts(attempts) {
      if (attempts.length > 0) insertAll.immediate(attempts);
    },
    async reviewedAttempts(after, limit) {
      return (select.all(after, limit) as ReviewedRow[]).map(reviewedFromRow);
    },
  };
}
