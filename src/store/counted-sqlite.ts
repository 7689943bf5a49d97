import type Database from 'better-sqlite3';
import type { StoreCounters } from './store-counters.js';

const executing = ['run', 'get', 'all', 'iterate'] as const;

/**
 * Makes `db` count, in `counters`, every statement it runs and every transaction it begins:
 * its `prepare` hands out statements whose every run counts one, and its `transaction` wraps
 * functions that count one each time they run (however they begin: deferred, immediate …).
 *
 * @example
 * const counters = createStoreCounters();
 * countSqlite(db, counters);
 * db.prepare('SELECT 1').get();
 * counters.read().statements; // 1
 */
export function countSqlite(db: Database.Database, counters: StoreCounters): void {
  const prepare = db.prepare.bind(db);
  db.prepare = ((source: string) => {
    const statement = prepare(source) as unknown as Record<string, (...a: unknown[]) => unknown>;
    for (const name of executing) {
      const run = statement[name]?.bind(statement);
      if (!run) continue;
      statement[name] = (...args: unknown[]) => {
        counters.add({ statements: 1 });
        return run(...args);
      };
    }
    return statement;
  }) as unknown as typeof db.prepare;
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn: (...a: unknown[]) => unknown) =>
    transaction((...args: unknown[]) => {
      counters.add({ transactions: 1 });
      return fn(...args);
    })) as typeof db.transaction;
}
