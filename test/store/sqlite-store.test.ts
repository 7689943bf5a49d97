import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { emptyPerformance, type PerformanceRow } from '../../src/store/performance-row.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { TaskStatus } from '../../src/store/store.js';
import { describeStoreContract } from './store-contract.js';

function freshPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'cto-store-')), 'nested', 'state.db');
}

/** A new task's first commit, its description its id. */
function newTask(taskId: string, at: number, status: TaskStatus = 'classifying') {
  return {
    taskId,
    input: { description: taskId },
    event: null,
    snapshot: {},
    status,
    machineVersion: 1,
    at,
  };
}

/** The schema of the version before task_leases: the lease in three columns of the task's row. */
const oldLeaseSchema = `DROP TABLE task_leases;
  ALTER TABLE tasks ADD COLUMN lease_owner TEXT;
  ALTER TABLE tasks ADD COLUMN lease_token INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE tasks ADD COLUMN lease_expires_at INTEGER;`;

describeStoreContract('sqlite', async () => {
  const path = freshPath();
  return { store: openSqliteStore(path), reopen: async () => openSqliteStore(path) };
});

describe('SQLite store', () => {
  it('uses WAL mode', () => {
    const path = freshPath();
    const store = openSqliteStore(path);
    expect(new Database(path).pragma('journal_mode', { simple: true })).toBe('wal');
    void store.close();
  });

  it('opens a store whose performance table predates the later-attempt columns', async () => {
    const path = freshPath();
    mkdirSync(dirname(path), { recursive: true });
    const old = new Database(path);
    old.exec(`CREATE TABLE performance (
      model TEXT NOT NULL, task_type TEXT NOT NULL, attempts INTEGER NOT NULL,
      approvals INTEGER NOT NULL, rejections INTEGER NOT NULL, failures INTEGER NOT NULL,
      escalations INTEGER NOT NULL, quality_sum REAL NOT NULL, reviews INTEGER NOT NULL,
      latency_ms REAL NOT NULL, input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
      cost_usd REAL NOT NULL, max_call_tokens INTEGER NOT NULL, PRIMARY KEY (model, task_type)
    ) WITHOUT ROWID`);
    old.exec(
      `INSERT INTO performance VALUES ('deepseek', 'coding', 3, 2, 1, 0, 1, 20, 3, 90, 300, 60, 0.1, 200)`,
    );
    old.close();
    const store = openSqliteStore(path);
    expect(await store.performance()).toEqual([
      expect.objectContaining({
        model: 'deepseek',
        attempts: 3,
        laterAttempts: 0,
        laterApprovals: 0,
      }),
    ]);
    await store.close();
  });

  it('opens a store whose tasks predate leases: their tasks are claimable, from token 1', async () => {
    const path = freshPath();
    mkdirSync(dirname(path), { recursive: true });
    const old = new Database(path);
    old.exec(`CREATE TABLE tasks (
      id TEXT PRIMARY KEY, status TEXT NOT NULL, machine_version INTEGER NOT NULL,
      input TEXT NOT NULL, snapshot TEXT NOT NULL, created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    )`);
    old.exec(
      `INSERT INTO tasks VALUES ('old', 'executing', 1, '{"description":"x"}', '{}', 5, 6),
        ('over', 'done', 1, '{"description":"y"}', '{}', 1, 2)`,
    );
    old.close();
    const store = openSqliteStore(path);
    const claimed = await store.claimTasks({ owner: 'p1', limit: 5, now: 10, leaseMs: 10 });
    expect(claimed.map((c) => c.lease)).toEqual([
      { taskId: 'old', owner: 'p1', token: 1, expiresAt: 20 },
    ]);
    expect(
      await store.commit({
        tasks: [
          {
            taskId: 'old',
            event: { type: 'EXECUTED' },
            snapshot: {},
            status: 'reviewing',
            machineVersion: 1,
            at: 11,
          },
        ],
        fences: [{ taskId: 'old', token: 1 }],
      }),
    ).toEqual({ fenced: [], duplicates: [] });
    await store.close();
  });

  it('moves the leases of a store made before task_leases, keeping holders and tokens', async () => {
    const path = freshPath();
    const made = openSqliteStore(path);
    await made.commit({
      tasks: [
        newTask('held', 1, 'executing'),
        newTask('free', 2, 'reviewing'),
        { ...newTask('new', 3, 'classifying'), sourceKey: 'plane:a/1' },
      ],
    });
    await made.close();
    // The schema of the version before: the lease in three columns of the task's row.
    const old = new Database(path);
    old.exec(`${oldLeaseSchema}
      UPDATE tasks SET lease_owner = 'p1', lease_token = 4, lease_expires_at = 100 WHERE id = 'held';
      UPDATE tasks SET lease_token = 2 WHERE id = 'free';`);
    old.close();
    // Read only, it is not changed, and its leases read from the old columns.
    const reader = openSqliteStore(path, { readOnly: true });
    expect((await reader.taskBySource('plane:a/1'))?.queued).toBe(true);
    expect(await reader.leaseOwners(50)).toEqual(['p1']);
    await reader.close();
    const store = openSqliteStore(path);
    expect(await store.leaseOwners(50)).toEqual(['p1']);
    expect(
      (await store.renewLeases({ owner: 'p1', taskIds: ['held'], now: 50, leaseMs: 100 })).map(
        (lease) => lease.token,
      ),
    ).toEqual([4]);
    const claimed = await store.claimTasks({ owner: 'p2', limit: 5, now: 60, leaseMs: 10 });
    expect(claimed.map((c) => [c.lease.taskId, c.lease.token])).toEqual([
      ['free', 3],
      ['new', 1],
    ]);
    const columns = (new Database(path).pragma('table_info(tasks)') as { name: string }[]).map(
      (c) => c.name,
    );
    expect(columns.filter((name) => name.startsWith('lease_'))).toEqual([]);
    await store.close();
    // Opened again, nothing moves twice.
    const again = openSqliteStore(path);
    const taken = await again.claimTasks({ owner: 'p3', limit: 5, now: 1_000, leaseMs: 10 });
    expect(taken.map((c) => [c.lease.taskId, c.lease.token])).toEqual([
      ['held', 5],
      ['free', 4],
      ['new', 2],
    ]);
    await again.close();
  });

  it('keeps no lease token that is not a whole number, so every claim takes every task', async () => {
    const path = freshPath();
    const store = openSqliteStore(path);
    await store.commit({ tasks: [newTask('a', 1), newTask('t', 2)] });
    const db = new Database(path);
    for (const bad of [2.5, 'x'])
      expect(() =>
        db.prepare("UPDATE task_leases SET token = ? WHERE task_id = 't'").run(bad),
      ).toThrow(/cannot store/);
    db.close();
    const claimed = await store.claimTasks({ owner: 'p1', limit: 2, now: 10, leaseMs: 10 });
    expect(claimed.map((c) => [c.lease.taskId, c.lease.token])).toEqual([
      ['a', 1],
      ['t', 1],
    ]);
    await store.close();
  });

  it('moves a lease of the old columns that is not whole numbers as given back, its token past any counted', async () => {
    const path = freshPath();
    const made = openSqliteStore(path);
    await made.commit({
      tasks: ['half', 'text', 'when', 'fine'].map((taskId, at) => newTask(taskId, at, 'executing')),
    });
    await made.close();
    const old = new Database(path);
    old.exec(`${oldLeaseSchema}
      UPDATE tasks SET lease_owner = 'p1', lease_expires_at = 1000;
      UPDATE tasks SET lease_token = 2.5 WHERE id = 'half';
      UPDATE tasks SET lease_token = 'x' WHERE id = 'text';
      UPDATE tasks SET lease_token = 7, lease_expires_at = 'soon' WHERE id = 'when';
      UPDATE tasks SET lease_token = 3 WHERE id = 'fine';`);
    old.close();
    const before = Date.now();
    const store = openSqliteStore(path);
    // p1 still holds 'fine' until 1000; the three bad leases are given back.
    const claimed = await store.claimTasks({ owner: 'p2', limit: 5, now: 50, leaseMs: 10 });
    const tokens = new Map(claimed.map((c) => [c.lease.taskId, c.lease.token]));
    expect([...tokens.keys()]).toEqual(['half', 'text', 'when']);
    expect(tokens.get('half')).toBeGreaterThan(before);
    expect(tokens.get('text')).toBeGreaterThan(before);
    expect(tokens.get('when')).toBe(8);
    expect(await store.leaseOwners(50)).toEqual(['p1', 'p2']);
    await store.close();
  });

  it('claims a task whose row cannot be read as unreadable, and the others as they are', async () => {
    const path = freshPath();
    const store = openSqliteStore(path);
    await store.commit({
      tasks: ['torn', 'fine'].map((taskId, at) => newTask(taskId, at, 'classifying')),
    });
    new Database(path).prepare("UPDATE tasks SET snapshot = '{not json' WHERE id = 'torn'").run();
    const claimed = await store.claimTasks({ owner: 'p1', limit: 5, now: 10, leaseMs: 10 });
    expect(claimed.map((c) => [c.lease.taskId, c.task?.input.description ?? c.unreadable])).toEqual(
      [
        ['torn', 'its stored row cannot be read: stored JSON is unreadable'],
        ['fine', 'fine'],
      ],
    );
    // The unreadable task's lease is held, and lapses: it is tried again later.
    expect(await store.claimTasks({ owner: 'p2', limit: 5, now: 15, leaseMs: 10 })).toEqual([]);
    const again = await store.claimTasks({ owner: 'p2', limit: 5, now: 20, leaseMs: 10 });
    expect(again.map((c) => c.lease.taskId)).toEqual(['torn', 'fine']);
    await store.close();
  });

  it('lists a task whose row cannot be read as unreadable, with why, and the others as they are', async () => {
    const path = freshPath();
    const store = openSqliteStore(path);
    await store.commit({
      tasks: ['fine', 'torn', 'invalid', 'lost'].map((taskId, at) => newTask(taskId, at)),
    });
    const raw = new Database(path);
    raw.prepare("UPDATE tasks SET input = '{\"descr' WHERE id = 'torn'").run();
    raw.prepare("UPDATE tasks SET input = '{\"x\":1}' WHERE id = 'invalid'").run();
    raw.prepare("UPDATE tasks SET status = 'gone' WHERE id = 'lost'").run();
    const before = raw.prepare('SELECT * FROM tasks ORDER BY id').all();
    const listed = await store.listTasks({ withUnreadable: true });
    expect(listed.map((t) => [t.id, t.status, t.input?.description ?? t.unreadable])).toEqual([
      ['lost', 'gone', expect.stringMatching(/^its stored row cannot be read: .*at status: /)],
      ['invalid', 'classifying', expect.stringMatching(/^its stored row .* at input\.description/)],
      ['torn', 'classifying', 'its stored row cannot be read: stored JSON is unreadable'],
      ['fine', 'classifying', 'fine'],
    ]);
    expect(listed[2]).toMatchObject({ createdAt: 1, updatedAt: 1 });
    // Paging goes on past an unreadable row; without withUnreadable the list names it and stops.
    const after = { createdAt: 2, id: 'invalid' };
    const next = await store.listTasks({ withUnreadable: true, limit: 5, after });
    expect(next.map((t) => t.id)).toEqual(['torn', 'fine']);
    await expect(store.listTasks()).rejects.toThrow(/^task lost: stored row is invalid at status/);
    // Nothing of the bad rows is changed.
    expect(raw.prepare('SELECT * FROM tasks ORDER BY id').all()).toEqual(before);
    raw.close();
    await store.close();
  });

  it("claims through the index by status alone, never reading finished tasks nor a task's row", () => {
    const path = freshPath();
    const store = openSqliteStore(path);
    const plan = new Database(path)
      .prepare(
        `EXPLAIN QUERY PLAN SELECT t.id FROM tasks AS t JOIN task_leases AS l ON l.task_id = t.id
         WHERE t.status IN ('classifying', 'overriding', 'executing', 'reviewing', 'escalated')
         AND (l.owner IS NULL OR l.expires_at <= 1) ORDER BY t.created_at, t.id LIMIT 5`,
      )
      .all() as { detail: string }[];
    expect(plan.map((row) => row.detail).join('; ')).toMatch(
      /USING COVERING INDEX tasks_by_status_id/,
    );
    void store.close();
    // A store made before the id was in the index gets the new one, and loses the old one.
    const raw = new Database(path);
    raw.exec(`DROP INDEX tasks_by_status_id;
      CREATE INDEX tasks_by_status ON tasks (status, created_at);`);
    void openSqliteStore(path).close();
    const indexes = raw
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tasks'")
      .pluck()
      .all();
    expect(indexes).toContain('tasks_by_status_id');
    expect(indexes).not.toContain('tasks_by_status');
    raw.close();
  });

  it('names a corrupted row instead of passing it on', async () => {
    const path = freshPath();
    const store = openSqliteStore(path);
    await store.commit({
      tasks: [
        {
          taskId: 't',
          input: { description: 'x' },
          event: null,
          snapshot: {},
          status: 'classifying',
          machineVersion: 1,
          at: 1,
        },
      ],
    });
    new Database(path).prepare("UPDATE tasks SET snapshot = '{oops' WHERE id = 't'").run();
    await expect(store.getTask('t')).rejects.toThrow('task t: stored JSON is unreadable');
    new Database(path)
      .prepare("UPDATE tasks SET snapshot = '{}', status = 'lost' WHERE id = 't'")
      .run();
    await expect(store.getTask('t')).rejects.toThrow(/^task t: stored row is invalid at status/);
  });

  it('says clearly when the file cannot be opened', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cto-store-'));
    writeFileSync(join(dir, 'a-file'), '');
    expect(() => openSqliteStore(join(dir, 'a-file', 'state.db'))).toThrow(
      /^cannot open the SQLite store at .*: EEXIST: file already exists/,
    );
  });
  it("writes a batch's budget work in a few statements, however many calls it holds", async () => {
    const store = openSqliteStore(freshPath());
    const limits = [
      { scope: 'group:external', tokens: 1_000_000, usd: null },
      { scope: 'model:deepseek', tokens: null, usd: null },
    ];
    const reservations = Array.from({ length: 20 }, (_, i) => ({
      id: `r${i}`,
      window: '2026-11-24',
      tokens: 100,
      usd: 0.01,
      limits,
      at: 1,
      expiresAt: 1_000,
    }));
    const sent = async (batch: Parameters<typeof store.commit>[0]) => {
      const before = (await store.counts()).statements;
      await store.commit(batch);
      return (await store.counts()).statements - before;
    };
    // Replaced rows deleted in one, the capped scope read once, the held totals in one.
    expect(await sent({ reservations })).toBe(3);
    const settlements = reservations.map((r) => ({
      reservationId: r.id,
      window: r.window,
      scopes: ['group:external', 'model:deepseek'],
      tokens: 50,
      usd: 0.005,
    }));
    expect(await sent({ settlements })).toBe(2);
    expect(await store.budgetUsage('2026-11-24', 2)).toMatchObject([
      { scope: 'group:external', tokens: 1_000, reservedTokens: 0 },
      { scope: 'model:deepseek', tokens: 1_000, reservedTokens: 0 },
    ]);
  });

  it('counts a reservation made twice in one batch once (the later one replaces it)', async () => {
    const store = openSqliteStore(freshPath());
    const reservation = (tokens: number) => ({
      id: 'r1',
      window: '2026-11-24',
      tokens,
      usd: 0,
      limits: [{ scope: 'group:external', tokens: 1_000, usd: null }],
      at: 1,
      expiresAt: 1_000,
    });
    const result = await store.commit({ reservations: [reservation(600), reservation(700)] });
    expect(result.overBudget).toBeUndefined();
    expect(await store.budgetUsage('2026-11-24', 2)).toMatchObject([
      { scope: 'group:external', reservedTokens: 700 },
    ]);
  });
  describe("a store's live reservations, held in memory and stored as totals per scope", () => {
    const limits = [
      { scope: 'group:external', tokens: 1_000, usd: null },
      { scope: 'model:deepseek', tokens: null, usd: null },
    ];
    const reservation = (id: string, tokens: number, at: number, expiresAt: number) => ({
      id,
      window: '2026-11-24',
      tokens,
      usd: 0,
      limits,
      at,
      expiresAt,
    });
    const settlement = (reservationId: string, tokens: number) => ({
      reservationId,
      window: '2026-11-24',
      scopes: limits.map((l) => l.scope),
      tokens,
      usd: 0,
    });
    const refused = async (
      store: ReturnType<typeof openSqliteStore>,
      r: ReturnType<typeof reservation>,
    ) => (await store.commit({ reservations: [r] })).overBudget?.[0]?.refusal ?? null;
    const rows = (path: string) => {
      const raw = new Database(path, { readonly: true });
      const all = raw
        .prepare('SELECT scope, tokens, expires_at FROM budget_reservations ORDER BY scope')
        .all();
      raw.close();
      return all;
    };

    it('writes one row per scope for all of them, not rows per call made and deleted', async () => {
      const path = freshPath();
      const store = openSqliteStore(path);
      const made = Array.from({ length: 20 }, (_, i) => reservation(`r${i}`, 10, 1, 100 + i));
      await store.commit({ reservations: made });
      expect(rows(path)).toEqual([
        { scope: 'group:external', tokens: 200, expires_at: 119 },
        { scope: 'model:deepseek', tokens: 200, expires_at: 119 },
      ]);
      // Half of them settle as the other half reserve again (a retry): still one row per scope.
      await store.commit({
        settlements: made.slice(0, 10).map((r) => settlement(r.id, 5)),
        reservations: made.slice(10).map((r) => ({ ...r, tokens: 20 })),
      });
      expect(rows(path)).toEqual([
        { scope: 'group:external', tokens: 200, expires_at: 119 },
        { scope: 'model:deepseek', tokens: 200, expires_at: 119 },
      ]);
      await store.commit({ settlements: made.slice(10).map((r) => settlement(r.id, 5)) });
      expect(rows(path)).toEqual([]);
      expect(await store.budgetUsage('2026-11-24', 2)).toMatchObject([
        { scope: 'group:external', tokens: 100, reservedTokens: 0 },
        { scope: 'model:deepseek', tokens: 100, reservedTokens: 0 },
      ]);
    });

    it("counts a dead store's reservations in other processes until the last expires, then lets them go", async () => {
      const path = freshPath();
      const dead = openSqliteStore(path);
      await dead.commit({
        reservations: [reservation('a', 400, 1, 40), reservation('b', 500, 1, 50)],
      });
      // The process dies here: never settles, never closes.
      const other = openSqliteStore(path);
      expect(await refused(other, reservation('c', 200, 45, 1_000))).toMatchObject({
        committed: 900,
      });
      expect(await other.budgetUsage('2026-11-24', 49)).toMatchObject([
        { scope: 'group:external', reservedTokens: 900 },
        { scope: 'model:deepseek', reservedTokens: 900 },
      ]);
      expect(await refused(other, reservation('c', 200, 50, 1_000))).toBeNull();
      expect(await other.budgetUsage('2026-11-24', 50)).toMatchObject([
        { scope: 'group:external', reservedTokens: 200 },
        { scope: 'model:deepseek', reservedTokens: 200 },
      ]);
      await other.close();
    });

    it('settles rightly after another store let its expired total go', async () => {
      const path = freshPath();
      const late = openSqliteStore(path);
      const other = openSqliteStore(path);
      await late.commit({ reservations: [reservation('slow', 900, 1, 50)] });
      expect(await refused(other, reservation('x', 500, 60, 1_000))).toBeNull();
      // The slow call ends after all: its use counts, its reservation no longer does.
      await late.commit({ settlements: [settlement('slow', 100)] });
      expect(await other.budgetUsage('2026-11-24', 61)).toMatchObject([
        { scope: 'group:external', tokens: 100, reservedTokens: 500 },
        { scope: 'model:deepseek', tokens: 100, reservedTokens: 500 },
      ]);
      expect(await refused(late, reservation('y', 401, 61, 1_000))).toMatchObject({
        committed: 600,
      });
      expect(await refused(late, reservation('y', 400, 61, 1_000))).toBeNull();
      await late.close();
      await other.close();
    });

    it('keeps nothing of a reservation whose batch was rolled back', async () => {
      const path = freshPath();
      const store = openSqliteStore(path);
      const ghost = { ...newTask('ghost', 1), input: undefined };
      await expect(
        store.commit({ tasks: [ghost], reservations: [reservation('r1', 900, 1, 100)] }),
      ).rejects.toThrow('no task ghost to update');
      expect(await refused(store, reservation('r2', 1_000, 1, 100))).toBeNull();
      expect(rows(path)).toEqual([
        { scope: 'group:external', tokens: 1_000, expires_at: 100 },
        { scope: 'model:deepseek', tokens: 1_000, expires_at: 100 },
      ]);
      await store.close();
    });
  });

  it("sums a batch's history deltas per model and task type: one upsert per row", async () => {
    const store = openSqliteStore(freshPath());
    const delta = (model: string, patch: Partial<PerformanceRow>) => ({
      ...emptyPerformance(model, 'coding'),
      attempts: 1,
      ...patch,
    });
    const before = (await store.counts()).statements;
    await store.commit({
      performance: [
        ...Array.from({ length: 10 }, (_, i) => delta('deepseek', { maxCallTokens: 100 * i })),
        delta('sonnet', { approvals: 1 }),
      ],
    });
    expect((await store.counts()).statements - before).toBe(2);
    expect(await store.performance()).toMatchObject([
      { model: 'deepseek', attempts: 10, maxCallTokens: 900 },
      { model: 'sonnet', attempts: 1, approvals: 1 },
    ]);
  });
});
