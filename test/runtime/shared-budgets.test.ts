import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { until } from '../helpers/cto-process.js';
import { freshDatabase, skipPostgres } from '../helpers/postgres-database.js';
import { deferred, testOrchestrator } from '../helpers/test-orchestrator.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const tokens = { inputTokens: 1_000, outputTokens: 500 };

describe.skipIf(skipPostgres)('budgets shared by several processes on PostgreSQL', () => {
  it('never overspend with 3 processes × 20 tasks in flight', async () => {
    const database = await freshDatabase();
    cleanups.push(() => database.drop());
    const gate = deferred<void>();
    let inFlight = 0;
    let most = 0;
    const processes = ['a', 'b', 'c'].map((owner) =>
      testOrchestrator({
        owner,
        store: openStore(database.url, process.cwd()),
        configFile: {
          cto_model: 'sonnet',
          worker_models: {
            external: { deepseek: { max_concurrency: 100 }, minimax: { max_concurrency: 100 } },
          },
          cost_optimization: {
            token_budget_per_day: { claude: 100_000_000, external: 20_000 },
            estimated_tokens_per_call: 2_000,
            exploration_share: 0,
          },
        },
        script: {
          execute: async (call) => {
            if (call.model.group === 'claude') return { output: 'claude work', usage: tokens };
            inFlight++;
            most = Math.max(most, inFlight);
            await gate.promise;
            inFlight--;
            return { output: `work of ${call.model.id}`, usage: tokens };
          },
        },
      }),
    );
    for (const p of processes) cleanups.push(() => p.orchestrator.stop());
    const handles = (
      await Promise.all(
        processes.map(({ orchestrator }, n) =>
          Promise.all(
            Array.from({ length: 20 }, (_, i) => orchestrator.spawn(`routine change ${n}.${i}`)),
          ),
        ),
      )
    ).flat();
    // 20,000 external tokens hold ten reservations of 2,000, whichever process makes them.
    await until(() => inFlight === 10, 'ten executions under way', 20_000);
    gate.resolve();
    const outcomes = await Promise.all(handles.map((h) => h.result));
    expect(outcomes.every((o) => o.status === 'done')).toBe(true);
    expect(most).toBe(10);
    const store = processes[0]?.orchestrator.store;
    const usage = await store?.budgetUsage('2026-11-24', Date.UTC(2026, 10, 24));
    const group = usage?.find((u) => u.scope === 'group:external');
    const external = outcomes.filter((o) => o.model === 'deepseek' || o.model === 'minimax');
    // Calls that reserved after the first ones settled (at 1,500 of their 2,000) may fit too;
    // what never happens is use past the budget.
    expect(external.length).toBeGreaterThanOrEqual(10);
    expect(group?.tokens).toBe(external.length * 1_500);
    expect(group?.tokens).toBeLessThanOrEqual(20_000);
    expect(group?.reservedTokens).toBe(0);
  }, 60_000);
});
