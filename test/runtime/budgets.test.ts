import { describe, expect, it } from 'vitest';
import type { CallActivity } from '../../src/runtime/create-orchestrator.js';
import { ModelCallError } from '../../src/runtime/model-ports.js';
import { deferred, eventually, testOrchestrator } from '../helpers/test-orchestrator.js';

const day = '2026-11-24';
const tokens = { inputTokens: 1_000, outputTokens: 500 };

/** Claude for the CTO (with room), the external tool models with a small budget. */
function budgetConfig(external: number, mode: 'wait' | 'block') {
  return {
    cto_model: 'sonnet',
    worker_models: {
      external: { deepseek: { max_concurrency: 100 }, minimax: { max_concurrency: 100 } },
    },
    cost_optimization: {
      token_budget_per_day: { claude: 100_000_000, external },
      estimated_tokens_per_call: 2_000,
      when_over_budget: mode,
      exploration_share: 0,
    },
  };
}

describe('budgets', () => {
  it('never overspend with 50 tasks in flight at once: each call reserves before it runs', async () => {
    const gate = deferred<void>();
    let inFlight = 0;
    let most = 0;
    const { orchestrator } = testOrchestrator({
      configFile: budgetConfig(20_000, 'block'),
      script: {
        execute: async (call) => {
          if (call.model.id === 'sonnet' || call.model.id === 'opus')
            return { output: 'claude work', usage: tokens };
          inFlight++;
          most = Math.max(most, inFlight);
          await gate.promise;
          inFlight--;
          return { output: `work of ${call.model.id}`, usage: tokens };
        },
      },
    });
    const handles = await Promise.all(
      Array.from({ length: 50 }, (_, i) => orchestrator.spawn(`routine change ${i}`)),
    );
    // 20,000 external tokens hold ten reservations of 2,000; the other forty calls are refused
    // before they run, and their tasks escalate to Claude.
    await eventually(() => inFlight === 10 && orchestrator.store !== null);
    const refused = await orchestrator.store.budgetUsage(day, Date.UTC(2026, 10, 24));
    expect(refused.find((u) => u.scope === 'group:external')?.reservedTokens).toBe(20_000);
    gate.resolve();
    const outcomes = await Promise.all(handles.map((h) => h.result));
    expect(outcomes.every((o) => o.status === 'done')).toBe(true);
    expect(most).toBe(10);
    const external = outcomes.filter((o) => o.model === 'deepseek' || o.model === 'minimax');
    const escalated = outcomes.filter((o) => o.model === 'sonnet');
    expect(external.length + escalated.length).toBe(50);
    expect(escalated[0]?.decisions.join('\n')).toMatch(
      /execution failed \(not the model's doing\): over budget: group:external has 20000 tokens of its 20000 tokens used or reserved/,
    );
    const usage = await orchestrator.store.budgetUsage(day, Date.UTC(2026, 10, 24));
    const group = usage.find((u) => u.scope === 'group:external');
    // Settled at the actual 1,500 tokens a call: under the limit, and nothing left reserved.
    expect(group?.tokens).toBeLessThanOrEqual(20_000);
    expect(group?.tokens).toBe(external.length * 1_500);
    expect(group?.reservedTokens).toBe(0);
    // A call declined for budget says nothing about its provider: no cooldown.
    const models = (await orchestrator.status()).models;
    expect(models.every((m) => m.coolingDownUntil === null)).toBe(true);
    await orchestrator.stop();
  });

  it('makes a call wait for the next window under when_over_budget: wait', async () => {
    const notes: CallActivity[] = [];
    const { orchestrator, clock, ports } = testOrchestrator({
      configFile: budgetConfig(2_500, 'wait'),
      script: { execute: () => ({ output: 'done', usage: tokens }) },
      onProgress: (activity) => notes.push(activity),
    });
    const first = await orchestrator.spawn({ description: 'one', model: 'deepseek' });
    expect((await first.result).status).toBe('done');
    // 1,500 used; the next call is estimated at what the first used (1,500): over 2,500.
    const second = await orchestrator.spawn({ description: 'two', model: 'deepseek' });
    await eventually(() => notes.some((n) => n.note.startsWith('waiting for budget')));
    expect(notes.at(-1)?.note).toMatch(
      /^waiting for budget \(over budget: group:external has 1500 tokens of its 2500 tokens.*next window 2026-11-25T00:00:00.000Z$/,
    );
    expect(
      ports.calls.filter((c) => c.requestId.startsWith(second.id) && c.kind === 'execute'),
    ).toEqual([]);
    // A check a minute later still finds no room; the next day has it.
    clock.advance(60_000);
    await eventually(() => notes.filter((n) => n.note.startsWith('waiting')).length === 2);
    // The check due at 00:02 still finds no room; the one after midnight finds a new window.
    clock.advance(24 * 60 * 60 * 1000);
    await eventually(() => notes.filter((n) => n.note.startsWith('waiting')).length === 3);
    clock.advance(60_000);
    const outcome = await second.result;
    expect(outcome.status).toBe('done');
    const usage = await orchestrator.store.budgetUsage('2026-11-25', clock.now());
    expect(usage.find((u) => u.scope === 'model:deepseek')?.tokens).toBe(1_500);
    await orchestrator.stop();
  });

  it("counts a failed call's tokens, and releases a cancelled call's reservation", async () => {
    const hold = deferred<never>();
    const { orchestrator } = testOrchestrator({
      configFile: budgetConfig(1_000_000, 'block'),
      script: {
        execute: (call) => {
          if (call.task.description === 'hang') return hold.promise;
          throw new ModelCallError('turn limit reached', { transient: false, usage: tokens });
        },
      },
    });
    const failing = await orchestrator.spawn({ description: 'fail', model: 'deepseek' });
    await failing.result;
    const usage = await orchestrator.store.budgetUsage(day, Date.UTC(2026, 10, 24));
    // Three failed executions (deepseek, then sonnet and opus up its ladder) of 1,500 tokens.
    expect(usage.find((u) => u.scope === 'model:deepseek')?.tokens).toBe(1_500);
    expect(usage.find((u) => u.scope === 'model:opus')?.tokens).toBe(1_500);

    const hanging = await orchestrator.spawn({ description: 'hang', model: 'minimax' });
    const reserved = async () =>
      (await orchestrator.store.budgetUsage(day, Date.UTC(2026, 10, 24))).find(
        (u) => u.scope === 'model:minimax',
      )?.reservedTokens;
    for (let turn = 0; turn < 100 && (await reserved()) !== 2_000; turn++)
      await new Promise((resolve) => setImmediate(resolve));
    expect(await reserved()).toBe(2_000);
    await hanging.cancel('not needed');
    await hanging.result;
    for (let turn = 0; turn < 100 && (await reserved()) !== 0; turn++)
      await new Promise((resolve) => setImmediate(resolve));
    expect(await reserved()).toBe(0);
    await orchestrator.stop();
  });
});
