import { describe, expect, it } from 'vitest';
import type { Classification } from '../../machines/task-types.js';
import { defaultConfig } from '../../src/config/default-config.js';
import { overBudget } from '../../src/routing/budget-check.js';
import { budgetLimits } from '../../src/routing/budget-limits.js';
import { budgetWindow, nextBudgetWindow } from '../../src/routing/budget-window.js';
import { escalate } from '../../src/routing/escalate.js';
import { estimateCall } from '../../src/routing/estimate-call.js';
import { routeTask } from '../../src/routing/route-task.js';
import { emptyPerformance } from '../../src/store/performance-row.js';
import { catalogView, costOptions, withGroupBudgets } from './view.js';

const coding: Classification = {
  type: 'coding',
  complexity: 'simple',
  model: 'sonnet',
  reason: 'r',
  source: 'cto',
};
const room = { claude: { limit: 1_000_000, used: 0 }, external: { limit: 1_000_000, used: 0 } };

describe('budget windows', () => {
  it('are UTC days unless an offset is configured', () => {
    const late = Date.parse('2026-11-24T23:30:00Z');
    expect(budgetWindow(late)).toBe('2026-11-24');
    expect(budgetWindow(late, '+02:00')).toBe('2026-11-25');
    expect(budgetWindow(Date.parse('2026-11-24T03:00:00Z'), '-05:30')).toBe('2026-11-23');
    expect(new Date(nextBudgetWindow(late)).toISOString()).toBe('2026-11-25T00:00:00.000Z');
    expect(new Date(nextBudgetWindow(late, '+02:00')).toISOString()).toBe(
      '2026-11-25T22:00:00.000Z',
    );
  });
});

describe('what a call reserves', () => {
  const deepseek = { id: 'deepseek', inputPrice: 0.3, outputPrice: 1.2 };
  it('is the most an execution of this model and type has used, else the configured default', () => {
    const base = {
      kind: 'execute' as const,
      model: deepseek,
      taskType: 'coding',
      defaultTokens: 20_000,
      promptChars: 0,
    };
    expect(estimateCall({ ...base, history: [] })).toEqual({ tokens: 20_000, usd: 0.0096 });
    const history = [
      { ...emptyPerformance('deepseek', 'coding'), attempts: 3, maxCallTokens: 50_000 },
    ];
    expect(estimateCall({ ...base, history }).tokens).toBe(50_000);
    expect(estimateCall({ ...base, history, taskType: 'research' }).tokens).toBe(20_000);
  });

  it('is the prompt plus an answer for the CTO', () => {
    const call = estimateCall({
      kind: 'review',
      model: deepseek,
      taskType: 'coding',
      history: [],
      defaultTokens: 20_000,
      promptChars: 8_000,
    });
    expect(call.tokens).toBe(4_000);
  });

  it('counts against the group budget and the model caps, and nothing with cost optimization off', () => {
    const config = defaultConfig();
    config.cost_optimization.model_budget_per_day = { deepseek: { usd: 5 } };
    expect(budgetLimits(config, { id: 'deepseek', group: 'external' })).toEqual([
      { scope: 'group:external', tokens: 1_000_000, usd: null },
      { scope: 'model:deepseek', tokens: null, usd: 5 },
    ]);
    config.cost_optimization.enabled = false;
    expect(budgetLimits(config, { id: 'deepseek', group: 'external' })).toEqual([
      { scope: 'group:external', tokens: null, usd: null },
      { scope: 'model:deepseek', tokens: null, usd: null },
    ]);
  });
});

describe('routing under budgets', () => {
  it('says which budget a call would exceed', () => {
    const view = withGroupBudgets(catalogView(), {
      ...room,
      external: { limit: 100_000, used: 90_000 },
    });
    const deepseek = view.models.find((m) => m.id === 'deepseek');
    expect(deepseek && overBudget(deepseek, { tokens: 20_000, usd: 0 })).toBe(
      'group:external has 90,000 tokens of its 100,000 tokens used or reserved today; a call needs about 20,000 tokens',
    );
    expect(deepseek && overBudget(deepseek, { tokens: 10_000, usd: 0 })).toBeNull();
  });

  it('skips a model over its own cap, with the reason, for another that can do the work', () => {
    const view = withGroupBudgets(catalogView(), room, {
      deepseek: { usd: 1, usedUsd: 0.999 },
    });
    const route = routeTask({ taskId: 't1', input: {}, classification: coding, view });
    expect(route.model?.id).toBe('minimax');
    expect(route.estimates?.map((e) => e.model)).toEqual(['minimax']);
  });

  it('blocks with the reason when every model that could take the task is over budget', () => {
    const view = withGroupBudgets(catalogView(), {
      claude: { limit: 1_000, used: 1_000 },
      external: { limit: 1_000, used: 1_000 },
    });
    const route = routeTask({ taskId: 't1', input: {}, classification: coding, view });
    expect(route.model).toBeNull();
    expect(route.reason).toMatch(
      /^sonnet, as the CTO recommends, but group:claude has 1,000 tokens of its 1,000 tokens used or reserved today.*\(when_over_budget: block\)$/,
    );
  });

  it('keeps the task on its pick, to wait for the next window, under when_over_budget: wait', () => {
    const view = withGroupBudgets(
      catalogView({ costOptimization: costOptions({ whenOverBudget: 'wait' }) }),
      { claude: { limit: 1_000, used: 1_000 }, external: { limit: 1_000, used: 1_000 } },
    );
    const route = routeTask({ taskId: 't1', input: {}, classification: coding, view });
    expect(route.model?.id).toBe('sonnet');
    expect(route.reason).toMatch(/it waits for the next budget window \(when_over_budget: wait\)$/);
  });

  it('escalates past a model over budget, or waits for it, or blocks', () => {
    const from = { id: 'haiku', kind: 'claude-code' as const, tier: 2 };
    const capped = withGroupBudgets(catalogView(), room, {
      sonnet: { tokens: 10, usedTokens: 10 },
    });
    const next = escalate({ classification: coding, from, failure: 'rejected', view: capped });
    expect(next.model?.id).toBe('opus');
    expect(next.reason).toMatch(/skipped sonnet: model:sonnet has 10 tokens of its 10 tokens/);

    const broke = withGroupBudgets(catalogView(), {
      claude: { limit: 10, used: 10 },
      external: room.external,
    });
    const blocked = escalate({ classification: coding, from, failure: 'rejected', view: broke });
    expect(blocked.model).toBeNull();
    expect(blocked.reason).toMatch(
      /^no model to escalate to after haiku rejected \(sonnet: group:claude/,
    );

    const waiting = escalate({
      classification: coding,
      from,
      failure: 'rejected',
      view: { ...broke, costOptimization: costOptions({ whenOverBudget: 'wait' }) },
    });
    expect(waiting.model?.id).toBe('sonnet');
    expect(waiting.reason).toMatch(/sonnet waits for its budget \(when_over_budget: wait\)$/);
  });
});
