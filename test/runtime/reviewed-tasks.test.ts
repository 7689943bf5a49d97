import { describe, expect, it } from 'vitest';
import type { ReviewedAttempt } from '../../src/routing/reviewed-attempt.js';
import { textFeatures } from '../../src/routing/text-features.js';
import { reviewedTasks } from '../../src/runtime/reviewed-tasks.js';
import type { ReviewedStoreMethods } from '../../src/store/reviewed-rows.js';

const attempt = (taskId: string): ReviewedAttempt => ({
  taskId,
  attempt: 1,
  model: 'deepseek',
  taskType: 'coding',
  approved: true,
  at: 0,
  features: textFeatures(`fix the date parser for ${taskId}`),
});

/** A store of reviewed attempts that counts the rows it hands out. */
function countingStore(): ReviewedStoreMethods & {
  rowsRead: number;
  reads: number;
  writes: number;
  rows: ReviewedAttempt[];
} {
  const rows: ReviewedAttempt[] = [];
  const store = {
    rowsRead: 0,
    reads: 0,
    writes: 0,
    rows,
    async putReviewedAttempts(attempts: readonly ReviewedAttempt[]) {
      store.writes++;
      rows.push(...attempts);
    },
    async reviewedAttempts(after: number, limit: number) {
      store.reads++;
      const page = rows
        .map((a, i) => ({ seq: i + 1, attempt: a }))
        .filter((r) => r.seq > after)
        .slice(0, limit);
      store.rowsRead += page.length;
      return page;
    },
  };
  return store;
}

describe('reviewed tasks', () => {
  it('catches up once for callers that ask while a catch-up is under way', async () => {
    const store = countingStore();
    await store.putReviewedAttempts(['a', 'b', 'c'].map(attempt));
    const reviewed = reviewedTasks(store);
    await Promise.all(Array.from({ length: 20 }, () => reviewed.catchUp()));
    expect(store.reads).toBe(1);
    expect(store.rowsRead).toBe(3);
    expect(reviewed.index.size).toBe(3);
    // A later catch-up reads what was stored since.
    await store.putReviewedAttempts([attempt('d')]);
    await reviewed.catchUp();
    expect(store.reads).toBe(2);
    expect(reviewed.index.size).toBe(4);
  });

  it('catches up again after a read that failed', async () => {
    const store = countingStore();
    await store.putReviewedAttempts([attempt('a')]);
    const failing = {
      ...store,
      reviewedAttempts: async () => {
        throw new Error('store down');
      },
    };
    let current: ReviewedStoreMethods = failing;
    const reviewed = reviewedTasks({
      putReviewedAttempts: (a) => current.putReviewedAttempts(a),
      reviewedAttempts: (after, limit) => current.reviewedAttempts(after, limit),
    });
    await expect(reviewed.catchUp()).rejects.toThrow('store down');
    current = store;
    await reviewed.catchUp();
    expect(reviewed.index.size).toBe(1);
  });

  it('stores the attempts recorded in one turn in one write, and knows them before', async () => {
    const store = countingStore();
    const reviewed = reviewedTasks(store);
    const first = reviewed.record([attempt('a')]);
    const second = reviewed.record([attempt('b'), attempt('c')]);
    // Routing here sees them at once; the store has them once the write is done.
    expect(reviewed.index.size).toBe(3);
    expect(store.rows).toEqual([]);
    await Promise.all([first, second]);
    expect(store.writes).toBe(1);
    expect(store.rows.map((a) => a.taskId)).toEqual(['a', 'b', 'c']);
    // A later turn is a later write; drain waits for it.
    void reviewed.record([attempt('d')]);
    await reviewed.drain();
    expect(store.writes).toBe(2);
    expect(store.rows).toHaveLength(4);
  });

  it('rejects the records of a write that failed, and drains past it', async () => {
    const reviewed = reviewedTasks({
      putReviewedAttempts: async () => {
        throw new Error('store down');
      },
      reviewedAttempts: async () => [],
    });
    await expect(reviewed.record([attempt('a')])).rejects.toThrow('store down');
    await expect(reviewed.drain()).resolves.toBeUndefined();
  });
});
