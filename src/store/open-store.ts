import { resolve } from 'node:path';
import { openPostgresStore } from './postgres-store.js';
import { openSqliteStore } from './sqlite-store.js';
import { type Store, StoreError } from './store.js';

export const defaultStorePath = '.cto/state.db';

/**
 * Opens the store a location names: `--store`, else `CTO_STORE`, else `./.cto/state.db`. A
 * path or `sqlite:PATH` is the embedded SQLite store; a `postgres://…` or `postgresql://…` URL
 * the shared PostgreSQL store (which connects and migrates in the background: its first call
 * says if that failed). `readOnly` opens an existing SQLite store without creating or changing
 * anything (a missing file is "no store at …").
 *
 * @example
 * const store = openStore(options.store ?? process.env.CTO_STORE, process.cwd());
 * const shared = openStore('postgres://cto@db.internal:5432/cto', process.cwd());
 */
export function openStore(
  location: string | undefined,
  cwd: string,
  options: { readOnly?: boolean } = {},
): Store {
  const where = location?.trim() || defaultStorePath;
  if (/^postgres(ql)?:\/\//.test(where)) return openPostgresStore(where);
  const path = sqliteFile(where, cwd);
  if (path === '') throw new StoreError('sqlite: needs a file path, e.g. sqlite:.cto/state.db');
  if (path === null && !where.endsWith(':memory:')) {
    throw new StoreError(
      `${where}: not a store this version can open; use a SQLite file or a postgres:// URL`,
    );
  }
  return openSqliteStore(path ?? ':memory:', options);
}

/**
 * The SQLite file a location names, resolved against `cwd`: null for an in-memory store or a
 * location that is not a SQLite one (`postgres://…`), `''` for a `sqlite:` without a path.
 *
 * @example
 * sqliteFile('sqlite:.cto/state.db', '/repo'); // '/repo/.cto/state.db'
 */
export function sqliteFile(location: string, cwd: string): string | null {
  if (/^[a-z]+:\/\//.test(location)) return null;
  const path = location.startsWith('sqlite:') ? location.slice('sqlite:'.length) : location;
  if (path === ':memory:') return null;
  return path === '' ? '' : resolve(cwd, path);
}
