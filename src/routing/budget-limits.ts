import type { ModelGroup } from '../../agents/model-entry.js';
import type { EffectiveConfig } from '../config/effective-config.js';
import type { BudgetLimit } from '../store/budget-records.js';

/**
 * The budgets a model's calls count in: its group's daily tokens, and its own caps. The model's
 * scope is there even without caps, so that its use is on record. With cost optimization off
 * nothing is limited: use is still recorded.
 *
 * @example
 * budgetLimits(config, { id: 'deepseek', group: 'external' });
 * // [{ scope: 'group:external', tokens: 1000000, usd: null }, { scope: 'model:deepseek', tokens: null, usd: 5 }]
 */
export function budgetLimits(
  config: EffectiveConfig,
  model: { id: string; group: ModelGroup },
): BudgetLimit[] {
  const { token_budget_per_day: groups, model_budget_per_day: caps } = config.cost_optimization;
  const on = config.cost_optimization.enabled;
  const cap = on ? caps[model.id] : undefined;
  return [
    { scope: `group:${model.group}`, tokens: on ? groups[model.group] : null, usd: null },
    { scope: `model:${model.id}`, tokens: cap?.tokens ?? null, usd: cap?.usd ?? null },
  ];
}
