import type { ReviewedAttempt } from '../routing/reviewed-attempt.js';
import { createReviewedIndex, type ReviewedIndex } from '../routing/reviewed-index.js';
import type { ReviewedStoreMethods } from '../store/reviewed-rows.js';

/** What a process knows of reviewed tasks' texts, for routing by similar tasks. */
export interface ReviewedTasks {
  /** Every reviewed attempt stored, as of the last catch-up, and those recorded here since. */
  readonly index: ReviewedIndex;
  /** Reads what was stored (by any process) since the last read; shared by concurrent callers. */
  catchUp(): Promise<void>;
  /** Stores attempts reviewed here, then adds them to the index. */
  record(attempts: readonly ReviewedAttempt[]): Promise<void>;
}

/** Rows read per query while catching up. */
const pageSize = 5_000;
/**
 * Rows read again before the last one seen: on PostgreSQL an insert may commit after a later
 * numbered one from another process. The index counts an attempt once, so rereading is harmless.
 */
const overlap = 256;

/**
 * The reviewed tasks of a store, kept in memory and caught up incrementally.
 *
 * @example
 * const reviewed = reviewedTasks(store);
 * await reviewed.catchUp();
 * routingViewFrom(loaded, { reviewedTasks: reviewed.index });
 */
export function reviewedTasks(store: ReviewedStoreMethods): ReviewedTasks {
  const index = createReviewedIndex();
  let last = 0;
  // Calls that ask while a catch-up is under way share it rather than read the same rows again.
  let reading: Promise<void> | null = null;
  async function read(): Promise<void> {
    let after = Math.max(0, last - overlap);
    for (;;) {
      const page = await store.reviewedAttempts(after, pageSize);
      for (const { seq, attempt } of page) {
        index.add(attempt);
        after = seq;
      }
      last = Math.max(last, after);
      if (page.length < pageSize) return;
    }
  }
  return {
    index,
    catchUp() {
      reading ??= read().finally(() => {
        reading = null;
      });
      return reading;
    },
    async record(attempts) {
      await store.putReviewedAttempts(attempts);
      for (const attempt of attempts) index.add(attempt);
    },
  };
}
