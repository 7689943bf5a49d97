import { describe, expect, it } from 'vitest';
import { createConfigSource } from '../../src/config/config-source.js';
import { createOrchestrator } from '../../src/runtime/create-orchestrator.js';
import type { ModelPorts } from '../../src/runtime/model-ports.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { createSandbox } from '../helpers/sandbox.js';

const usage = { inputTokens: 10, outputTokens: 5 };

describe('tasks whose outputs are the same', () => {
  it('read the shared output from memory after one of them ends, never from the store', async () => {
    const sandbox = createSandbox();
    const store = openSqliteStore(':memory:');
    const blobReads: string[] = [];
    const getBlob = store.getBlob.bind(store);
    store.getBlob = async (ref) => {
      blobReads.push(ref);
      return getBlob(ref);
    };
    // The second task's review waits until the first task has ended.
    let firstEnded: () => void = () => {};
    const ended = new Promise<void>((resolve) => {
      firstEnded = resolve;
    });
    const ports: ModelPorts = {
      classify: async () => ({
        classification: { complexity: 'simple', type: 'coding', model: 'sonnet', reason: 'r' },
        usage,
      }),
      execute: async () => ({ output: 'the same output', usage }),
      review: async (call) => {
        if (call.task.description === 'second') await ended;
        return { verdict: 'approve', quality: 8, feedback: 'ok', usage };
      },
    };
    const orchestrator = createOrchestrator({
      ports,
      config: createConfigSource({ environment: () => sandbox.io() }),
      store,
    });
    const first = await orchestrator.spawn('first');
    const second = await orchestrator.spawn('second');
    const firstOutcome = await first.result;
    firstEnded();
    const secondOutcome = await second.result;
    expect(firstOutcome).toMatchObject({ status: 'done', output: 'the same output' });
    expect(secondOutcome).toMatchObject({ status: 'done', output: 'the same output' });
    expect(blobReads).toEqual([]);
    await orchestrator.stop();
  });
});
