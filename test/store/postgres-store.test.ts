import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { migrate, migrations } from '../../src/store/postgres-migrations.js';
import {
  listenForTasks,
  openPostgresStore,
  reasonOf,
  taskChannel,
} from '../../src/store/postgres-store.js';
import { type Store, StoreError, type TaskCommit } from '../../src/store/store.js';
import { describeStoreContract } from './store-contract.js';

// The contract and the PostgreSQL-only behaviour, against `CTO_TEST_DATABASE_URL`. Each test
// works in a schema of its own (the store's connections get it as their search_path), dropped
// after it, so files and tests may run in parallel and leave nothing behind.

const url = process.env.CTO_TEST_DATABASE_URL?.trim() || null;
const underCi = process.env.CI === 'true';

function created(taskId: string, claim?: TaskCommit['claim']): TaskCommit {
  return {
    taskId,
    input: { description: `task ${taskId}` },
    event: null,
    snapshot: { value: 'classifying' },
    status: 'classifying',
    machineVersion: 1,
    at: 1,
    ...(claim ? { claim } : {}),
  };
}

if (url === null && !underCi) {
  describe.skip('PostgreSQL store: skipped because CTO_TEST_DATABASE_URL is not set (CI sets it)', () => {
    it('runs the store contract on PostgreSQL', () => {});
  });
} else if (url === null) {
  describe('PostgreSQL store', () => {
    it('has a database to run against', () => {
      throw new Error(
        'CTO_TEST_DATABASE_URL is not set: under CI the PostgreSQL store is tested, never skipped',
      );
    });
  });
} else {
  const server = url;
  const admin = new pg.Pool({ connectionString: server, max: 2 });
  admin.on('error', () => {});
  const schemas: string[] = [];
  const opened: Store[] = [];

  /** A new, empty schema, dropped after the test. */
  async function freshSchema(): Promise<string> {
    const name = `cto_test_${randomUUID().replaceAll('-', '')}`;
    try {
      await admin.query(`CREATE SCHEMA ${name}`);
    } catch (error) {
      throw new Error(`PostgreSQL at ${server} is not usable for tests: ${reasonOf(error)}`);
    }
    schemas.push(name);
    return name;
  }

  /** The test server's URL with `schema` as the search_path of every connection. */
  function inSchema(schema: string): string {
    const at = new URL(server);
    at.searchParams.set('options', `-c search_path=${schema}`);
    return at.toString();
  }

  function opening(at: string): Store {
    const store = openPostgresStore(at);
    opened.push(store);
    return store;
  }

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close().catch(() => {})));
    await Promise.all(
      schemas.splice(0).map((schema) => admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)),
    );
  });
  afterAll(() => admin.end());

  describeStoreContract('postgres', async () => {
    const at = inSchema(await freshSchema());
    return { store: opening(at), reopen: async () => opening(at) };
  });

  describe('PostgreSQL store', () => {
    async function appliedVersions(schema: string): Promise<number[]> {
      const { rows } = await admin.query<{ version: number; applied_at: string }>(
        `SELECT version, applied_at FROM ${schema}.schema_migrations ORDER BY version`,
      );
      for (const row of rows) expect(Number(row.applied_at)).toBeGreaterThan(0);
      return rows.map((row) => row.version);
    }

    it('records its migrations in schema_migrations and applies each once', async () => {
      const schema = await freshSchema();
      const first = opening(inSchema(schema));
      await first.commit({ tasks: [created('a')] });
      await first.close();
      const again = opening(inSchema(schema));
      expect((await again.getTask('a'))?.id).toBe('a');
      expect(await appliedVersions(schema)).toEqual(migrations.map((m) => m.version));
      const client = new pg.Client({ connectionString: inSchema(schema) });
      await client.connect();
      try {
        expect(await migrate(client)).toEqual([]);
        // A later step applies alone, on top of what is there.
        const next = { version: 1_000, name: 'a later step', sql: 'CREATE TABLE later (x INT)' };
        expect(await migrate(client, [...migrations, next])).toEqual([1_000]);
        expect(await migrate(client, [...migrations, next])).toEqual([]);
      } finally {
        await client.end();
      }
    });

    it('lets several processes migrate a fresh schema at once', async () => {
      const schema = await freshSchema();
      const stores = Array.from({ length: 4 }, () => opening(inSchema(schema)));
      expect(await Promise.all(stores.map((store) => store.countByStatus()))).toEqual([
        {},
        {},
        {},
        {},
      ]);
      expect(await appliedVersions(schema)).toEqual(migrations.map((m) => m.version));
    });

    it('fails every call with one line naming the server when it cannot be reached', async () => {
      const store = openPostgresStore('postgres://cto:secret@127.0.0.1:1/nowhere');
      const failure = await store.getTask('a').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(StoreError);
      const message = (failure as Error).message;
      expect(message).toMatch(
        /^cannot open the PostgreSQL store at postgres:\/\/cto@127\.0\.0\.1:1\/nowhere: .*ECONNREFUSED/,
      );
      expect(message).not.toContain('\n');
      expect(message).not.toContain('secret');
      await expect(store.commit({ tasks: [created('a')] })).rejects.toThrow(message);
      await expect(store.claimTasks({ owner: 'p', limit: 1, now: 0, leaseMs: 1 })).rejects.toThrow(
        message,
      );
      await store.close();
      await expect(store.getTask('a')).rejects.toThrow(/is closed$/);
    });

    it('moves leases out of the task rows of a schema at migration 4, keeping holders and tokens', async () => {
      const schema = await freshSchema();
      const client = new pg.Client({ connectionString: inSchema(schema) });
      await client.connect();
      try {
        expect(
          await migrate(
            client,
            migrations.filter((m) => m.version <= 4),
          ),
        ).toEqual([1, 2, 3, 4]);
        await client.query(`INSERT INTO tasks (id, status, machine_version, input, snapshot,
            created_at, updated_at, lease_owner, lease_token, lease_expires_at, source_key) VALUES
          ('held', 'executing', 1, '{"description":"x"}', '{}', 1, 1, 'p1', 4, 100, NULL),
          ('free', 'reviewing', 1, '{"description":"y"}', '{}', 2, 2, NULL, 2, NULL, NULL),
          ('new', 'classifying', 1, '{"description":"z"}', '{}', 3, 3, NULL, 0, NULL, 'plane:a/1')`);
      } finally {
        await client.end();
      }
      const store = opening(inSchema(schema));
      expect(await store.leaseOwners(50)).toEqual(['p1']);
      expect((await store.taskBySource('plane:a/1'))?.queued).toBe(true);
      const renewed = await store.renewLeases({
        owner: 'p1',
        taskIds: ['held'],
        now: 50,
        leaseMs: 100,
      });
      expect(renewed.map((lease) => lease.token)).toEqual([4]);
      const claimed = await store.claimTasks({ owner: 'p2', limit: 5, now: 60, leaseMs: 10 });
      expect(claimed.map((c) => [c.lease.taskId, c.lease.token])).toEqual([
        ['free', 3],
        ['new', 1],
      ]);
      expect(
        await store.commit({
          tasks: [
            {
              taskId: 'held',
              event: { type: 'X' },
              snapshot: {},
              status: 'reviewing',
              machineVersion: 1,
              at: 70,
            },
          ],
          fences: [{ taskId: 'held', token: 4 }],
        }),
      ).toEqual({ fenced: [], duplicates: [] });
      const { rows } = await admin.query(
        `SELECT column_name FROM information_schema.columns
         WHERE table_schema = $1 AND table_name = 'tasks' AND column_name LIKE 'lease%'`,
        [schema],
      );
      expect(rows).toEqual([]);
      const taken = await store.claimTasks({ owner: 'p3', limit: 5, now: 1_000, leaseMs: 10 });
      expect(taken.map((c) => [c.lease.taskId, c.lease.token])).toEqual([
        ['held', 5],
        ['free', 4],
        ['new', 2],
      ]);
    });

    it.each([
      ['lease', 'task_leases', 'task_id'],
      ['row', 'tasks', 'id'],
    ])(
      'passes over a task whose %s a commit holds, rather than wait for it',
      async (_, table, key) => {
        const schema = await freshSchema();
        const store = opening(inSchema(schema));
        await store.commit({ tasks: [created('a', { owner: 'p1', expiresAt: 10 }), created('b')] });
        const holder = await admin.connect();
        try {
          await holder.query('BEGIN');
          await holder.query(`SELECT 1 FROM ${schema}.${table} WHERE ${key} = 'a' FOR UPDATE`);
          const claims = await store.claimTasks({ owner: 'p2', limit: 5, now: 20, leaseMs: 10 });
          expect(claims.map((c) => c.lease.taskId)).toEqual(['b']);
          await holder.query('ROLLBACK');
        } finally {
          holder.release();
        }
        const later = await store.claimTasks({ owner: 'p2', limit: 5, now: 20, leaseMs: 10 });
        expect(later.map((c) => [c.lease.taskId, c.lease.token])).toEqual([['a', 2]]);
      },
    );

    it('claims a task whose row cannot be read as unreadable, and the others as they are', async () => {
      const schema = await freshSchema();
      const store = opening(inSchema(schema));
      await store.commit({ tasks: [created('torn'), created('fine')] });
      await admin.query(`UPDATE ${schema}.tasks SET input = '{"x":1}' WHERE id = 'torn'`);
      const claimed = await store.claimTasks({ owner: 'p1', limit: 5, now: 10, leaseMs: 10 });
      expect(claimed.map((c) => [c.lease.taskId, c.task?.id ?? c.unreadable])).toEqual([
        ['fine', 'fine'],
        ['torn', expect.stringMatching(/^its stored row cannot be read: .*input\.description/)],
      ]);
    });

    it('lists a task whose row cannot be read as unreadable, with why, and the others as they are', async () => {
      const schema = await freshSchema();
      const store = opening(inSchema(schema));
      await store.commit({ tasks: ['fine', 'torn', 'invalid'].map((id) => created(id)) });
      await admin.query(`UPDATE ${schema}.tasks SET input = '{"descr' WHERE id = 'torn'`);
      await admin.query(
        `UPDATE ${schema}.tasks SET input = '{"x":1}', created_at = 2 WHERE id = 'invalid'`,
      );
      const rows = `SELECT * FROM ${schema}.tasks ORDER BY id`;
      const before = (await admin.query(rows)).rows;
      const listed = await store.listTasks({ withUnreadable: true });
      expect(listed.map((t) => [t.id, t.input?.description ?? t.unreadable])).toEqual([
        [
          'invalid',
          expect.stringMatching(/^its stored row cannot be read: .* at input\.description/),
        ],
        ['fine', 'task fine'],
        ['torn', 'its stored row cannot be read: stored JSON is unreadable'],
      ]);
      expect(listed[0]).toMatchObject({ status: 'classifying', createdAt: 2, updatedAt: 1 });
      await expect(store.listTasks()).rejects.toThrow(
        /^task invalid: stored row is invalid at input/,
      );
      expect((await admin.query(rows)).rows).toEqual(before);
    });

    it('is what openStore opens for a postgres:// or postgresql:// URL', async () => {
      const at = inSchema(await freshSchema());
      const store = openStore(at, '/nowhere');
      opened.push(store);
      await store.commit({ tasks: [created('a')] });
      const same = openStore(at.replace(/^postgres:/, 'postgresql:'), '/nowhere');
      opened.push(same);
      expect((await same.getTask('a'))?.id).toBe('a');
    });

    it('notifies cto_tasks when a task is submitted, not when its creator claims it', async () => {
      const at = inSchema(await freshSchema());
      const store = opening(at);
      await store.countByStatus();
      const raw = new pg.Client({ connectionString: server });
      await raw.connect();
      const payloads: string[] = [];
      let marked: () => void = () => {};
      const marker = new Promise<void>((resolve) => {
        marked = resolve;
      });
      raw.on('notification', (message) => {
        payloads.push(message.payload ?? '');
        if (message.payload === 'marker') marked();
      });
      await raw.query(`LISTEN ${taskChannel}`);
      try {
        await store.commit({ tasks: [created('mine', { owner: 'p1', expiresAt: 100 })] });
        await store.commit({ tasks: [created('submitted')] });
        // Notifications arrive in commit order: once the marker has, the others have too.
        await admin.query(`NOTIFY ${taskChannel}, 'marker'`);
        await marker;
        expect(payloads).toEqual(['', 'marker']);
      } finally {
        await raw.end();
      }
    });

    it('wakes a listener when a task is submitted', async () => {
      const at = inSchema(await freshSchema());
      const store = opening(at);
      let woken: () => void = () => {};
      const wake = new Promise<void>((resolve) => {
        woken = resolve;
      });
      const listener = await listenForTasks(at, () => woken());
      try {
        await store.commit({ tasks: [created('a')] });
        await wake;
      } finally {
        await listener.close();
      }
    });

    it('says in one line when it cannot listen', async () => {
      await expect(
        listenForTasks('postgres://cto:secret@127.0.0.1:1/nowhere', () => {}),
      ).rejects.toThrow(
        /^cannot listen for tasks at postgres:\/\/cto@127\.0\.0\.1:1\/nowhere: .*ECONNREFUSED/,
      );
    });
  });
}
