import { describe, expect, it } from 'vitest';
import { ModelCallError } from '../../src/runtime/model-ports.js';
import { testOrchestrator } from '../helpers/test-orchestrator.js';

const routine = {
  classify: () => ({
    classification: {
      complexity: 'simple' as const,
      type: 'coding' as const,
      model: 'deepseek',
      reason: 'scripted',
    },
    usage: { inputTokens: 10, outputTokens: 10 },
  }),
};

describe('failures that are not the model’s doing', () => {
  it.each([
    ['a missing key', 'deepseek: no API key: set DEEPSEEK_API_KEY or api_key in ~/agents'],
    ['a missing CLI', 'the Claude Code CLI was not found on PATH'],
    ['a missing working directory', "the task's working directory /nowhere does not exist"],
  ])(
    '%s: kept out of the history, shown for what it is, and named in the escalation',
    async (_what, message) => {
      const { orchestrator } = testOrchestrator({
        configFile: { cost_optimization: { exploration_share: 0 } },
        script: {
          ...routine,
          execute: (call) => {
            if (call.model.id === 'deepseek')
              throw new ModelCallError(message, { transient: false, infrastructure: true });
            return {
              output: `work of ${call.model.id}`,
              usage: { inputTokens: 100, outputTokens: 50 },
            };
          },
        },
      });
      const task = await orchestrator.spawn({ description: 'Fix it', model: 'deepseek' });
      const outcome = await task.result;
      expect(outcome.status).toBe('done');
      const history = await orchestrator.store.performance();
      expect(history.find((row) => row.model === 'deepseek')).toBeUndefined();
      expect(history.find((row) => row.model === 'sonnet')).toMatchObject({
        attempts: 1,
        approvals: 1,
      });
      expect(outcome.decisions).toContain(
        `attempt 1: execution failed (not the model's doing): ${message}`,
      );
      expect(outcome.decisions.find((d) => d.startsWith('escalated to'))).toContain(
        `deepseek could not run it (${message})`,
      );
      const view = await orchestrator.get(task.id);
      expect(view?.context.attempts[0]).toMatchObject({ infrastructure: true, error: message });
      await orchestrator.stop();
    },
  );

  it("a model's own failure still counts against it", async () => {
    const { orchestrator } = testOrchestrator({
      configFile: { cost_optimization: { exploration_share: 0 } },
      script: {
        ...routine,
        execute: (call) => {
          if (call.model.id === 'deepseek')
            throw new ModelCallError('deepseek was still calling tools after 30 turns', {
              transient: false,
            });
          return { output: 'ok', usage: { inputTokens: 100, outputTokens: 50 } };
        },
      },
    });
    const task = await orchestrator.spawn({ description: 'Fix it', model: 'deepseek' });
    await task.result;
    const history = await orchestrator.store.performance();
    expect(history.find((row) => row.model === 'deepseek')).toMatchObject({
      attempts: 1,
      failures: 1,
    });
    await orchestrator.stop();
  });

  it('a review that could not run for budget leaves the work unjudged and says so', async () => {
    const { orchestrator } = testOrchestrator({
      configFile: {
        cto_model: 'glm',
        max_attempts: 2,
        cost_optimization: {
          model_budget_per_day: { glm: { tokens: 3_000 } },
          estimated_tokens_per_call: 100,
          exploration_share: 0,
        },
      },
      script: {
        ...routine,
        execute: () => ({
          output: 'x'.repeat(20_000),
          usage: { inputTokens: 10, outputTokens: 10 },
        }),
      },
    });
    const task = await orchestrator.spawn({ description: 'Fix it', model: 'deepseek' });
    const outcome = await task.result;
    expect(outcome.decisions.join('\n')).toMatch(
      /attempt 1: review could not run \(not the model's doing\): over budget: model:glm/,
    );
    expect(outcome.decisions.join('\n')).not.toMatch(/reject \(quality 1\)/);
    const history = await orchestrator.store.performance();
    expect(history.find((row) => row.model === 'deepseek')).toBeUndefined();
    const view = await orchestrator.get(task.id);
    expect(view?.context.attempts[0]).toMatchObject({ review: null, infrastructure: true });
    await orchestrator.stop();
  });
});
