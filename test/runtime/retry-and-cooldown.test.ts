import { describe, expect, it } from 'vitest';
import { ModelCallError } from '../../src/runtime/model-ports.js';
import { eventually, testOrchestrator } from '../helpers/test-orchestrator.js';

const usage = { inputTokens: 10, outputTokens: 10 };
const routineOnDeepseek = {
  classify: () => ({
    classification: {
      complexity: 'simple' as const,
      type: 'coding' as const,
      model: 'deepseek',
      reason: 'r',
    },
    usage,
  }),
};

describe('the worker actor: retries, backoff, cooldown, concurrency', () => {
  it('retries a transient error on the same model after its retry-after', async () => {
    let failures = 1;
    const { orchestrator, ports, clock } = testOrchestrator({
      configFile: { model_selection_strategy: 'quality' },
      script: {
        ...routineOnDeepseek,
        execute: () => {
          if (failures-- > 0)
            throw new ModelCallError('429 rate limited', { transient: true, retryAfterMs: 5_000 });
          return { output: 'done', usage };
        },
      },
    });
    const task = await orchestrator.spawn('fix it');
    await eventually(
      () =>
        ports.calls.filter((c) => c.kind === 'execute').length === 1 &&
        clock.nextDue === clock.now() + 5_000,
    );
    clock.advance(4_999);
    await eventually(() => true, 20);
    expect(ports.calls.filter((c) => c.kind === 'execute')).toHaveLength(1);
    clock.advance(1);
    const outcome = await task.result;
    expect(outcome).toMatchObject({ status: 'done', model: 'deepseek', attempts: 1 });
    const executes = ports.calls.filter((c) => c.kind === 'execute');
    expect(executes.map((c) => [c.model, c.requestId.split(':').slice(1).join(':')])).toEqual([
      ['deepseek', 'execute:1'],
      ['deepseek', 'execute:1'],
    ]);
    await orchestrator.stop();
  });

  it('backs off exponentially, then fails the step and escalates with the reason', async () => {
    const { orchestrator, ports, clock } = testOrchestrator({
      configFile: { model_selection_strategy: 'quality' },
      retry: { maxRetries: 2, baseDelayMs: 1_000, cooldownAfter: 10 },
      script: {
        ...routineOnDeepseek,
        execute: (call) => {
          if (call.model.id === 'deepseek')
            throw new ModelCallError('503 unavailable', { transient: true });
          return { output: 'done by sonnet', usage };
        },
      },
    });
    const task = await orchestrator.spawn('fix it');
    const deepseekCalls = () =>
      ports.calls.filter((c) => c.model === 'deepseek' && c.kind === 'execute').length;
    const retryDueIn = (ms: number) => clock.nextDue === clock.now() + ms;
    await eventually(() => deepseekCalls() === 1 && retryDueIn(1_000));
    clock.advance(1_000);
    await eventually(() => deepseekCalls() === 2 && retryDueIn(2_000));
    clock.advance(1_999);
    await eventually(() => true, 20);
    expect(deepseekCalls()).toBe(2);
    clock.advance(1);
    const outcome = await task.result;
    expect(deepseekCalls()).toBe(3);
    expect(outcome).toMatchObject({ status: 'done', model: 'sonnet', attempts: 2 });
    expect(outcome.decisions).toContain(
      "attempt 1: execution failed (not the model's doing): 503 unavailable (after 3 tries)",
    );
    await orchestrator.stop();
  });

  it('cools a failing model down, routes around it, and takes it back afterwards', async () => {
    const { orchestrator, clock } = testOrchestrator({
      retry: { maxRetries: 0, cooldownAfter: 2, cooldownMs: 60_000 },
      script: {
        classify: () => ({
          classification: { complexity: 'simple', type: 'coding', model: 'sonnet', reason: 'r' },
          usage,
        }),
        execute: (call) => {
          if (call.model.id === 'deepseek') throw new ModelCallError('500', { transient: false });
          return { output: 'ok', usage };
        },
      },
      configFile: { worker_models: { external: { minimax: { enabled: false } } } },
    });
    // Routine coding on Claude goes to deepseek (the only tool-capable external model left).
    for (let i = 0; i < 2; i++) await (await orchestrator.spawn(`task ${i}`)).result;
    const status = await orchestrator.status();
    expect(status.models.find((m) => m.id === 'deepseek')?.coolingDownUntil).toBe(
      clock.now() + 60_000,
    );
    const during = await (await orchestrator.spawn('during the cooldown')).result;
    expect(during.decisions.join('\n')).not.toContain('deepseek');
    expect(during).toMatchObject({ status: 'done', model: 'sonnet', attempts: 1 });
    clock.advance(60_000);
    await eventually(() => true, 5);
    expect(
      (await orchestrator.status()).models.find((m) => m.id === 'deepseek')?.coolingDownUntil,
    ).toBeNull();
    const after = await orchestrator.spawn('after the cooldown');
    await after.result;
    expect(after.actor.getSnapshot().context.attempts[0]?.model.id).toBe('deepseek');
    await orchestrator.stop();
  });

  it('runs at most max_concurrency calls at once on one model', async () => {
    const releases: (() => void)[] = [];
    let running = 0;
    let peak = 0;
    const { orchestrator } = testOrchestrator({
      configFile: {
        model_selection_strategy: 'quality',
        worker_models: { external: { deepseek: { max_concurrency: 2 } } },
      },
      script: {
        ...routineOnDeepseek,
        execute: () =>
          new Promise((resolve) => {
            running += 1;
            peak = Math.max(peak, running);
            releases.push(() => {
              running -= 1;
              resolve({ output: 'ok', usage });
            });
          }),
      },
    });
    const tasks = await Promise.all([1, 2, 3, 4, 5].map((i) => orchestrator.spawn(`task ${i}`)));
    for (let released = 0; released < 5; released++) {
      await eventually(() => releases.length > 0);
      expect(running).toBeLessThanOrEqual(2);
      releases.shift()?.();
    }
    await Promise.all(tasks.map((task) => task.result));
    expect(peak).toBe(2);
    await orchestrator.stop();
  });

  it('aborts a call that outlives its timeout, and retries it as transient', async () => {
    let calls = 0;
    const { orchestrator, clock } = testOrchestrator({
      configFile: { model_selection_strategy: 'quality' },
      timeouts: { executeMs: 10_000 },
      retry: { baseDelayMs: 1 },
      script: {
        ...routineOnDeepseek,
        execute: (call) => {
          calls += 1;
          if (calls === 1)
            return new Promise((_, reject) =>
              call.signal.addEventListener('abort', () => reject(new Error('aborted'))),
            );
          return { output: 'ok', usage };
        },
      },
    });
    const task = await orchestrator.spawn('slow');
    await eventually(() => calls === 1 && clock.pending > 0);
    clock.advance(10_000);
    await eventually(() => clock.pending > 0 || calls === 2);
    clock.advance(1);
    expect(await task.result).toMatchObject({ status: 'done', attempts: 1 });
    expect(calls).toBe(2);
    await orchestrator.stop();
  });
});
