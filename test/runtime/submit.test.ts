import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { testOrchestrator } from '../helpers/test-orchestrator.js';

describe('submit', () => {
  it('stores a task without calling any model, and resume in another runtime runs it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cto-submit-')), 'state.db');
    const queueing = testOrchestrator({ store: openSqliteStore(file) });
    const id = await queueing.orchestrator.submit({ description: 'queued job', type: 'coding' });
    expect(queueing.ports.calls).toEqual([]);
    expect(await queueing.orchestrator.list()).toMatchObject([{ id, status: 'classifying' }]);
    await queueing.orchestrator.stop();

    const serving = testOrchestrator({ store: openSqliteStore(file) });
    const [handle] = await serving.orchestrator.resume();
    expect(handle?.id).toBe(id);
    expect(await handle?.result).toMatchObject({ status: 'done' });
    expect(serving.ports.calls.map((c) => c.kind)).toEqual(['classify', 'execute', 'review']);
    await serving.orchestrator.stop();
  });

  it('refuses a bad input in one line and stores nothing', async () => {
    const { orchestrator } = testOrchestrator();
    await expect(orchestrator.submit({ description: '  ' })).rejects.toThrow(
      'task description: expected a non-empty task description',
    );
    expect(await orchestrator.list()).toEqual([]);
    await orchestrator.stop();
  });
});
