import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
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

  it('lists a task whose stored row cannot be read as unreadable, with why, when asked', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cto-submit-')), 'state.db');
    const { orchestrator } = testOrchestrator({ store: openSqliteStore(file) });
    const fine = await orchestrator.submit({ description: 'fine job', type: 'coding' });
    const torn = await orchestrator.submit({ description: 'torn job', type: 'coding' });
    const raw = new Database(file);
    raw.prepare("UPDATE tasks SET input = '{\"descr' WHERE id = ?").run(torn);
    raw.close();
    const listed = await orchestrator.list({ withUnreadable: true });
    // Both were made in the same millisecond here, so their order is their ids'.
    expect(new Map(listed.map((t) => [t.id, t.input?.description ?? t.unreadable]))).toEqual(
      new Map([
        [torn, 'its stored row cannot be read: stored JSON is unreadable'],
        [fine, 'fine job'],
      ]),
    );
    await expect(orchestrator.list()).rejects.toThrow(`task ${torn}: stored JSON is unreadable`);
    await orchestrator.stop();
  });
});
