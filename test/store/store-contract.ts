import { describe, expect, it } from 'vitest';
import { emptyPerformance, type PerformanceRow } from '../../src/store/performance-row.js';
import { blobRef, type Store, type TaskCommit } from '../../src/store/store.js';

/** A fresh, empty store, and a way to open the same data again (a restart). */
export interface StoreFixture {
  store: Store;
  reopen(): Promise<Store>;
}

function created(taskId: string, at = 1): TaskCommit {
  return {
    taskId,
    input: { description: `task ${taskId}` },
    event: null,
    snapshot: { value: 'classifying', context: { taskId } },
    status: 'classifying',
    machineVersion: 1,
    at,
  };
}

function moved(
  taskId: string,
  status: TaskCommit['status'],
  event: string,
  at: number,
): TaskCommit {
  return {
    taskId,
    event: { type: event, requestId: `${taskId}:x` },
    snapshot: { value: status, context: { taskId, step: event } },
    status,
    machineVersion: 1,
    at,
  };
}

/**
 * The behaviour every Store backend must have. Each backend's test file calls this with a
 * factory for fresh stores.
 */
export function describeStoreContract(backend: string, open: () => Promise<StoreFixture>): void {
  describe(`Store contract: ${backend}`, () => {
    it('creates a task with its input, snapshot and a creation event', async () => {
      const { store } = await open();
      await store.commit({ tasks: [created('a', 10)] });
      expect(await store.getTask('a')).toEqual({
        id: 'a',
        status: 'classifying',
        machineVersion: 1,
        input: { description: 'task a' },
        snapshot: { value: 'classifying', context: { taskId: 'a' } },
        createdAt: 10,
        updatedAt: 10,
      });
      expect(await store.events('a')).toEqual([{ taskId: 'a', seq: 1, event: null, at: 10 }]);
      expect(await store.getTask('missing')).toBeNull();
    });

    it('replaces the snapshot and appends the event log in order', async () => {
      const { store } = await open();
      await store.commit({ tasks: [created('a')] });
      await store.commit({ tasks: [moved('a', 'executing', 'CLASSIFIED', 2)] });
      await store.commit({ tasks: [moved('a', 'reviewing', 'EXECUTED', 3)] });
      const task = await store.getTask('a');
      expect(task?.status).toBe('reviewing');
      expect(task?.snapshot).toEqual({
        value: 'reviewing',
        context: { taskId: 'a', step: 'EXECUTED' },
      });
      expect(task?.updatedAt).toBe(3);
      expect((await store.events('a')).map((e) => [e.seq, e.event?.type ?? null])).toEqual([
        [1, null],
        [2, 'CLASSIFIED'],
        [3, 'EXECUTED'],
      ]);
    });

    it('writes a batch of commits for many tasks at once', async () => {
      const { store } = await open();
      await store.commit({
        tasks: [created('a'), created('b'), moved('a', 'executing', 'CLASSIFIED', 2)],
      });
      expect((await store.getTask('a'))?.status).toBe('executing');
      expect((await store.getTask('b'))?.status).toBe('classifying');
    });

    it('writes all of a batch or none of it', async () => {
      const { store } = await open();
      await store.commit({ tasks: [created('a')] });
      await expect(
        store.commit({
          tasks: [moved('a', 'executing', 'CLASSIFIED', 2), moved('ghost', 'done', 'X', 2)],
        }),
      ).rejects.toThrow(/ghost/);
      expect((await store.getTask('a'))?.status).toBe('classifying');
      expect(await store.events('a')).toHaveLength(1);
      await expect(store.commit({ tasks: [created('a')] })).rejects.toThrow();
    });

    it('lists unfinished tasks oldest first, and counts tasks by status', async () => {
      const { store } = await open();
      await store.commit({ tasks: [created('late', 5), created('early', 1), created('gone', 2)] });
      await store.commit({ tasks: [moved('gone', 'done', 'REVIEWED', 3)] });
      expect((await store.unfinishedTasks()).map((t) => t.id)).toEqual(['early', 'late']);
      expect(await store.countByStatus()).toEqual({ classifying: 2, done: 1 });
      expect((await store.listTasks({ status: ['done'] })).map((t) => t.id)).toEqual(['gone']);
      expect((await store.listTasks({ limit: 2 })).map((t) => t.id)).toEqual(['late', 'gone']);
    });

    it('adds performance deltas per model and task type, in the commit that carries them', async () => {
      const { store } = await open();
      const delta = (model: string, taskType: string, patch: Partial<PerformanceRow>) => ({
        ...emptyPerformance(model, taskType),
        ...patch,
      });
      await store.commit({ tasks: [created('a')] });
      await store.commit({
        tasks: [moved('a', 'done', 'REVIEWED', 2)],
        performance: [
          delta('deepseek', 'coding', {
            attempts: 1,
            approvals: 1,
            qualitySum: 8,
            reviews: 1,
            costUsd: 0.25,
            maxCallTokens: 900,
          }),
        ],
      });
      await store.commit({
        performance: [
          delta('deepseek', 'coding', {
            attempts: 1,
            rejections: 1,
            escalations: 1,
            qualitySum: 3,
            reviews: 1,
            costUsd: 0.5,
            maxCallTokens: 400,
          }),
          delta('kimi', 'research', { attempts: 1, failures: 1 }),
        ],
      });
      // A batch that fails adds nothing.
      await expect(
        store.commit({
          tasks: [moved('missing', 'done', 'REVIEWED', 3)],
          performance: [delta('deepseek', 'coding', { attempts: 5 })],
        }),
      ).rejects.toThrow();
      expect(await store.performance()).toEqual([
        delta('deepseek', 'coding', {
          attempts: 2,
          approvals: 1,
          rejections: 1,
          escalations: 1,
          qualitySum: 11,
          reviews: 2,
          costUsd: 0.75,
          maxCallTokens: 900,
        }),
        delta('kimi', 'research', { attempts: 1, failures: 1 }),
      ]);
    });

    it('reserves budget atomically against every limit, and settles with the actual use', async () => {
      const { store } = await open();
      const limits = [
        { scope: 'group:external', tokens: 1_000, usd: null },
        { scope: 'model:deepseek', tokens: null, usd: 1 },
      ];
      const reservation = (id: string, tokens: number, usd: number) => ({
        id,
        window: '2026-11-24',
        tokens,
        usd,
        limits,
        at: 1,
        expiresAt: 1_000,
      });
      expect(await store.reserveBudget(reservation('r1', 600, 0.5))).toBeNull();
      // Over the group's tokens: refused, and nothing of it is reserved.
      expect(await store.reserveBudget(reservation('r2', 500, 0.1))).toEqual({
        scope: 'group:external',
        measure: 'tokens',
        committed: 600,
        requested: 500,
        limit: 1_000,
      });
      // Over the model's dollars.
      expect(await store.reserveBudget(reservation('r3', 100, 0.6))).toMatchObject({
        scope: 'model:deepseek',
        measure: 'usd',
      });
      // A call reserving again (a retry) replaces its own reservation.
      expect(await store.reserveBudget(reservation('r1', 700, 0.5))).toBeNull();
      expect(await store.budgetUsage('2026-11-24', 2)).toEqual([
        {
          scope: 'group:external',
          window: '2026-11-24',
          tokens: 0,
          usd: 0,
          reservedTokens: 700,
          reservedUsd: 0.5,
        },
        {
          scope: 'model:deepseek',
          window: '2026-11-24',
          tokens: 0,
          usd: 0,
          reservedTokens: 700,
          reservedUsd: 0.5,
        },
      ]);
      await store.commit({
        settlements: [
          {
            reservationId: 'r1',
            window: '2026-11-24',
            scopes: ['group:external', 'model:deepseek'],
            tokens: 250,
            usd: 0.2,
          },
        ],
      });
      expect(await store.budgetUsage('2026-11-24', 2)).toEqual([
        {
          scope: 'group:external',
          window: '2026-11-24',
          tokens: 250,
          usd: 0.2,
          reservedTokens: 0,
          reservedUsd: 0,
        },
        {
          scope: 'model:deepseek',
          window: '2026-11-24',
          tokens: 250,
          usd: 0.2,
          reservedTokens: 0,
          reservedUsd: 0,
        },
      ]);
      // What was settled counts: 250 + 800 is over the 1,000 tokens.
      expect(await store.reserveBudget(reservation('r4', 800, 0.1))).toMatchObject({
        committed: 250,
      });
      expect(await store.reserveBudget(reservation('r4', 700, 0.1))).toBeNull();
      // Another window starts empty.
      expect(await store.budgetUsage('2026-11-25', 2)).toEqual([]);
      expect(
        await store.reserveBudget({ ...reservation('r5', 1_000, 1), window: '2026-11-25' }),
      ).toBeNull();
    });

    it('appends journal entries per request, in order', async () => {
      const { store } = await open();
      await store.commit({
        journal: [
          { taskId: 'a', requestId: 'a:execute:1', kind: 'started', data: { try: 1 }, at: 1 },
          { taskId: 'a', requestId: 'a:execute:1', kind: 'turn', data: { n: 1 }, at: 2 },
          { taskId: 'a', requestId: 'a:classify:1', kind: 'finished', data: null, at: 3 },
        ],
      });
      await store.commit({
        journal: [
          { taskId: 'a', requestId: 'a:execute:1', kind: 'finished', data: { ok: true }, at: 4 },
        ],
      });
      expect((await store.journal('a', 'a:execute:1')).map((e) => [e.seq, e.kind, e.data])).toEqual(
        [
          [1, 'started', { try: 1 }],
          [2, 'turn', { n: 1 }],
          [3, 'finished', { ok: true }],
        ],
      );
      expect(await store.journal('a')).toHaveLength(4);
      expect(await store.journal('b')).toEqual([]);
    });

    it('writes a task transition, its journal entries and its blobs in one transaction', async () => {
      const { store } = await open();
      await store.commit({ tasks: [created('a')] });
      const ref = blobRef('the output');
      await expect(
        store.commit({
          tasks: [moved('ghost', 'done', 'X', 2)],
          journal: [
            { taskId: 'a', requestId: 'a:execute:1', kind: 'finished', data: { ref }, at: 2 },
          ],
          blobs: [[ref, 'the output']],
        }),
      ).rejects.toThrow(/ghost/);
      expect(await store.journal('a')).toEqual([]);
      expect(await store.getBlob(ref)).toBeNull();
      await store.commit({
        tasks: [moved('a', 'reviewing', 'EXECUTED', 2)],
        journal: [
          { taskId: 'a', requestId: 'a:execute:1', kind: 'finished', data: { ref }, at: 2 },
        ],
        blobs: [[ref, 'the output']],
      });
      expect(await store.getBlob(ref)).toBe('the output');
      expect(await store.journal('a')).toHaveLength(1);
    });

    it('stores a blob once by its content hash', async () => {
      const { store } = await open();
      const big = 'x'.repeat(100_000);
      const ref = await store.putBlob(big);
      expect(ref).toMatch(/^[0-9a-f]{64}$/);
      expect(await store.putBlob(big)).toBe(ref);
      expect(await store.getBlob(ref)).toBe(big);
      expect(await store.getBlob('0'.repeat(64))).toBeNull();
    });

    it('keeps everything across a reopen', async () => {
      const fixture = await open();
      await fixture.store.commit({
        tasks: [created('a'), moved('a', 'executing', 'CLASSIFIED', 2)],
      });
      await fixture.store.commit({
        journal: [{ taskId: 'a', requestId: 'r', kind: 'k', data: 1, at: 1 }],
      });
      const ref = await fixture.store.putBlob('output');
      await fixture.store.close();
      const again = await fixture.reopen();
      expect((await again.getTask('a'))?.status).toBe('executing');
      expect(await again.events('a')).toHaveLength(2);
      expect(await again.journal('a', 'r')).toHaveLength(1);
      expect(await again.getBlob(ref)).toBe('output');
      await again.close();
    });
  });
}
