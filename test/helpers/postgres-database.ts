import { nanoid } from 'nanoid';
import pg from 'pg';

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

/**
 * A fresh database on the test server, for processes that each open their own connections;
 * `drop()` removes it (ending whatever is still connected).
 */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const { url, reason } = testDatabaseUrl();
  if (!url) throw new Error(`no PostgreSQL for this test: ${reason}`);
  const name = `cto_test_${nanoid(10)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '_')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
