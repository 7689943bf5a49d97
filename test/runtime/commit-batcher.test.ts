import { describe, expect, it } from 'vitest';
import { CommitBatcher, LeaseLostError } from '../../src/runtime/commit-batcher.js';
import { emptyPerformance } from '../../src/store/performance-row.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { CommitBatch, Store } from '../../src/store/store.js';

/** A store that refuses every write for task `a`, as a store does when its lease moved on. */
function fencingStore(): Store & { batches: CommitBatch[] } {
  const inner = openSqliteStore(':memory:');
  const batches: CommitBatch[] = [];
  return {
    ...inner,
    batches,
    commit: async (batch) => {
      batches.push(batch);
      return {
        fenced: (batch.fences ?? []).some((f) => f.taskId === 'a') ? ['a'] : [],
        duplicates: [],
      };
    },
  };
}

describe('the commit batcher', () => {
  it('refuses only the parts of a fenced task, and names the task of each history delta', async () => {
    const store = fencingStore();
    const batcher = new CommitBatcher(store);
    const delta = { ...emptyPerformance('deepseek', 'coding'), attempts: 1 };
    const a = batcher.stage({ performance: [delta], fence: { taskId: 'a', token: 1 } });
    const b = batcher.stage({ performance: [delta], fence: { taskId: 'b', token: 3 } });
    const journal = batcher.stage({
      journal: [{ taskId: 'a', requestId: 'a:execute:1', kind: 'turn', data: {}, at: 1 }],
      fence: { taskId: 'a', token: 1 },
    });
    await expect(a).rejects.toBeInstanceOf(LeaseLostError);
    await expect(journal).rejects.toThrow('task a was taken over by another process');
    await expect(b).resolves.toBeUndefined();
    // One transaction, each task fenced once, each delta carrying its task.
    expect(store.batches).toHaveLength(1);
    expect(store.batches[0]?.fences).toEqual([
      { taskId: 'a', token: 1 },
      { taskId: 'b', token: 3 },
    ]);
    expect(store.batches[0]?.performance?.map((d) => d.taskId)).toEqual(['a', 'b']);
    // A fenced part is not a failed store: the batcher keeps writing.
    expect(batcher.failure).toBeNull();
  });
});

describe('budget reservations in the commit batcher', () => {
  it('reserves in the same transaction as the steps staged with it, and refuses one alone', async () => {
    const store = openSqliteStore(':memory:');
    const batcher = new CommitBatcher(store);
    const limits = [{ scope: 'group:external', tokens: 1_000, usd: null }];
    const reservation = (id: string, tokens: number) => ({
      id,
      window: '2026-11-24',
      tokens,
      usd: 0,
      limits,
      at: 1,
      expiresAt: 1_000,
    });
    const journal = batcher.stage({
      journal: [{ taskId: 't', requestId: 't:execute:1', kind: 'turn', data: {}, at: 1 }],
    });
    const fits = batcher.reserve(reservation('r1', 700));
    const over = batcher.reserve(reservation('r2', 400));
    await expect(fits).resolves.toBeNull();
    await expect(over).resolves.toEqual({
      scope: 'group:external',
      measure: 'tokens',
      committed: 700,
      requested: 400,
      limit: 1_000,
    });
    await expect(journal).resolves.toBeUndefined();
    // One transaction wrote the step and both reservations.
    expect((await store.counts()).transactions).toBe(1);
    expect(await store.journal('t')).toHaveLength(1);
    expect((await store.budgetUsage('2026-11-24', 2))[0]?.reservedTokens).toBe(700);
  });
});

describe('the commit batcher while a write is in flight', () => {
  it('merges what is staged meanwhile into the next batch, written after the first', async () => {
    const inner = openSqliteStore(':memory:');
    const batches: CommitBatch[] = [];
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const store: Store = {
      ...inner,
      commit: async (batch) => {
        batches.push(batch);
        if (batches.length === 1) await held;
        return { fenced: [], duplicates: [] };
      },
    };
    const batcher = new CommitBatcher(store);
    const entry = (requestId: string) => ({
      journal: [{ taskId: 't', requestId, kind: 'turn', data: {}, at: 1 }],
    });
    const first = batcher.stage(entry('1'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toHaveLength(1);
    // Three event-loop turns, each staging one part, while the first write waits.
    const later: Promise<void>[] = [];
    for (const id of ['2', '3', '4']) {
      later.push(batcher.stage(entry(id)));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(batches).toHaveLength(1);
    release();
    await Promise.all([first, ...later]);
    expect(batches.map((b) => b.journal?.map((j) => j.requestId))).toEqual([
      ['1'],
      ['2', '3', '4'],
    ]);
    await batcher.drain();
  });
});
