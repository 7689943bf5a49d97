import { describe, expect, it } from 'vitest';
import { emptyPerformance } from '../../src/store/performance-row.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { CommitBatch, Store } from '../../src/store/store.js';
import { testOrchestrator } from '../helpers/test-orchestrator.js';

/** A store that keeps every batch it commits. */
function recordingStore(): Store & { batches: CommitBatch[] } {
  const inner = openSqliteStore(':memory:');
  const batches: CommitBatch[] = [];
  return {
    ...inner,
    batches,
    commit: async (batch) => {
      batches.push(batch);
      return inner.commit(batch);
    },
  };
}

const usage = { inputTokens: 1_000, outputTokens: 200 };

describe('performance history', () => {
  it("adds each attempt's outcome, in the transaction that stores its review", async () => {
    const store = recordingStore();
    let reviews = 0;
    const { orchestrator } = testOrchestrator({
      store,
      configFile: { cost_optimization: { exploration_share: 0 } },
      script: {
        execute: (call) => ({
          output: `work of ${call.model.id}`,
          usage: call.model.id === 'sonnet' ? { inputTokens: 3_000, outputTokens: 600 } : usage,
        }),
        review: () =>
          reviews++ === 0
            ? { verdict: 'reject', quality: 3, feedback: 'wrong', usage }
            : { verdict: 'approve', quality: 9, feedback: 'good', usage },
      },
    });
    const task = await orchestrator.spawn({ description: 'Fix the build', model: 'deepseek' });
    const outcome = await task.result;
    expect(outcome.model).toBe('sonnet');
    const history = await store.performance();
    expect(history).toEqual([
      {
        ...emptyPerformance('deepseek', 'coding'),
        attempts: 1,
        rejections: 1,
        escalations: 1,
        qualitySum: 3,
        reviews: 1,
        inputTokens: 1_000,
        outputTokens: 200,
        costUsd: expect.any(Number),
        maxCallTokens: 1_200,
      },
      {
        ...emptyPerformance('sonnet', 'coding'),
        attempts: 1,
        approvals: 1,
        laterAttempts: 1,
        laterApprovals: 1,
        qualitySum: 9,
        reviews: 1,
        inputTokens: 3_000,
        outputTokens: 600,
        costUsd: expect.any(Number),
        maxCallTokens: 3_600,
      },
    ]);
    expect(history[1]?.costUsd).toBeGreaterThan(0);
    // Each delta went in with the REVIEWED event that produced it, never apart.
    const withHistory = store.batches.filter((b) => (b.performance?.length ?? 0) > 0);
    expect(withHistory).toHaveLength(2);
    for (const batch of withHistory) {
      expect(batch.tasks?.map((t) => t.event?.type)).toContain('REVIEWED');
    }
    await orchestrator.stop();
  });

  it('records a failed execution as a failure of its model', async () => {
    const { orchestrator } = testOrchestrator({
      configFile: { cost_optimization: { exploration_share: 0 } },
      script: {
        execute: (call) => {
          if (call.model.id === 'deepseek') throw new Error('the tool loop crashed');
          return { output: 'ok', usage };
        },
      },
    });
    const task = await orchestrator.spawn({ description: 'Fix the build', model: 'deepseek' });
    await task.result;
    const deepseek = (await orchestrator.store.performance()).find((r) => r.model === 'deepseek');
    expect(deepseek).toMatchObject({ attempts: 1, failures: 1, rejections: 0, escalations: 1 });
    await orchestrator.stop();
  });

  it('informs the next routing decision: its estimates come from the history', async () => {
    const { orchestrator } = testOrchestrator({
      configFile: { cost_optimization: { exploration_share: 0 } },
      script: {
        // Executions as large as routing's prior assumes, so that prices compare fairly.
        execute: () => ({ output: 'work', usage: { inputTokens: 16_000, outputTokens: 4_000 } }),
        review: (call) =>
          call.worker === 'minimax'
            ? { verdict: 'reject', quality: 2, feedback: 'no', usage }
            : { verdict: 'approve', quality: 8, feedback: 'ok', usage },
      },
    });
    for (let i = 0; i < 6; i++) {
      const task = await orchestrator.spawn({ description: `change ${i}`, model: 'minimax' });
      await task.result;
    }
    const next = await orchestrator.spawn('a routine change');
    await next.result;
    const view = await orchestrator.get(next.id);
    const minimax = view?.context.route?.estimates?.find((e) => e.model === 'minimax');
    const deepseek = view?.context.route?.estimates?.find((e) => e.model === 'deepseek');
    expect(minimax?.approval).toBeLessThan(0.2);
    expect(deepseek?.approval).toBeGreaterThan(0.6);
    expect(view?.context.route?.model?.id).toBe('deepseek');
    await orchestrator.stop();
  });
});
