import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { CommitBatcher } from '../../src/runtime/commit-batcher.js';
import { createLeaseKeeper } from '../../src/runtime/lease-keeper.js';
import { SimulatedClock } from '../../src/runtime/simulated-clock.js';
import { createTimerSet } from '../../src/runtime/timer-set.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { Store, TaskCommit } from '../../src/store/store.js';

const leaseMs = 30_000;

function created(taskId: string, claim?: TaskCommit['claim']): TaskCommit {
  return {
    taskId,
    input: { description: `task ${taskId}` },
    event: null,
    snapshot: { value: 'classifying', context: { taskId } },
    status: 'classifying',
    machineVersion: 1,
    at: 0,
    ...(claim ? { claim } : {}),
  };
}

/** A store whose lease renewals are on record: which tasks each asked about. */
function recordingStore(): Store & { renewals: string[][] } {
  const inner = openSqliteStore(':memory:');
  const renewals: string[][] = [];
  return {
    ...inner,
    renewals,
    renewLeases: (renewal) => {
      renewals.push([...renewal.taskIds]);
      return inner.renewLeases(renewal);
    },
  };
}

/** A process's lease keeper on `store`, with its own clock; `lost` hears of tasks taken over. */
function keeperOf(store: Store, owner: string) {
  const clock = new SimulatedClock(0);
  const lost: string[] = [];
  const timers = createTimerSet(clock, () => false);
  const keeper = createLeaseKeeper({
    store,
    clock,
    timers,
    owner,
    leaseMs,
    isStopping: () => false,
    onLost: (id) => lost.push(id),
  });
  return { keeper, clock, lost };
}

/** Lets the store's answers arrive (never sleeps). */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve));
}

describe('the lease keeper', () => {
  it('holds a task it creates from its first commit, claims others, and renews them all in one call', async () => {
    const store = recordingStore();
    const batcher = new CommitBatcher(store);
    for (const id of ['t1', 't2']) await batcher.stage({ task: created(id) });
    const a = keeperOf(store, 'a');
    const claim = a.keeper.create('t0');
    expect(claim).toEqual({ owner: 'a', expiresAt: leaseMs });
    expect(a.keeper.fenceOf('t0')).toEqual({ fence: { taskId: 't0', token: 1 } });
    // Its first commit is not stored yet: the heartbeat does not ask about it.
    a.clock.advance(leaseMs / 3);
    await settle();
    expect(store.renewals).toEqual([[]]);
    expect(a.lost).toEqual([]);
    await batcher.stage({ task: created('t0', claim), ...a.keeper.fenceOf('t0') });
    a.keeper.created('t0');
    const claims = await a.keeper.claim({ limit: 10 });
    expect(claims.map((c) => c.lease.taskId)).toEqual(['t1', 't2']);
    for (const { lease } of claims) a.keeper.hold(lease.taskId, lease.token);
    a.clock.advance(leaseMs / 3);
    await settle();
    expect(store.renewals.at(-1)).toEqual(['t0', 't1', 't2']);
    // Another process finds nothing to claim while they are renewed.
    const b = keeperOf(store, 'b');
    b.clock.advance(leaseMs + 1);
    expect(await b.keeper.claim({ limit: 10 })).toEqual([]);
    expect(b.keeper.fenceOf('t1')).toEqual({});
  });

  it('tells of a task another process took over once its lease lapsed, and fences it no more', async () => {
    const store = recordingStore();
    await new CommitBatcher(store).stage({ task: created('t1') });
    const a = keeperOf(store, 'a');
    const [claim] = await a.keeper.claim({ limit: 1 });
    a.keeper.hold('t1', claim?.lease.token ?? 0);
    // A is as good as dead: its clock stands while B's passes the lease's end.
    const b = keeperOf(store, 'b');
    b.clock.advance(leaseMs);
    const [taken] = await b.keeper.claim({ limit: 1 });
    expect(taken?.lease.taskId).toBe('t1');
    a.clock.advance(leaseMs / 3);
    await settle();
    expect(a.lost).toEqual(['t1']);
    expect(a.keeper.fenceOf('t1')).toEqual({});
    expect(b.keeper.fenceOf('t1')).toEqual({});
  });

  it('gives leases back: a finished task at once, every one when it stops, none it forgot', async () => {
    const store = recordingStore();
    const batcher = new CommitBatcher(store);
    for (const id of ['t1', 't2', 't3']) await batcher.stage({ task: created(id) });
    const a = keeperOf(store, 'a');
    for (const { lease } of await a.keeper.claim({ limit: 3 }))
      a.keeper.hold(lease.taskId, lease.token);
    const b = keeperOf(store, 'b');
    a.keeper.release('t1');
    await settle();
    expect((await b.keeper.claim({ limit: 3 })).map((c) => c.lease.taskId)).toEqual(['t1']);
    a.keeper.forget('t2');
    expect(a.keeper.fenceOf('t2')).toEqual({});
    await a.keeper.releaseAll();
    expect((await b.keeper.claim({ limit: 3 })).map((c) => c.lease.taskId)).toEqual(['t3']);
    // Nothing held: the heartbeat has nothing to renew.
    const asked = store.renewals.length;
    a.clock.advance(leaseMs);
    await settle();
    expect(store.renewals.length).toBe(asked);
  });

  it('gives back the leases of tasks that finish in one turn in one write', async () => {
    const store = openSqliteStore(':memory:');
    const batcher = new CommitBatcher(store);
    for (const id of ['t1', 't2', 't3']) await batcher.stage({ task: created(id) });
    const releases: string[][] = [];
    const a = keeperOf(
      {
        ...store,
        releaseLeases: (owner, taskIds) => {
          releases.push([...(taskIds ?? [])]);
          return store.releaseLeases(owner, taskIds);
        },
      },
      'a',
    );
    for (const { lease } of await a.keeper.claim({ limit: 3 }))
      a.keeper.hold(lease.taskId, lease.token);
    a.keeper.release('t1');
    a.keeper.release('t2');
    await settle();
    expect(releases).toEqual([['t1', 't2']]);
    const b = keeperOf(store, 'b');
    expect((await b.keeper.claim({ limit: 3 })).map((c) => c.lease.taskId)).toEqual(['t1', 't2']);
    // One still to be given back when the process stops goes with the rest.
    a.keeper.release('t3');
    await a.keeper.releaseAll();
    await settle();
    expect(releases).toEqual([['t1', 't2'], ['t3']]);
  });

  it('takes over the leases of a dead process of this host, never those of another host', async () => {
    const store = recordingStore();
    const batcher = new CommitBatcher(store);
    const dead = `${hostname()}:999999999:gone`;
    await batcher.stage({ task: created('t1', { owner: dead, expiresAt: leaseMs }) });
    await batcher.stage({ task: created('t2', { owner: 'elsewhere:1:x', expiresAt: leaseMs }) });
    const a = keeperOf(store, 'a');
    expect(await a.keeper.claim({ limit: 2 })).toEqual([]);
    await a.keeper.takeOverDeadOwners();
    expect((await a.keeper.claim({ limit: 2 })).map((c) => c.lease.taskId)).toEqual(['t1']);
  });
});
