import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { taskMachine, taskMachineVersion } from '../../machines/task.machine.js';
import type { TaskEmitted } from '../../machines/task-events.js';
import type { Logger } from '../../src/log/logger.js';
import { createOutputCache } from '../../src/runtime/output-cache.js';
import { createResumer } from '../../src/runtime/resumer.js';
import { createTaskRegistry } from '../../src/runtime/task-registry.js';
import type { TaskClaim } from '../../src/store/store.js';
import { capturedLogger } from '../helpers/captured-logger.js';

/** A stored task waiting for its classification, claimed with lease token `token`. */
function claimOf(id: string, token = 2, changes: Partial<TaskClaim['task']> = {}): TaskClaim {
  const input = { description: `task ${id}` };
  const actor = createActor(taskMachine, { input: { taskId: id, input, maxAttempts: 3 } });
  actor.start();
  const snapshot = actor.getPersistedSnapshot() as unknown as Record<string, unknown>;
  actor.stop();
  return {
    task: {
      id,
      status: 'classifying',
      machineVersion: taskMachineVersion,
      input,
      snapshot,
      createdAt: 0,
      updatedAt: 0,
      ...changes,
    },
    lease: { taskId: id, owner: 'me', token, expiresAt: 30_000 },
  };
}

/** A resumer over a registry, with a store that offers `stored` to claim. */
function resumerWith(stored: TaskClaim[], stopping = false, logger?: Logger) {
  const held: [string, number][] = [];
  const sent: { effect: TaskEmitted; resumed: boolean | undefined }[] = [];
  const asked: number[] = [];
  const calls = {
    dispatch: (_id: string, effect: TaskEmitted, resumed?: boolean) =>
      void sent.push({ effect, resumed }),
    dropTask: () => {},
  };
  const tasks = createTaskRegistry({
    batcher: { stage: async () => {} },
    clock: { now: () => 0 },
    leases: {
      create: () => ({ owner: 'me', expiresAt: 0 }),
      fenceOf: () => ({}),
      release: () => {},
      forget: () => {},
    },
    calls,
    history: { add: () => {} },
    reviewed: { record: async () => {} },
    outputs: createOutputCache({ getBlob: async () => null }),
    tracing: null,
    isStopping: () => stopping,
    crash: () => {},
  });
  const resumer = createResumer({
    tasks,
    leases: {
      hold: (id, token) => void held.push([id, token]),
      claim: async ({ limit }) => {
        asked.push(limit);
        return stored.splice(0, limit);
      },
      takeOverDeadOwners: async () => {},
    },
    calls,
    tracing: null,
    logger,
    isStopping: () => stopping,
  });
  return { resumer, tasks, held, sent, asked };
}

describe('the resumer', () => {
  it('restores claimed tasks under their leases and re-sends what each waited for', async () => {
    const { resumer, tasks, held, sent } = resumerWith([claimOf('a', 2), claimOf('b', 5)]);
    const handles = await resumer.resume(10);
    expect(handles.map((h) => h.id)).toEqual(['a', 'b']);
    expect(held).toEqual([
      ['a', 2],
      ['b', 5],
    ]);
    expect(sent).toMatchObject([
      { effect: { type: 'request', request: { kind: 'classify' } }, resumed: true },
      { effect: { type: 'request', request: { kind: 'classify' } }, resumed: true },
    ]);
    expect(tasks.size()).toBe(2);
  });

  it('counts the tasks already under way against maxTasks', async () => {
    const { resumer, asked } = resumerWith([claimOf('a'), claimOf('b'), claimOf('c')]);
    expect(await resumer.resume(2)).toHaveLength(2);
    expect(await resumer.resume(2)).toEqual([]);
    expect(asked).toEqual([2]);
  });

  it('leaves a task it cannot restore, and says why', async () => {
    const { resumer, tasks, held } = resumerWith([
      claimOf('old', 1, { machineVersion: taskMachineVersion - 1 }),
      claimOf('broken', 1, { snapshot: { value: 'classifying', context: { taskId: 3 } } }),
    ]);
    expect(await resumer.resume(10)).toEqual([]);
    expect(resumer.notResumed()).toEqual([
      {
        id: 'old',
        reason: `stored with task machine version ${taskMachineVersion - 1}; this is version ${taskMachineVersion}`,
      },
      { id: 'broken', reason: expect.stringMatching(/^its stored snapshot is invalid: /) },
    ]);
    expect(resumer.whyNotResumed('old')).toMatch(/task machine version/);
    expect(held).toEqual([]);
    expect(tasks.size()).toBe(0);
  });

  it('passes over a task whose row cannot be read, says why, and restores the rest', async () => {
    const unreadable: TaskClaim = {
      task: null,
      lease: { taskId: 'torn', owner: 'me', token: 4, expiresAt: 30_000 },
      unreadable: 'its stored row cannot be read: stored JSON is unreadable',
    };
    const { lines, logger } = capturedLogger();
    const { resumer, held } = resumerWith([unreadable, claimOf('a', 2)], false, logger);
    expect((await resumer.resume(10)).map((h) => h.id)).toEqual(['a']);
    expect(resumer.notResumed()).toEqual([
      { id: 'torn', reason: 'its stored row cannot be read: stored JSON is unreadable' },
    ]);
    expect(held).toEqual([['a', 2]]);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 40,
        msg: 'task not resumed',
        taskId: 'torn',
        reason: 'its stored row cannot be read: stored JSON is unreadable',
      }),
    );
  });

  it('takes nothing on once the orchestrator is stopping', async () => {
    const { resumer } = resumerWith([claimOf('a')], true);
    await expect(resumer.resume(10)).rejects.toThrow('the orchestrator is stopped');
  });
});
