import type pg from 'pg';
import type { Migration } from './postgres-migrations.js';
import { statement } from './postgres-statement.js';
import {
  featuresToBytes,
  type ReviewedRow,
  type ReviewedStoreMethods,
  reviewedFromRow,
} from './reviewed-rows.js';

/** Migration 3: the table of reviewed attempts' text features, numbered in the order stored. */
export const reviewedMigration: Migration = {
  version: 3,
  name: "reviewed attempts' text features (routing by similar tasks)",
  sql: `
CREATE TABLE reviewed_attempts (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  task_id TEXT COLLATE "C" NOT NULL,
  attempt INTEGER NOT NULL,
  model TEXT NOT NULL,
  task_type TEXT NOT NULL,
  approved BOOLEAN NOT NULL,
  at BIGINT NOT NULL,
  features BYTEA NOT NULL,
  UNIQUE (task_id, attempt)
);
`,
};

const sql = {
  insert: statement(
    'insert_reviewed',
    `INSERT INTO reviewed_attempts (task_id, attempt, model, task_type, approved, at, features)
     SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::bool[], $6::int8[], $7::bytea[])
     ON CONFLICT (task_id, attempt) DO NOTHING`,
  ),
  select: statement(
    'select_reviewed',
    `SELECT seq, task_id, attempt, model, task_type, approved, at, features
     FROM reviewed_attempts WHERE seq > $1 ORDER BY seq LIMIT $2`,
  ),
};

/**
 * The Store methods of text routing on PostgreSQL (migration 3), given the store's own query
 * runner, so that they fail as every other method does.
 *
 * @example
 * return { ...postgresReviewedTables({ query }), … };
 */
export function postgresReviewedTables({
  query,
}: {
  query: <R extends pg.QueryResultRow>(config: pg.QueryConfig) => Promise<R[]>;
}): ReviewedStoreMethods {
  return {
    async putReviewedAttempts(attempts) {
      if (attempts.length === 0) return;
      await query(
        sql.insert(
          attempts.map((a) => a.taskId),
          attempts.map((a) => a.attempt),
          attempts.map((a) => a.model),
          attempts.map((a) => a.taskType),
          attempts.map((a) => a.approved),
          attempts.map((a) => a.at),
          attempts.map((a) => featuresToBytes(a.features)),
        ),
      );
    },
    async reviewedAttempts(after, limit) {
      return (await query<ReviewedRow & pg.QueryResultRow>(sql.select(after, limit))).map(
        reviewedFromRow,
      );
    },
  };
}
