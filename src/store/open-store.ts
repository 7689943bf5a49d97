import { resolve } from 'node:path';
import { openSqliteStore } from './sqlite-store.js';
import { type Store, StoreError } from './store.js';

export const defaultStorePath = '.cto/state.db';

/**
 * Opens the store a location names: `--store`, else `CTO_STORE`, else `./.cto/state.db`. A
 * path or `sqlite:PATH` is the embedded SQLite store.
 *
 * @example
 * const store = openStore(options.store ?? process.env.CTO_STORE, process.cwd());
 */
export function openStore(location: string | undefined, cwd: string): Store {
  const where = location?.trim() || defaultStorePath;
  if (/^postgres(ql)?:\/\//.test(where)) {
    throw new StoreError(
      'the PostgreSQL store is not available in this version; use a SQLite file',
    );
  }
  const path = where.startsWith('sqlite:') ? where.slice('sqlite:'.length) : where;
  if (path === '') throw new StoreError('sqlite: needs a file path, e.g. sqlite:.cto/state.db');
  return openSqliteStore(path === ':memory:' ? path : resolve(cwd, path));
}
