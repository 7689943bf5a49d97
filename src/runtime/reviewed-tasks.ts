import type { ReviewedAttempt } from '../routing/reviewed-attempt.js';
import { createReviewedIndex, type ReviewedIndex } from '../routing/reviewed-index.js';
import type { ReviewedStoreMethods } from '../store/reviewed-rows.js';
import { sharedRead } from './shared-read.js';

/** What a process knows of reviewed tasks' texts, for routing by similar tasks. */
export interface ReviewedTasks {
  /** Every reviewed attempt stored, as of the last catch-up, and those recorded here since. */
  readonly index: ReviewedIndex;
  /** Reads what was stored (by any process) since the last read; shared by concurrent callers. */
  catchUp(): Promise<void>;
  /**
   * Adds attempts reviewed here to the index at once, and stores them with the others recorded
   * in the same turn of the event loop (one write for all): settles once they are stored.
   */
  record(attempts: readonly ReviewedAttempt[]): Promise<void>;
  /** Settles once every attempt recorded so far is stored. */
  drain(): Promise<void>;
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
  // Attempts recorded in this turn of the event loop, stored together in the next; and every
  // such write so far.
  let batch: { attempts: ReviewedAttempt[]; written: Promise<void> } | null = null;
  let written: Promise<void> = Promise.resolve();
  // Calls that ask while a catch-up is under way share it rather than read the same rows again.
  const catchUp = sharedRead(async (): Promise<void> => {
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
  });
  return {
    index,
    catchUp,
    record(attempts) {
      for (const attempt of attempts) index.add(attempt);
      if (!batch) {
        const next = { attempts: [] as ReviewedAttempt[], written: Promise.resolve() };
        next.written = new Promise((resolve) => setImmediate(resolve)).then(() => {
          batch = null;
          return store.putReviewedAttempts(next.attempts);
        });
        batch = next;
        const before = written;
        written = next.written.then(
          () => before,
          () => before,
        );
      }
      batch.attempts.push(...attempts);
      return batch.written;
    },
    drain: () => written,
  };
}
