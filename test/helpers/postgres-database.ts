import {
  type FreshDatabase,
  freshPostgresDatabase,
} from '../../src/testing/fresh-postgres-database.js';

/**
 * The PostgreSQL server the tests may use (`CTO_TEST_DATABASE_URL`), or why there is none.
 * Under CI a missing server is a failure, never a skip: the caller asserts `reason` is null.
 */
export function testDatabaseUrl(): { url: string | null; reason: string | null } {
  const url = process.env.CTO_TEST_DATABASE_URL?.trim();
  if (url) return { url, reason: null };
  return { url: null, reason: 'CTO_TEST_DATABASE_URL is not set' };
}

/** Whether PostgreSQL tests may be skipped here: only outside CI, and only without a server. */
export const skipPostgres = !testDatabaseUrl().url && process.env.CI !== 'true';

/** A fresh database on the test server (see `freshPostgresDatabase`). */
export async function freshDatabase(): Promise<FreshDatabase> {
  const { url, reason } = testDatabaseUrl();
  if (!url) throw new Error(`no PostgreSQL for this test: ${reason}`);
  return freshPostgresDatabase(url);
}
