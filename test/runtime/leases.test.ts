import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LeaseLostError } from '../../src/runtime/commit-batcher.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { Script } from '../helpers/scripted-ports.js';
import { deferred, eventually, testOrchestrator } from '../helpers/test-orchestrator.js';

const leaseMs = 30_000;

/** Two runtime processes (as far as the store can tell) on one SQLite file. */
function twoProcesses(script: Script = {}) {
  const file = join(mkdtempSync(join(tmpdir(), 'cto-leases-')), 'state.db');
  const a = testOrchestrator({ store: openSqliteStore(file), owner: 'a', leaseMs, script });
  const b = testOrchestrator({ store: openSqliteStore(file), owner: 'b', leaseMs, script });
  return { a, b };
}

describe('leases on tasks', () => {
  it('shares queued tasks between processes: each claims its own, none twice', async () => {
    const { a, b } = twoProcesses();
    for (let i = 0; i < 20; i++) await a.orchestrator.submit(`task ${i}`);
    const first = await a.orchestrator.resume({ maxTasks: 5 });
    // Those it runs count: asking again takes nothing more on.
    expect(await a.orchestrator.resume({ maxTasks: 5 })).toEqual([]);
    const rest = await b.orchestrator.resume();
    expect(first).toHaveLength(5);
    expect(rest).toHaveLength(15);
    const ids = [...first, ...rest].map((h) => h.id);
    expect(new Set(ids).size).toBe(20);
    const outcomes = await Promise.all([...first, ...rest].map((h) => h.result));
    expect(outcomes.every((o) => o.status === 'done')).toBe(true);
    // Nothing is left to claim, and a finished task is never claimed again.
    expect(await a.orchestrator.resume()).toEqual([]);
    await a.orchestrator.stop();
    await b.orchestrator.stop();
  });

  it('keeps a task while the heartbeat renews its lease', async () => {
    const hold = deferred<never>();
    const { a, b } = twoProcesses({ execute: () => hold.promise });
    await a.orchestrator.spawn('long work');
    // A lives on: its heartbeat renews every 10 s; B looks two minutes later.
    for (let i = 0; i < 12; i++) {
      a.clock.advance(leaseMs / 3);
      await eventually(() => true);
      await new Promise((resolve) => setImmediate(resolve));
    }
    b.clock.advance(12 * (leaseMs / 3));
    expect(await b.orchestrator.resume()).toEqual([]);
    await a.orchestrator.stop();
    await b.orchestrator.stop();
  });

  it("takes over a dead process's task once its lease expires; the old owner's late write is fenced and it drops the task", async () => {
    const hold = deferred<{
      output: string;
      usage: { inputTokens: number; outputTokens: number };
    }>();
    let executions = 0;
    const { a, b } = twoProcesses({
      execute: async (call) => {
        executions++;
        // The first process hangs (it is as good as dead); the second works at once.
        if (executions === 1) return hold.promise;
        return {
          output: `work on ${call.task.description}`,
          usage: { inputTokens: 10, outputTokens: 5 },
        };
      },
    });
    const stuck = await a.orchestrator.spawn('fix the build');
    await eventually(() => executions === 1);
    // Not yet expired: nothing to take over.
    b.clock.advance(leaseMs - 1);
    expect(await b.orchestrator.resume()).toEqual([]);
    b.clock.advance(2);
    const [taken] = await b.orchestrator.resume();
    expect(taken?.id).toBe(stuck.id);
    expect((await taken?.result)?.status).toBe('done');
    // The first process comes back to life with its result: its write is refused.
    hold.resolve({ output: 'late work', usage: { inputTokens: 10, outputTokens: 5 } });
    await expect(stuck.result).rejects.toBeInstanceOf(LeaseLostError);
    const stored = await b.orchestrator.get(stuck.id);
    expect(stored?.status).toBe('done');
    expect(stored?.context.attempts).toHaveLength(1);
    const events = await b.orchestrator.store.events(stuck.id);
    expect(events.filter((e) => e.event?.type === 'EXECUTED')).toHaveLength(1);
    await a.orchestrator.stop();
    await b.orchestrator.stop();
  });

  it('gives its leases up when it stops, so another process carries on at once', async () => {
    const hold = deferred<never>();
    const { a, b } = twoProcesses({ execute: () => hold.promise });
    const task = await a.orchestrator.spawn('long work');
    await a.orchestrator.stop();
    await expect(task.result).rejects.toThrow(/stopped/);
    const [taken] = await b.orchestrator.resume();
    expect(taken?.id).toBe(task.id);
    await b.orchestrator.stop();
  });
});

describe('a task being created', () => {
  it('is not dropped as taken over when the heartbeat fires before its first commit lands', async () => {
    const store = openSqliteStore(':memory:');
    const firstCommit = deferred<void>();
    let commits = 0;
    // The store's first write (the new task's creation and claim) is slow to land.
    const slow = Object.create(store) as typeof store;
    slow.commit = async (batch) => {
      if (++commits === 1) await firstCommit.promise;
      return store.commit(batch);
    };
    const { orchestrator, clock } = testOrchestrator({ store: slow, owner: 'a', leaseMs });
    const spawned = orchestrator.spawn('fix the build');
    await eventually(() => commits === 1);
    // The heartbeat beats while the creation is still in flight.
    clock.advance(leaseMs / 3);
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    firstCommit.resolve();
    const task = await spawned;
    expect((await task.result).status).toBe('done');
    expect((await store.getTask(task.id))?.status).toBe('done');
    await orchestrator.stop();
  });
});
