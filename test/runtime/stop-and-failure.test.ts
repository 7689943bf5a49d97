import { describe, expect, it } from 'vitest';
import { OrchestratorStoppedError } from '../../src/runtime/create-orchestrator.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { crashingStore } from '../helpers/crashing-store.js';
import { eventually, testOrchestrator } from '../helpers/test-orchestrator.js';

describe('stopping and store failures', () => {
  it('ends the results of unfinished tasks when the orchestrator stops, keeping them for resume', async () => {
    const store = openSqliteStore(':memory:');
    const { orchestrator, ports } = testOrchestrator({
      store,
      script: { execute: () => new Promise(() => {}) },
    });
    const task = await orchestrator.spawn('long');
    await eventually(() => ports.calls.some((c) => c.kind === 'execute'));
    await orchestrator.stop();
    await expect(task.result).rejects.toThrow(OrchestratorStoppedError);
    expect((await store.getTask(task.id))?.status).toBe('executing');
    await expect(orchestrator.spawn('after stop')).rejects.toThrow('the orchestrator is stopped');
    await expect(orchestrator.resume()).rejects.toThrow('the orchestrator is stopped');
  });

  it('treats a failed first commit as a crash: the caller hears of it and nothing runs', async () => {
    const store: Store = crashingStore(openSqliteStore(':memory:'), 0);
    const { orchestrator, ports } = testOrchestrator({ store });
    await expect(orchestrator.spawn('never stored')).rejects.toThrow('simulated crash');
    await expect(orchestrator.spawn('nor this')).rejects.toThrow('the orchestrator is stopped');
    expect((await orchestrator.status()).live).toBe(0);
    expect(ports.calls).toEqual([]);
  });

  it('stores no event for a cancel that comes after the task ended', async () => {
    const { orchestrator } = testOrchestrator();
    const task = await orchestrator.spawn('quick');
    await task.result;
    const before = (await orchestrator.store.events(task.id)).length;
    await task.cancel();
    expect(await orchestrator.store.events(task.id)).toHaveLength(before);
    await orchestrator.stop();
  });
});
