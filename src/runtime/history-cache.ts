import { addPerformance, type PerformanceRow } from '../store/performance-row.js';
import type { Store } from '../store/store.js';
import type { Clock } from './clock.js';
import { sharedRead } from './shared-read.js';

/** How long the history read from the store stands before being read again. */
const historyMaxAgeMs = 5_000;

/**
 * The performance history (each model's record per task type) as routing and budget estimates
 * read it: read from the store, which other processes share, now and then, and kept up to date
 * with this process's own outcomes in between.
 */
export interface HistoryCache {
  /** The rows as last read, with this process's own deltas added; none before the first read. */
  rows(): readonly PerformanceRow[];
  /**
   * Reads the history again when it is older than a few seconds (or was never read): if so,
   * true. Callers that ask while a read is under way share it.
   */
  refresh(): Promise<boolean>;
  /** Adds one of this process's outcomes, once stored, without reading the store again. */
  add(delta: PerformanceRow): void;
}

/**
 * Creates a history cache over a store.
 *
 * @example
 * const history = createHistoryCache(store, clock);
 * await history.refresh();
 * estimateCall({ ..., history: history.rows() });
 */
export function createHistoryCache(
  store: Pick<Store, 'performance'>,
  clock: Pick<Clock, 'now'>,
): HistoryCache {
  let history: { rows: PerformanceRow[]; readAt: number } | null = null;
  // Every call about to route asks at once when the copy goes stale: one read serves them all.
  const read = sharedRead(async (): Promise<boolean> => {
    const now = clock.now();
    history = { rows: await store.performance(), readAt: now };
    return true;
  });
  return {
    rows: () => history?.rows ?? [],
    refresh() {
      const underway = read.underway();
      if (underway) return underway;
      if (history && clock.now() - history.readAt <= historyMaxAgeMs) return Promise.resolve(false);
      return read();
    },
    add(delta) {
      if (!history) return;
      const { rows } = history;
      const at = rows.findIndex(
        (row) => row.model === delta.model && row.taskType === delta.taskType,
      );
      if (at < 0) rows.push(delta);
      else rows[at] = addPerformance(rows[at] as PerformanceRow, delta);
    },
  };
}
