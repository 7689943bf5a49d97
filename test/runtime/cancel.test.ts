import { describe, expect, it } from 'vitest';
import type { ExecuteResult } from '../../src/runtime/model-ports.js';
import { eventually, testOrchestrator } from '../helpers/test-orchestrator.js';

/** A call that never answers, and tells whether it was aborted. */
function hanging() {
  const seen = { started: 0, aborted: 0 };
  const call = ({ signal }: { signal: AbortSignal }) =>
    new Promise<never>(() => {
      seen.started += 1;
      signal.addEventListener('abort', () => {
        seen.aborted += 1;
      });
    });
  return { seen, call };
}

describe('cancelling a task', () => {
  it.each(['classify', 'execute', 'review'] as const)(
    'stops the in-flight %s call and ends cancelled',
    async (step) => {
      const { seen, call } = hanging();
      const { orchestrator } = testOrchestrator({ script: { [step]: call } });
      const task = await orchestrator.spawn('a task to cancel');
      await eventually(() => seen.started === 1);
      await task.cancel('changed my mind');
      const outcome = await task.result;
      expect(outcome).toMatchObject({ status: 'cancelled', reason: 'changed my mind' });
      expect(seen.aborted).toBe(1);
      expect((await orchestrator.get(task.id))?.status).toBe('cancelled');
      await orchestrator.stop();
    },
  );

  it('removes a request still waiting in the mailbox without calling the model', async () => {
    const { seen, call } = hanging();
    const { orchestrator, ports } = testOrchestrator({
      configFile: {
        model_selection_strategy: 'quality',
        worker_models: { claude: { sonnet: { max_concurrency: 1 } } },
      },
      script: { execute: call as (c: { signal: AbortSignal }) => Promise<ExecuteResult> },
    });
    const first = await orchestrator.spawn('first');
    await eventually(() => seen.started === 1);
    const second = await orchestrator.spawn('second');
    await eventually(() => ports.calls.filter((c) => c.kind === 'classify').length === 2);
    await eventually(() => second.actor.getSnapshot().value === 'executing');
    await second.cancel();
    expect((await second.result).status).toBe('cancelled');
    expect(ports.calls.filter((c) => c.kind === 'execute')).toHaveLength(1);
    await first.cancel();
    await first.result;
    await orchestrator.stop();
  });

  it('ignores a cancel once the task has ended', async () => {
    const { orchestrator } = testOrchestrator();
    const task = await orchestrator.spawn('quick');
    expect((await task.result).status).toBe('done');
    await task.cancel();
    expect((await orchestrator.get(task.id))?.status).toBe('done');
    await orchestrator.stop();
  });
});

describe('orchestrator.cancel(id)', () => {
  it('cancels a task this process runs', async () => {
    const { seen, call } = hanging();
    const { orchestrator } = testOrchestrator({ script: { execute: call } });
    const task = await orchestrator.spawn('a task to cancel');
    await eventually(() => seen.started === 1);
    expect(await orchestrator.cancel(task.id, 'from the console')).toBe('cancelled');
    expect(await task.result).toMatchObject({ status: 'cancelled', reason: 'from the console' });
    expect(seen.aborted).toBe(1);
    await orchestrator.stop();
  });

  it('claims, restores and cancels a stored task that no process runs, calling no model', async () => {
    const changes: string[] = [];
    const { orchestrator, ports } = testOrchestrator({
      onChange: (change) => changes.push(`${change.taskId}:${change.status}`),
    });
    const id = await orchestrator.submit('queued, never started');
    expect(await orchestrator.cancel(id)).toBe('cancelled');
    const stored = await orchestrator.get(id);
    expect(stored?.status).toBe('cancelled');
    expect(stored?.context.outcome?.reason).toBe('cancelled by the user');
    expect(ports.calls).toHaveLength(0);
    expect((await orchestrator.store.events(id)).map((e) => e.event?.type ?? null)).toEqual([
      null,
      'CANCEL',
    ]);
    // Nothing runs it afterwards.
    expect(await orchestrator.resume()).toEqual([]);
    expect(changes).toEqual([`${id}:classifying`, `${id}:cancelled`]);
    await orchestrator.stop();
  });

  it('leaves a final task as it is, says null for an unknown id, refuses one another process holds', async () => {
    const { seen, call } = hanging();
    const { orchestrator } = testOrchestrator({ script: { execute: call } });
    const task = await orchestrator.spawn('held here');
    await eventually(() => seen.started === 1);
    const other = testOrchestrator({ store: orchestrator.store });
    await expect(other.orchestrator.cancel(task.id)).rejects.toThrow(/held by another process/);
    expect(await other.orchestrator.cancel('no-such-task')).toBeNull();
    await orchestrator.cancel(task.id);
    expect(await other.orchestrator.cancel(task.id)).toBe('cancelled');
    expect(
      (await orchestrator.get(task.id))?.context.decisions.filter((d) => /cancel/i.test(d)),
    ).toHaveLength(1);
    await other.orchestrator.stop();
    await orchestrator.stop();
  });
});
