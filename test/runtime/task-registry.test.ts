import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { taskMachine } from '../../machines/task.machine.js';
import type { TaskEmitted, TaskEvent } from '../../machines/task-events.js';
import { LeaseLostError } from '../../src/runtime/commit-batcher.js';
import { createOutputCache } from '../../src/runtime/output-cache.js';
import { createTaskRegistry } from '../../src/runtime/task-registry.js';
import type { CommitBatch, TaskCommit } from '../../src/store/store.js';
import { deferred } from '../helpers/test-orchestrator.js';

type Staged = Omit<CommitBatch, 'tasks' | 'fences'> & { task?: TaskCommit };

/** A registry whose store writes are `stage`d as the test says; what it did is on record. */
function registryWith(stage: (part: Staged) => Promise<void> = async () => {}) {
  const staged: Staged[] = [];
  const dispatched: TaskEmitted[] = [];
  const events: string[] = [];
  const crashes: unknown[] = [];
  const registry = createTaskRegistry({
    batcher: {
      stage: (part) => {
        staged.push(part);
        return stage(part);
      },
    },
    clock: { now: () => 1_000 },
    leases: {
      create: (id) => {
        events.push(`create ${id}`);
        return { owner: 'me', expiresAt: 31_000 };
      },
      fenceOf: (taskId) => ({ fence: { taskId, token: 1 } }),
      release: (id) => void events.push(`release ${id}`),
      forget: (id) => void events.push(`forget ${id}`),
    },
    calls: {
      dispatch: (_id, effect) => void dispatched.push(effect),
      dropTask: (id) => void events.push(`dropTask ${id}`),
    },
    history: { add: () => {} },
    reviewed: { record: async () => {} },
    outputs: createOutputCache({ getBlob: async () => null }),
    tracing: null,
    isStopping: () => false,
    crash: (error) => void crashes.push(error),
  });
  const spawn = async (id: string) => {
    const input = { description: `task ${id}` };
    const live = registry.register(
      id,
      createActor(taskMachine, { input: { taskId: id, input, maxAttempts: 3 } }),
    );
    live.actor.start();
    await registry.persist(id, live, null, { input, claim: true });
    return live;
  };
  return { registry, staged, dispatched, events, crashes, spawn };
}

describe('the task registry', () => {
  it("stores a task's step before it sends the request the step implies", async () => {
    const commit = deferred<void>();
    const { registry, staged, dispatched, events } = registryWith(() => commit.promise);
    const input = { description: 'fix the build' };
    const live = registry.register(
      't1',
      createActor(taskMachine, { input: { taskId: 't1', input, maxAttempts: 3 } }),
    );
    live.actor.start();
    const stored = registry.persist('t1', live, null, { input, claim: true });
    await Promise.resolve();
    expect(staged[0]?.task).toMatchObject({
      taskId: 't1',
      status: 'classifying',
      input,
      claim: { owner: 'me', expiresAt: 31_000 },
    });
    expect(staged[0]).toMatchObject({ fence: { taskId: 't1', token: 1 } });
    expect(events).toEqual(['create t1']);
    expect(dispatched).toEqual([]);
    commit.resolve();
    await stored;
    expect(dispatched).toMatchObject([{ type: 'request', request: { kind: 'classify' } }]);
    expect(registry.size()).toBe(1);
  });

  it('ends a task at its final step: the request withdrawn, its lease given back, its result settled', async () => {
    const { registry, dispatched, events, spawn } = registryWith();
    const live = await spawn('t1');
    await live.handle.cancel('not needed');
    expect(await live.handle.result).toMatchObject({ status: 'cancelled' });
    expect(dispatched.map((effect) => effect.type)).toEqual(['request', 'cancel']);
    expect(events).toContain('release t1');
    expect(registry.get('t1')).toBeUndefined();
    // A late event finds no task.
    await registry.deliver('t1', { type: 'CANCEL', reason: 'again' });
    expect(dispatched).toHaveLength(2);
  });

  it('ignores a reply to a request the task no longer waits for', async () => {
    const { registry, staged, spawn } = registryWith();
    await spawn('t1');
    const stale = { type: 'CLASSIFY_FAILED', requestId: 't1:classify:0', error: 'late' };
    await registry.deliver('t1', stale as TaskEvent);
    expect(staged).toHaveLength(1);
    expect(registry.get('t1')?.actor.getSnapshot().value).toBe('classifying');
  });

  it('drops a task whose write was fenced, and stops everything when the store fails', async () => {
    let failure: Error | null = null;
    const { registry, events, crashes, spawn } = registryWith(async () => {
      if (failure) throw failure;
    });
    const t1 = await spawn('t1');
    const t2 = await spawn('t2');
    failure = new LeaseLostError('t1');
    await t1.handle.cancel();
    await expect(t1.handle.result).rejects.toBeInstanceOf(LeaseLostError);
    expect(events).toEqual(expect.arrayContaining(['forget t1', 'dropTask t1']));
    expect(registry.get('t1')).toBeUndefined();
    failure = new Error('disk full');
    await t2.handle.cancel();
    expect(crashes).toEqual([failure]);
    registry.failAll(failure);
    await expect(t2.handle.result).rejects.toThrow('disk full');
    expect(registry.size()).toBe(0);
  });
});
