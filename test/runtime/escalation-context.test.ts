import { describe, expect, it } from 'vitest';
import type { ExecuteCall } from '../../src/runtime/model-ports.js';
import { testOrchestrator } from '../helpers/test-orchestrator.js';

const usage = { inputTokens: 1, outputTokens: 1 };

describe('escalation hands over what was done', () => {
  it("gives the stronger model the previous output and the reviewer's critique", async () => {
    const executions: ExecuteCall[] = [];
    let reviews = 0;
    const { orchestrator } = testOrchestrator({
      configFile: { model_selection_strategy: 'quality' },
      script: {
        classify: () => ({
          classification: { complexity: 'simple', type: 'coding', model: 'haiku', reason: 'r' },
          usage,
        }),
        execute: (call) => {
          executions.push(call);
          return { output: `patch by ${call.model.id}`, usage };
        },
        review: () =>
          reviews++ === 0
            ? { verdict: 'reject', quality: 3, feedback: 'the patch has no tests', usage }
            : { verdict: 'approve', quality: 9, feedback: 'good', usage },
      },
    });
    const outcome = await (await orchestrator.spawn('fix the date parser')).result;
    expect(outcome).toMatchObject({
      status: 'done',
      model: 'sonnet',
      attempts: 2,
      quality: 9,
      output: 'patch by sonnet',
    });
    expect(executions[0]?.previous).toBeNull();
    expect(executions[1]?.previous).toEqual({
      model: 'haiku',
      output: 'patch by haiku',
      feedback: 'the patch has no tests',
      error: null,
    });
    expect(outcome.decisions).toContain(
      'escalated to sonnet: haiku rejected; next on its ladder (sonnet → opus): sonnet',
    );
    await orchestrator.stop();
  });

  it('blocks after max_attempts failures, with the reason', async () => {
    const { orchestrator, ports } = testOrchestrator({
      configFile: { model_selection_strategy: 'quality', max_attempts: 2 },
      script: {
        classify: () => ({
          classification: { complexity: 'simple', type: 'coding', model: 'haiku', reason: 'r' },
          usage,
        }),
        review: () => ({ verdict: 'reject', quality: 2, feedback: 'wrong', usage }),
      },
    });
    const outcome = await (await orchestrator.spawn('impossible')).result;
    expect(outcome).toMatchObject({
      status: 'blocked',
      reason: 'blocked after 2 failed attempts (max_attempts 2)',
      attempts: 2,
      output: null,
    });
    expect(ports.calls.filter((c) => c.kind === 'execute').map((c) => c.model)).toEqual([
      'haiku',
      'sonnet',
    ]);
    await orchestrator.stop();
  });
});
