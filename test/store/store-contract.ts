import { describe, expect, it } from 'vitest';
import type { BudgetReservation } from '../../src/store/budget-records.js';
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

/** A first commit that leaves the task leased to its creator. */
function leased(commit: TaskCommit, owner: string, expiresAt: number): TaskCommit {
  return { ...commit, claim: { owner, expiresAt } };
}

/**
 * A performance delta with the task it comes from beside it, so that a fenced task's is
 * skipped: `CommitBatch.performance` rows do not name their task otherwise.
 */
function ownedDelta(taskId: string, row: PerformanceRow): PerformanceRow {
  return Object.assign({ ...row, attempts: 1 }, { taskId });
}

function reservation(id: string, tokens: number, usd: number, expiresAt = 1_000) {
  return {
    id,
    window: '2026-11-24',
    tokens,
    usd,
    limits: [
      { scope: 'group:external', tokens: 1_000, usd: null },
      { scope: 'model:deepseek', tokens: null, usd: 1 },
    ],
    at: 1,
    expiresAt,
  };
}

/** Reserves alone in a commit of its own: null, or the limit it would exceed. */
async function reserveIn(store: Store | undefined, r: BudgetReservation) {
  const result = await store?.commit({ reservations: [r] });
  return result?.overBudget?.find((over) => over.id === r.id)?.refusal ?? null;
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

    it('pages through tasks newest first, ties in creation time ordered by id', async () => {
      const { store } = await open();
      await store.commit({
        tasks: [
          created('b', 2),
          created('a', 2),
          created('c', 1),
          created('d', 3),
          created('e', 2),
        ],
      });
      await store.commit({ tasks: [moved('e', 'done', 'REVIEWED', 4)] });
      const page = async (after?: { createdAt: number; id: string }, status?: 'done'[]) =>
        (
          await store.listTasks({
            limit: 2,
            ...(after ? { after } : {}),
            ...(status ? { status } : {}),
          })
        ).map((t) => t.id);
      expect(await page()).toEqual(['d', 'a']);
      expect(await page({ createdAt: 2, id: 'a' })).toEqual(['b', 'e']);
      expect(await page({ createdAt: 2, id: 'e' })).toEqual(['c']);
      expect(await page({ createdAt: 1, id: 'c' })).toEqual([]);
      expect(await page({ createdAt: 3, id: 'd' }, ['done'])).toEqual(['e']);
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
      expect(await reserveIn(store, reservation('r1', 600, 0.5))).toBeNull();
      // Over the group's tokens: refused, and nothing of it is reserved.
      expect(await reserveIn(store, reservation('r2', 500, 0.1))).toEqual({
        scope: 'group:external',
        measure: 'tokens',
        committed: 600,
        requested: 500,
        limit: 1_000,
      });
      // Over the model's dollars.
      expect(await reserveIn(store, reservation('r3', 100, 0.6))).toMatchObject({
        scope: 'model:deepseek',
        measure: 'usd',
      });
      // A call reserving again (a retry) replaces its own reservation.
      expect(await reserveIn(store, reservation('r1', 700, 0.5))).toBeNull();
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
      expect(await reserveIn(store, reservation('r4', 800, 0.1))).toMatchObject({
        committed: 250,
      });
      expect(await reserveIn(store, reservation('r4', 700, 0.1))).toBeNull();
      // Another window starts empty.
      expect(await store.budgetUsage('2026-11-25', 2)).toEqual([]);
      expect(
        await reserveIn(store, { ...reservation('r5', 1_000, 1), window: '2026-11-25' }),
      ).toBeNull();
    });

    it('reserves in the batch: after its settlements, in order, refusing one alone', async () => {
      const { store } = await open();
      const result = await store.commit({
        tasks: [created('a')],
        reservations: [
          reservation('r1', 600, 0),
          reservation('r2', 500, 0),
          reservation('r3', 300, 0),
        ],
      });
      expect(result).toEqual({
        fenced: [],
        duplicates: [],
        overBudget: [
          {
            id: 'r2',
            refusal: {
              scope: 'group:external',
              measure: 'tokens',
              committed: 600,
              requested: 500,
              limit: 1_000,
            },
          },
        ],
      });
      expect(await store.getTask('a')).not.toBeNull();
      // r1 settles with 100 used before r4 is checked: 100 + 300 + 500 fit in 1,000.
      const settled = await store.commit({
        settlements: [
          {
            reservationId: 'r1',
            window: '2026-11-24',
            scopes: ['group:external', 'model:deepseek'],
            tokens: 100,
            usd: 0,
          },
        ],
        reservations: [reservation('r4', 500, 0)],
      });
      expect(settled.overBudget).toBeUndefined();
      expect(await store.budgetUsage('2026-11-24', 2)).toMatchObject([
        { scope: 'group:external', tokens: 100, reservedTokens: 800 },
        { scope: 'model:deepseek', tokens: 100, reservedTokens: 800 },
      ]);
    });

    it("stops counting a dead call's reservation once it expires", async () => {
      const { store } = await open();
      expect(await reserveIn(store, reservation('dead', 900, 0, 50))).toBeNull();
      expect(await reserveIn(store, { ...reservation('r1', 500, 0), at: 49 })).toMatchObject({
        committed: 900,
      });
      // At 50 the dead call's 900 tokens no longer count: r1 fits.
      expect(await reserveIn(store, { ...reservation('r1', 500, 0), at: 50 })).toBeNull();
      expect(await store.budgetUsage('2026-11-24', 50)).toMatchObject([
        { scope: 'group:external', reservedTokens: 500 },
        { scope: 'model:deepseek', reservedTokens: 500 },
      ]);
      // Reading the use drops what has expired by then.
      expect(await store.budgetUsage('2026-11-24', 1_000)).toMatchObject([
        { scope: 'group:external', reservedTokens: 0 },
        { scope: 'model:deepseek', reservedTokens: 0 },
      ]);
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

    it('reads the journals of several requests in one call, only theirs, in order', async () => {
      const { store } = await open();
      await store.commit({
        journal: [
          { taskId: 'b', requestId: 'b:classify:1', kind: 'started', data: 1, at: 1 },
          { taskId: 'a', requestId: 'a:execute:1', kind: 'started', data: 2, at: 2 },
          { taskId: 'a', requestId: 'a:classify:1', kind: 'finished', data: 3, at: 3 },
          { taskId: 'a', requestId: 'a:execute:1', kind: 'turn', data: 4, at: 4 },
          { taskId: 'c', requestId: 'c:classify:1', kind: 'started', data: 5, at: 5 },
        ],
      });
      const entries = await store.journals([
        { taskId: 'b', requestId: 'b:classify:1' },
        { taskId: 'a', requestId: 'a:execute:1' },
        { taskId: 'd', requestId: 'd:classify:1' },
        // A request id of another task reads nothing: a request is its task's.
        { taskId: 'b', requestId: 'c:classify:1' },
      ]);
      expect(entries.map((e) => [e.taskId, e.requestId, e.seq, e.kind, e.data])).toEqual([
        ['a', 'a:execute:1', 1, 'started', 2],
        ['a', 'a:execute:1', 2, 'turn', 4],
        ['b', 'b:classify:1', 1, 'started', 1],
      ]);
      expect(await store.journals([])).toEqual([]);
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
      // Any text a model may write: a NUL, accents, characters beyond the BMP.
      const odd = 'a\u0000b ünïcødé 🎉';
      expect(await store.getBlob(await store.putBlob(odd))).toBe(odd);
      await store.commit({ blobs: [[blobRef(`${odd}!`), `${odd}!`]] });
      expect(await store.getBlob(blobRef(`${odd}!`))).toBe(`${odd}!`);
    });

    it('creates a task leased to its creator with token 1, not claimable by others until then', async () => {
      const { store } = await open();
      await store.commit({ tasks: [leased(created('a', 1), 'p1', 100), created('b', 2)] });
      const claimed = await store.claimTasks({ owner: 'p2', limit: 10, now: 50, leaseMs: 100 });
      expect(claimed.map((c) => c.lease)).toEqual([
        { taskId: 'b', owner: 'p2', token: 1, expiresAt: 150 },
      ]);
      expect(claimed[0]?.task).toEqual(await store.getTask('b'));
      expect(
        await store.renewLeases({ owner: 'p1', taskIds: ['a'], now: 60, leaseMs: 40 }),
      ).toEqual([{ taskId: 'a', owner: 'p1', token: 1, expiresAt: 100 }]);
      expect(await store.claimTasks({ owner: 'p2', limit: 10, now: 99, leaseMs: 30 })).toEqual([]);
      // Expired: taken over, with the next token.
      const taken = await store.claimTasks({ owner: 'p2', limit: 10, now: 100, leaseMs: 30 });
      expect(taken.map((c) => c.lease)).toEqual([
        { taskId: 'a', owner: 'p2', token: 2, expiresAt: 130 },
      ]);
      expect(taken[0]?.task).toEqual(await store.getTask('a'));
    });

    it('claims unfinished tasks oldest first up to the limit, skipping live leases and final tasks', async () => {
      const { store } = await open();
      await store.commit({
        tasks: [
          created('c', 3),
          created('x', 1),
          created('w', 1),
          created('d', 4),
          created('e', 5),
          created('f', 6),
          created('g', 7),
        ],
      });
      await store.commit({
        tasks: [
          moved('d', 'done', 'REVIEWED', 8),
          moved('e', 'blocked', 'BLOCKED', 8),
          moved('f', 'cancelled', 'CANCEL', 8),
        ],
      });
      const ids = (claims: { lease: { taskId: string } }[]) => claims.map((c) => c.lease.taskId);
      const first = await store.claimTasks({ owner: 'p1', limit: 2, now: 10, leaseMs: 10 });
      expect(ids(first)).toEqual(['w', 'x']);
      expect(first.map((c) => c.lease.token)).toEqual([1, 1]);
      expect(
        ids(await store.claimTasks({ owner: 'p2', limit: 10, now: 10, leaseMs: 1_000 })),
      ).toEqual(['c', 'g']);
      expect(await store.claimTasks({ owner: 'p3', limit: 10, now: 19, leaseMs: 10 })).toEqual([]);
      // p1's leases have expired; p2's have not; final tasks are never claimed.
      const later = await store.claimTasks({ owner: 'p3', limit: 10, now: 20, leaseMs: 10 });
      expect(later.map((c) => [c.lease.taskId, c.lease.owner, c.lease.token])).toEqual([
        ['w', 'p3', 2],
        ['x', 'p3', 2],
      ]);
      expect(await store.claimTasks({ owner: 'p4', limit: 0, now: 1e9, leaseMs: 10 })).toEqual([]);
      const all = await store.claimTasks({ owner: 'p4', limit: 10, now: 1e9, leaseMs: 10 });
      expect(ids(all)).toEqual(['w', 'x', 'c', 'g']);
    });

    it('claims one named task only when it is unfinished and no live lease holds it', async () => {
      const { store } = await open();
      await store.commit({
        tasks: [created('a', 1), created('b', 2), leased(created('c', 3), 'p1', 100)],
      });
      await store.commit({ tasks: [moved('b', 'done', 'REVIEWED', 4)] });
      const one = (taskId: string, now = 10) =>
        store.claimTasks({ owner: 'p2', limit: 1, now, leaseMs: 10, taskId });
      // The oldest task, 'a', is passed over for the one named.
      expect(await one('b')).toEqual([]);
      expect(await one('c')).toEqual([]);
      expect(await one('nope')).toEqual([]);
      expect((await one('c', 100)).map((c) => c.lease)).toEqual([
        { taskId: 'c', owner: 'p2', token: 2, expiresAt: 110 },
      ]);
      const claimed = await one('a');
      expect(claimed.map((c) => [c.lease.taskId, c.lease.token])).toEqual([['a', 1]]);
      expect(await one('a')).toEqual([]);
    });

    it('renews the leases an owner still holds, even expired, and not those taken over', async () => {
      const { store } = await open();
      await store.commit({ tasks: [created('a', 1), created('b', 2)] });
      await store.claimTasks({ owner: 'p1', limit: 2, now: 0, leaseMs: 20 });
      // Expired, but nobody has taken it: the token is unchanged, so it may be renewed.
      expect(
        await store.renewLeases({ owner: 'p1', taskIds: ['a'], now: 20, leaseMs: 20 }),
      ).toEqual([{ taskId: 'a', owner: 'p1', token: 1, expiresAt: 40 }]);
      const taken = await store.claimTasks({ owner: 'p2', limit: 10, now: 25, leaseMs: 20 });
      expect(taken.map((c) => c.lease)).toEqual([
        { taskId: 'b', owner: 'p2', token: 2, expiresAt: 45 },
      ]);
      expect(
        await store.renewLeases({
          owner: 'p1',
          taskIds: ['a', 'b', 'ghost'],
          now: 30,
          leaseMs: 20,
        }),
      ).toEqual([{ taskId: 'a', owner: 'p1', token: 1, expiresAt: 50 }]);
      expect(
        await store.renewLeases({ owner: 'p2', taskIds: ['b'], now: 30, leaseMs: 20 }),
      ).toEqual([{ taskId: 'b', owner: 'p2', token: 2, expiresAt: 50 }]);
      expect(await store.renewLeases({ owner: 'p1', taskIds: [], now: 30, leaseMs: 20 })).toEqual(
        [],
      );
    });

    it("releases an owner's leases: claimable again, with the next token", async () => {
      const { store } = await open();
      await store.commit({ tasks: [created('a', 1), created('b', 2)] });
      await store.claimTasks({ owner: 'p1', limit: 2, now: 0, leaseMs: 100 });
      // Not p2's to release.
      await store.releaseLeases('p2', ['a', 'b']);
      expect(await store.claimTasks({ owner: 'p3', limit: 10, now: 1, leaseMs: 100 })).toEqual([]);
      await store.releaseLeases('p1', ['a', 'ghost']);
      expect(
        await store.renewLeases({ owner: 'p1', taskIds: ['a'], now: 1, leaseMs: 100 }),
      ).toEqual([]);
      const again = await store.claimTasks({ owner: 'p3', limit: 10, now: 1, leaseMs: 100 });
      expect(again.map((c) => c.lease)).toEqual([
        { taskId: 'a', owner: 'p3', token: 2, expiresAt: 101 },
      ]);
      await store.releaseLeases('p3', []);
    });

    it('names the owners of live leases, and releases every lease of one', async () => {
      const { store } = await open();
      await store.commit({
        tasks: [
          leased(created('a', 1), 'p1', 100),
          leased(created('b', 2), 'p1', 100),
          leased(created('c', 3), 'p2', 50),
          leased(created('d', 4), 'p3', 100),
          created('e', 5),
        ],
      });
      await store.commit({ tasks: [moved('d', 'done', 'REVIEWED', 6)] });
      // Unexpired leases on unfinished tasks only: p3's task is done, p2's lease has expired.
      expect(await store.leaseOwners(10)).toEqual(['p1', 'p2']);
      expect(await store.leaseOwners(50)).toEqual(['p1']);
      // Without ids: every lease of the owner (a process known to be dead).
      await store.releaseLeases('p1');
      expect(await store.leaseOwners(10)).toEqual(['p2']);
      const claims = await store.claimTasks({ owner: 'p4', limit: 10, now: 10, leaseMs: 10 });
      expect(claims.map((c) => [c.lease.taskId, c.lease.token])).toEqual([
        ['a', 2],
        ['b', 2],
        ['e', 1],
      ]);
    });

    it("fences a stale owner's writes to a task and writes the rest of the batch", async () => {
      const { store } = await open();
      await store.commit({
        tasks: [leased(created('a', 1), 'p1', 10), leased(created('b', 1), 'p1', 1_000)],
      });
      expect(await reserveIn(store, reservation('r1', 100, 0.5, 1_000))).toBeNull();
      // p1's lease on a expires and p2 takes it over.
      const taken = await store.claimTasks({ owner: 'p2', limit: 10, now: 10, leaseMs: 100 });
      expect(taken.map((c) => [c.lease.taskId, c.lease.token])).toEqual([['a', 2]]);
      const ref = blobRef('late output');
      const result = await store.commit({
        tasks: [
          moved('a', 'executing', 'CLASSIFIED', 20),
          moved('b', 'executing', 'CLASSIFIED', 20),
        ],
        journal: [
          { taskId: 'a', requestId: 'a:classify:1', kind: 'finished', data: { ref }, at: 20 },
          { taskId: 'b', requestId: 'b:classify:1', kind: 'finished', data: null, at: 20 },
        ],
        performance: [
          ownedDelta('a', emptyPerformance('deepseek', 'coding')),
          ownedDelta('b', emptyPerformance('kimi', 'research')),
        ],
        blobs: [[ref, 'late output']],
        settlements: [
          {
            reservationId: 'r1',
            window: '2026-11-24',
            scopes: ['group:external', 'model:deepseek'],
            tokens: 80,
            usd: 0.25,
          },
        ],
        fences: [
          { taskId: 'a', token: 1 },
          { taskId: 'b', token: 1 },
        ],
      });
      expect(result).toEqual({ fenced: ['a'], duplicates: [] });
      // Nothing of a's: its transition, its event, its journal entries, its history delta.
      const a = await store.getTask('a');
      expect([a?.status, a?.updatedAt]).toEqual(['classifying', 1]);
      expect(await store.events('a')).toHaveLength(1);
      expect(await store.journal('a')).toEqual([]);
      // All of b's.
      expect((await store.getTask('b'))?.status).toBe('executing');
      expect(await store.events('b')).toHaveLength(2);
      expect(await store.journal('b')).toHaveLength(1);
      expect((await store.performance()).map((row) => [row.model, row.attempts])).toEqual([
        ['kimi', 1],
      ]);
      // The blob and the settlement whoever sent them: the money was spent either way.
      expect(await store.getBlob(ref)).toBe('late output');
      expect(await store.budgetUsage('2026-11-24', 20)).toEqual(
        ['group:external', 'model:deepseek'].map((scope) => ({
          scope,
          window: '2026-11-24',
          tokens: 80,
          usd: 0.25,
          reservedTokens: 0,
          reservedUsd: 0,
        })),
      );
      // The new holder's token is current; a batch without fences is not checked.
      expect(
        await store.commit({
          tasks: [moved('a', 'executing', 'CLASSIFIED', 30)],
          fences: [{ taskId: 'a', token: 2 }],
        }),
      ).toEqual({ fenced: [], duplicates: [] });
      expect(await store.commit({ tasks: [moved('b', 'reviewing', 'EXECUTED', 30)] })).toEqual({
        fenced: [],
        duplicates: [],
      });
      expect((await store.events('a')).map((e) => e.at)).toEqual([1, 30]);
      // A task created in the batch counts with the token its creation gives it.
      expect(
        await store.commit({
          tasks: [leased(created('c', 40), 'p1', 1_000), created('d', 40)],
          fences: [
            { taskId: 'c', token: 1 },
            { taskId: 'd', token: 1 },
          ],
        }),
      ).toEqual({ fenced: ['d'], duplicates: [] });
      expect((await store.getTask('c'))?.status).toBe('classifying');
      expect(await store.getTask('d')).toBeNull();
    });

    it('never gives the same task to two claimers at once', async () => {
      const fixture = await open();
      const other = await fixture.reopen();
      const total = 120;
      await fixture.store.commit({
        tasks: Array.from({ length: total }, (_, i) =>
          created(`t${String(i).padStart(3, '0')}`, i),
        ),
      });
      async function claimAll(store: Store, owner: string): Promise<string[]> {
        const got: string[] = [];
        for (;;) {
          const claims = await store.claimTasks({ owner, limit: 7, now: 1_000, leaseMs: 60_000 });
          if (claims.length === 0) return got;
          got.push(...claims.map((c) => c.lease.taskId));
        }
      }
      const claimed = await Promise.all(
        [fixture.store, other].flatMap((store, s) =>
          Array.from({ length: 4 }, (_, i) => claimAll(store, `p${s}.${i}`)),
        ),
      );
      const ids = claimed.flat();
      expect(ids).toHaveLength(total);
      expect(new Set(ids).size).toBe(total);
      await other.close();
    });

    it('never reserves over a limit, nor loses a journal entry, when writers race', async () => {
      const fixture = await open();
      const other = await fixture.reopen();
      const stores = [fixture.store, other];
      const limits = [{ scope: 'group:external', tokens: 1_000, usd: null }];
      const refusals = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          reserveIn(stores[i % 2], {
            id: `r${i}`,
            window: '2026-11-24',
            tokens: 100,
            usd: 0,
            limits,
            at: 1,
            expiresAt: 1_000,
          }),
        ),
      );
      expect(refusals.filter((r) => r === null)).toHaveLength(10);
      expect((await other.budgetUsage('2026-11-24', 2))[0]?.reservedTokens).toBe(1_000);
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          stores[i % 2]?.commit({
            journal: [{ taskId: 'a', requestId: 'a:execute:1', kind: 'turn', data: i, at: i }],
          }),
        ),
      );
      const entries = await fixture.store.journal('a', 'a:execute:1');
      expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(new Set(entries.map((e) => e.data)).size).toBe(30);
      await other.close();
    });

    it('creates one task per source key, whoever commits it, and skips the others alone', async () => {
      const fixture = await open();
      const other = await fixture.reopen();
      const fromItem = (id: string, key: string) => ({ ...created(id, 5), sourceKey: key });
      expect(await fixture.store.commit({ tasks: [fromItem('a', 'plane:acme/1')] })).toEqual({
        fenced: [],
        duplicates: [],
      });
      // Another process, and twice in one batch: neither is created, the rest of the batch is.
      expect(
        await other.commit({
          tasks: [fromItem('b', 'plane:acme/1'), created('c'), fromItem('d', 'plane:acme/2')],
        }),
      ).toEqual({ fenced: [], duplicates: ['b'] });
      expect(
        await fixture.store.commit({
          tasks: [fromItem('e', 'plane:acme/3'), fromItem('f', 'plane:acme/3')],
        }),
      ).toEqual({ fenced: [], duplicates: ['f'] });
      expect(await fixture.store.getTask('b')).toBeNull();
      expect(await fixture.store.events('b')).toEqual([]);
      expect((await fixture.store.getTask('c'))?.status).toBe('classifying');
      expect(await fixture.store.taskBySource('plane:acme/1')).toEqual({
        id: 'a',
        sourceKey: 'plane:acme/1',
        status: 'classifying',
        input: { description: 'task a' },
        queued: true,
        reported: [],
      });
      expect(await fixture.store.taskBySource('plane:acme/9')).toBeNull();
      // Racing processes: one wins each key.
      const racers = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          (i % 2 ? other : fixture.store).commit({
            tasks: [fromItem(`r${i}`, 'plane:acme/race')],
          }),
        ),
      );
      expect(racers.flatMap((r) => r.duplicates)).toHaveLength(5);
      await other.close();
    });

    it('lists the tasks of a source still to keep in step: unfinished, or not reported at the end', async () => {
      const { store } = await open();
      await store.commit({
        tasks: [
          { ...created('a', 1), sourceKey: 'plane:acme/1' },
          { ...created('b', 2), sourceKey: 'plane:acme/2' },
          { ...created('c', 3), sourceKey: 'plane:other/3' },
          created('d', 4),
        ],
      });
      await store.commit({ tasks: [moved('b', 'done', 'REVIEWED', 5)] });
      const open1 = await store.openSourceTasks('plane:acme/');
      expect(open1.map((t) => [t.id, t.status, t.reported])).toEqual([
        ['a', 'classifying', []],
        ['b', 'done', []],
      ]);
      expect(
        await store.beginReport({ taskId: 'b', step: 'end', owner: 'p1', now: 6, leaseMs: 10 }),
      ).toEqual({ tries: 1 });
      await store.endReport({ taskId: 'b', step: 'end', owner: 'p1', now: 7 });
      expect((await store.openSourceTasks('plane:acme/')).map((t) => t.id)).toEqual(['a']);
      expect((await store.taskBySource('plane:acme/2'))?.reported).toEqual(['end']);
    });

    it('replaces the input of a task only while no process has claimed it', async () => {
      const { store } = await open();
      await store.commit({ tasks: [{ ...created('a', 1), sourceKey: 'plane:acme/1' }] });
      const edit = (description: string, at: number) => ({
        taskId: 'a',
        input: { description },
        snapshot: { value: 'classifying', context: { taskId: 'a', description } },
        at,
      });
      expect(await store.replaceQueued(edit('edited once', 2))).toBe(true);
      const task = await store.getTask('a');
      expect([task?.input, task?.snapshot, task?.updatedAt]).toEqual([
        { description: 'edited once' },
        { value: 'classifying', context: { taskId: 'a', description: 'edited once' } },
        2,
      ]);
      await store.claimTasks({ owner: 'p1', limit: 1, now: 3, leaseMs: 1 });
      expect(await store.replaceQueued(edit('too late', 4))).toBe(false);
      // Even once that lease has lapsed: the task has started.
      await store.releaseLeases('p1');
      expect(await store.replaceQueued(edit('too late', 5))).toBe(false);
      expect((await store.getTask('a'))?.input).toEqual({ description: 'edited once' });
      expect((await store.taskBySource('plane:acme/1'))?.queued).toBe(false);
      expect(await store.replaceQueued({ ...edit('none', 6), taskId: 'missing' })).toBe(false);
    });

    it('lets one writer at a time take a step of a report, and counts the tries', async () => {
      const fixture = await open();
      const other = await fixture.reopen();
      const claim = (owner: string, now: number) => ({
        taskId: 'a',
        step: 'start',
        owner,
        now,
        leaseMs: 10,
      });
      const takers = await Promise.all([
        fixture.store.beginReport(claim('p1', 1)),
        other.beginReport(claim('p2', 1)),
      ]);
      expect(takers.filter((t) => t !== null)).toEqual([{ tries: 1 }]);
      const holder = takers[0] ? 'p1' : 'p2';
      const waiter = holder === 'p1' ? 'p2' : 'p1';
      expect(await fixture.store.beginReport(claim(waiter, 5))).toBeNull();
      // The holder died: once its claim lapses another takes the step over, warned by the count.
      expect(await fixture.store.beginReport(claim(waiter, 11))).toEqual({ tries: 2 });
      // The late holder's end does not count: the step is not its any more.
      await fixture.store.endReport({ taskId: 'a', step: 'start', owner: holder, now: 12 });
      expect(await other.beginReport(claim(holder, 13))).toBeNull();
      await other.endReport({
        taskId: 'a',
        step: 'start',
        owner: waiter,
        now: 14,
        error: 'plane answered 503',
      });
      expect(await other.beginReport(claim(holder, 15))).toEqual({ tries: 3 });
      await other.endReport({ taskId: 'a', step: 'start', owner: holder, now: 16 });
      expect(await fixture.store.beginReport(claim(waiter, 100))).toBeNull();
      // Another step of the same task is its own.
      expect(await fixture.store.beginReport({ ...claim('p1', 100), step: 'end' })).toEqual({
        tries: 1,
      });
      await other.close();
    });

    it('keeps the health of each source as each process last saw it, newest first, a week at most', async () => {
      const { store } = await open();
      const day = 24 * 3_600_000;
      await store.putSourceHealth({ source: 'plane', owner: 'p1', at: 1, health: { ok: false } });
      await store.putSourceHealth({ source: 'plane', owner: 'p2', at: 2 * day, health: { n: 1 } });
      await store.putSourceHealth({ source: 'plane', owner: 'p2', at: 3 * day, health: { n: 2 } });
      expect(await store.sourceHealth()).toEqual([
        { source: 'plane', owner: 'p2', at: 3 * day, health: { n: 2 } },
        { source: 'plane', owner: 'p1', at: 1, health: { ok: false } },
      ]);
      await store.putSourceHealth({ source: 'plane', owner: 'p2', at: 8 * day, health: { n: 3 } });
      expect((await store.sourceHealth()).map((r) => r.owner)).toEqual(['p2']);
    });

    it('counts the statements, round trips and transactions it sends', async () => {
      const { store } = await open();
      const before = await store.counts();
      await store.commit({ tasks: [created('a')] });
      await store.getTask('a');
      const after = await store.counts();
      const sent = {
        statements: after.statements - before.statements,
        roundTrips: after.roundTrips - before.roundTrips,
        transactions: after.transactions - before.transactions,
      };
      // A commit inserts the task and its event (at least); the read is one more.
      expect(sent.statements).toBeGreaterThanOrEqual(3);
      expect(sent.transactions).toBe(1);
      // PostgreSQL waits on each statement and on BEGIN and COMMIT; SQLite runs in the process.
      if (backend === 'postgres') expect(sent.roundTrips).toBe(sent.statements + 2);
      else expect(sent.roundTrips).toBe(0);
    });

    it('keeps everything across a reopen', async () => {
      const fixture = await open();
      await fixture.store.commit({
        tasks: [leased(created('a'), 'p1', 100), moved('a', 'executing', 'CLASSIFIED', 2)],
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
      expect(await again.claimTasks({ owner: 'p2', limit: 1, now: 99, leaseMs: 1 })).toEqual([]);
      await again.close();
    });
  });
}
