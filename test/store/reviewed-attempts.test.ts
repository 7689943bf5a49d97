import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReviewedAttempt } from '../../src/routing/reviewed-attempt.js';
import { textFeatures } from '../../src/routing/text-features.js';
import { openPostgresStore } from '../../src/store/postgres-store.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import type { FreshDatabase } from '../../src/testing/fresh-postgres-database.js';
import { freshDatabase, skipPostgres } from '../helpers/postgres-database.js';

function reviewed(
  taskId: string,
  attempt: number,
  approved: boolean,
  text: string,
): ReviewedAttempt {
  return {
    taskId,
    attempt,
    model: attempt === 1 ? 'deepseek' : 'opus',
    taskType: 'coding',
    approved,
    at: 1_000 + attempt,
    features: textFeatures(text),
  };
}

/** Float32 storage: weights come back within float precision. */
function expectSame(actual: ReviewedAttempt, expected: ReviewedAttempt) {
  expect({ ...actual, features: actual.features.terms }).toEqual({
    ...expected,
    features: expected.features.terms,
  });
  actual.features.weights.forEach((w, i) => {
    expect(w).toBeCloseTo(expected.features.weights[i] ?? Number.NaN, 6);
  });
}

function describeRoundTrip(
  name: string,
  open: () => Promise<{ store: Store; reopen: () => Store }>,
) {
  describe(`${name} store: reviewed attempts' text features`, () => {
    it('keeps features, not text, reads them back in the order stored, and pages from a number', async () => {
      const { store, reopen } = await open();
      const first = reviewed('t1', 1, false, 'the date parser rejects ISO dates');
      const second = reviewed('t1', 2, true, 'the date parser rejects ISO dates');
      const third = reviewed('t2', 1, true, 'add a retry to the upload client');
      await store.putReviewedAttempts([first, second]);
      await store.putReviewedAttempts([third]);
      // Stored again (a replayed step): left as it is.
      await store.putReviewedAttempts([{ ...first, approved: true }]);
      await store.putReviewedAttempts([]);
      await store.close();
      const again = reopen();
      const all = await again.reviewedAttempts(0, 10);
      expect(all).toHaveLength(3);
      expect(all.map((r) => r.seq)).toEqual([...all.map((r) => r.seq)].sort((a, b) => a - b));
      for (const [i, expected] of [first, second, third].entries()) {
        expectSame(all[i]?.attempt as ReviewedAttempt, expected);
      }
      const page = await again.reviewedAttempts(all[0]?.seq ?? 0, 1);
      expect(page.map((r) => r.attempt.attempt)).toEqual([2]);
      expect(await again.reviewedAttempts(all[2]?.seq ?? 0, 10)).toEqual([]);
      await again.close();
    });
  });
}

describeRoundTrip('SQLite', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'cto-reviewed-')), 'state.db');
  return { store: openSqliteStore(file), reopen: () => openSqliteStore(file) };
});

describe('SQLite store: a malformed reviewed row', () => {
  it('is named in one line, not read half', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cto-reviewed-')), 'state.db');
    const store = openSqliteStore(file);
    await store.putReviewedAttempts([reviewed('t1', 1, true, 'some words here')]);
    await store.close();
    const db = new Database(file);
    db.prepare("UPDATE reviewed_attempts SET features = x'0102'").run();
    db.close();
    const again = openSqliteStore(file);
    await expect(again.reviewedAttempts(0, 10)).rejects.toThrow(
      /^reviewed attempt 1 \(task t1\): stored text features have 2 bytes, not a multiple of 8$/,
    );
    await again.close();
  });
});

if (skipPostgres) {
  describe.skip('PostgreSQL store: reviewed attempts (CTO_TEST_DATABASE_URL is not set)', () => {
    it('round-trips features', () => {});
  });
} else {
  const databases: FreshDatabase[] = [];
  afterAll(async () => {
    await Promise.all(databases.map((d) => d.drop()));
  });
  describeRoundTrip('PostgreSQL', async () => {
    const database = await freshDatabase();
    databases.push(database);
    return {
      store: openPostgresStore(database.url),
      reopen: () => openPostgresStore(database.url),
    };
  });
}
