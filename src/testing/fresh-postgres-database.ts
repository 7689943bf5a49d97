import { nanoid } from 'nanoid';
import pg from 'pg';

/** A database made for one test or benchmark run, and the way to remove it. */
export interface FreshDatabase {
  url: string;
  /** Drops the database, ending whatever is still connected to it. */
  drop(): Promise<void>;
}

/**
 * Creates an empty database on the PostgreSQL server at `serverUrl`, for runs whose several
 * processes each open their own connections (a schema per test would not reach them).
 *
 * @example
 * const database = await freshPostgresDatabase('postgres://postgres@127.0.0.1:5432/test');
 * // … cto serve --store database.url …
 * await database.drop();
 */
export async function freshPostgresDatabase(serverUrl: string): Promise<FreshDatabase> {
  const name = `cto_run_${nanoid(10)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '_')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
