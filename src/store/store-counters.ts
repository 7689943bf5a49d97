/**
 * What a store has sent to its database since it opened: SQL statements (transaction control
 * not counted), round trips to the server (every message a PostgreSQL client waits on,
 * `BEGIN` and `COMMIT` included; 0 for SQLite, which runs in the process) and transactions.
 * The benches divide them by the tasks done.
 */
export interface StoreCounts {
  statements: number;
  roundTrips: number;
  transactions: number;
}

/** A store's running counts, and how its code adds to them. */
export interface StoreCounters {
  /** A copy of the counts so far. */
  read(): StoreCounts;
  add(counts: Partial<StoreCounts>): void;
}

/**
 * Counters that start at zero.
 *
 * @example
 * const counters = createStoreCounters();
 * counters.add({ statements: 1, roundTrips: 1 });
 * counters.read(); // { statements: 1, roundTrips: 1, transactions: 0 }
 */
export function createStoreCounters(): StoreCounters {
  const counts: StoreCounts = { statements: 0, roundTrips: 0, transactions: 0 };
  return {
    read: () => ({ ...counts }),
    add(more) {
      counts.statements += more.statements ?? 0;
      counts.roundTrips += more.roundTrips ?? 0;
      counts.transactions += more.transactions ?? 0;
    },
  };
}
