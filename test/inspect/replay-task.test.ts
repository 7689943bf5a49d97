import { describe, expect, it } from 'vitest';
import { expandStoredContext } from '../../machines/task-context.js';
import { replayTask } from '../../src/inspect/replay-task.js';
import type { Script } from '../helpers/scripted-ports.js';
import { testOrchestrator } from '../helpers/test-orchestrator.js';

async function liveRun(script: Script = {}) {
  const { orchestrator } = testOrchestrator({ script });
  const task = await orchestrator.spawn({ description: 'Add a flag', type: 'coding' });
  const live = [JSON.stringify(task.actor.getPersistedSnapshot())];
  task.subscribe(() => live.push(JSON.stringify(task.actor.getPersistedSnapshot())));
  await task.result;
  const stored = await orchestrator.store.getTask(task.id);
  const events = await orchestrator.store.events(task.id);
  await orchestrator.stop();
  if (!stored) throw new Error('not stored');
  return { live, stored, events };
}

describe('replaying a stored task', () => {
  it('yields the same snapshot sequence as the live run it came from', async () => {
    const { live, stored, events } = await liveRun({
      review: (call) => ({
        verdict: call.attempt === 1 ? 'reject' : 'approve',
        quality: call.attempt === 1 ? 3 : 8,
        feedback: 'ok',
        usage: { inputTokens: 1, outputTokens: 1 },
      }),
    });
    const replayed: string[] = [];
    const inspected: string[] = [];
    const result = await replayTask(stored, events, {
      onSnapshot: (snapshot) => replayed.push(JSON.stringify(snapshot)),
      inspect: (event) => inspected.push(event.type),
    });
    expect(replayed).toEqual(live);
    expect(result).toEqual({ steps: events.length - 1, matches: true });
    expect(inspected).toContain('@xstate.snapshot');
    expect(JSON.parse(replayed.at(-1) ?? '{}').value).toBe('done');
  });

  it("ends where a task stored in the older shape (the route's reason three times) stands, and not where another does", async () => {
    const { stored, events } = await liveRun();
    const snapshot = stored.snapshot as { context: { route: object }; value: string };
    const older = { ...snapshot, context: expandStoredContext(snapshot.context) };
    expect(older.context).toHaveProperty('route.reason');
    expect(JSON.stringify(older)).not.toBe(JSON.stringify(snapshot));
    expect(await replayTask({ ...stored, snapshot: older }, events)).toMatchObject({
      matches: true,
    });
    const elsewhere = { ...older, value: 'reviewing' };
    expect(await replayTask({ ...stored, snapshot: elsewhere }, events)).toMatchObject({
      matches: false,
    });
  });

  it('paces the events as asked', async () => {
    const { stored, events } = await liveRun();
    const waited: number[] = [];
    await replayTask(stored, events, { beforeEvent: async (event) => void waited.push(event.seq) });
    expect(waited).toEqual(events.slice(1).map((e) => e.seq));
  });

  it('refuses an unknown machine version and a broken log, in one line', async () => {
    const { stored, events } = await liveRun();
    await expect(replayTask({ ...stored, machineVersion: 99 }, events)).rejects.toThrow(
      `task ${stored.id} was stored by task machine version 99; this version replays version 1`,
    );
    await expect(replayTask(stored, events.slice(1))).rejects.toThrow(
      'its event log does not start with its creation',
    );
    const broken = events.map((e, i) => (i === 1 ? { ...e, event: { type: 'NOPE' } } : e));
    await expect(replayTask(stored, broken)).rejects.toThrow(/stored event 2 is not a task event/);
  });
});
