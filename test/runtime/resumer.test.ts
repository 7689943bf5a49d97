import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { taskMachine, taskMachineVersion } from '../../machines/task.machine.js';
import type { TaskEmitted } from '../../machines/task-events.js';
import type { Logger } from '../../src/log/logger.js';
import type { ResumedJournal } from '../../src/runtime/call-runner.js';
import { createOutputCache } from '../../src/runtime/output-cache.js';
import { createResumer } from '../../src/runtime/resumer.js';
import { createTaskRegistry, type TaskRegistry } from '../../src/runtime/task-registry.js';
import type { JournalEntry, JournalRequest, TaskClaim } from '../../src/store/store.js';
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

/** A journal entry of `requestId`. */
function entryOf(taskId: string, requestId: string, seq: number): JournalEntry {
  return { taskId, requestId, seq, kind: 'turn', data: seq, at: seq };
}

/**
 * A resumer over a registry, with a store that offers `stored` to claim and whose journals
 * hold `journal` (or fail to read, when it is an Error).
 */
function resumerWith(
  stored: TaskClaim[],
  stopping = false,
  logger?: Logger,
  journal: JournalEntry[] | Error = [],
  whileReading: () => void = () => {},
) {
  const held: [string, number][] = [];
  const sent: { id: string; effect: TaskEmitted; resumed: ResumedJournal | undefined }[] = [];
  const asked: number[] = [];
  const journalReads: JournalRequest[][] = [];
  const calls = {
    dispatch: (id: string, effect: TaskEmitted, resumed?: ResumedJournal) =>
      void sent.push({ id, effect, resumed }),
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
    store: {
      journals: async (requests) => {
        journalReads.push([...requests]);
        whileReading();
        if (journal instanceof Error) throw journal;
        return journal.filter((e) =>
          requests.some((r) => r.taskId === e.taskId && r.requestId === e.requestId),
        );
      },
    },
    tracing: null,
    logger,
    isStopping: () => stopping,
  });
  return { resumer, tasks, held, sent, asked, journalReads };
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
      { effect: { type: 'request', request: { kind: 'classify' } }, resumed: [] },
      { effect: { type: 'request', request: { kind: 'classify' } }, resumed: [] },
    ]);
    expect(tasks.size()).toBe(2);
  });

  it('reads what every re-sent request journaled before in one read, and hands each its own', async () => {
    const journal = [entryOf('b', 'b:classify:1', 1), entryOf('b', 'b:classify:1', 2)];
    const { resumer, sent, journalReads } = resumerWith(
      [claimOf('a'), claimOf('b'), claimOf('c')],
      false,
      undefined,
      journal,
    );
    await resumer.resume(10);
    expect(journalReads).toEqual([
      [
        { taskId: 'a', requestId: 'a:classify:1' },
        { taskId: 'b', requestId: 'b:classify:1' },
        { taskId: 'c', requestId: 'c:classify:1' },
      ],
    ]);
    expect(sent.map((s) => [s.id, s.resumed])).toEqual([
      ['a', []],
      ['b', journal],
      ['c', []],
    ]);
  });

  it('leaves each call to read its own journal when the one read fails, and says so', async () => {
    const { lines, logger } = capturedLogger();
    const { resumer, sent } = resumerWith(
      [claimOf('a'), claimOf('b')],
      false,
      logger,
      new Error('connection reset'),
    );
    expect((await resumer.resume(10)).map((h) => h.id)).toEqual(['a', 'b']);
    expect(sent.map((s) => [s.id, s.resumed])).toEqual([
      ['a', 'unread'],
      ['b', 'unread'],
    ]);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 40, error: 'Error: connection reset' }),
    );
  });

  it('sends nothing for a task cancelled while the journals were read', async () => {
    const live: { tasks?: TaskRegistry } = {};
    const cancelA = () =>
      live.tasks?.get('a')?.actor.send({ type: 'CANCEL', reason: 'changed my mind' });
    const { resumer, sent, tasks } = resumerWith(
      [claimOf('a'), claimOf('b')],
      false,
      undefined,
      [],
      cancelA,
    );
    live.tasks = tasks;
    await resumer.resume(10);
    expect(tasks.get('a')?.actor.getSnapshot().value).toBe('cancelled');
    expect(sent.filter((s) => s.effect.type === 'request').map((s) => s.id)).toEqual(['b']);
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
