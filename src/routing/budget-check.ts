import { type CallEstimate, estimateCall } from './estimate-call.js';
import type { RoutingModel, RoutingView } from './routing-view.js';

function amount(value: number, measure: 'tokens' | 'usd'): string {
  return measure === 'tokens'
    ? `${Math.round(value).toLocaleString('en-US')} tokens`
    : `$${value.toFixed(2)}`;
}

/**
 * Why a call of this size would take a model over one of its budgets in this window (settled
 * plus reserved use, plus the call), or null when it fits: the check routing makes before it
 * picks a model and the store makes again, atomically, when the call reserves.
 *
 * @example
 * overBudget(deepseek, { tokens: 20_000, usd: 0.01 });
 * // 'group:external has 995,000 of its 1,000,000 tokens used or reserved today; a call needs about 20,000 tokens'
 */
export function overBudget(model: RoutingModel, call: CallEstimate): string | null {
  for (const budget of model.budgets) {
    for (const measure of ['tokens', 'usd'] as const) {
      const limit = measure === 'tokens' ? budget.limitTokens : budget.limitUsd;
      const used = measure === 'tokens' ? budget.usedTokens : budget.usedUsd;
      if (limit !== null && used + call[measure] > limit) {
        return `${budget.scope} has ${amount(used, measure)} of its ${amount(limit, measure)} used or reserved today; a call needs about ${amount(call[measure], measure)}`;
      }
    }
  }
  return null;
}

/**
 * Why an execution of this task type on `model` would not fit its budgets now, or null: the
 * estimate is the one its reservation will make.
 *
 * @example
 * executionOverBudget(view, deepseek, 'coding'); // null
 */
export function executionOverBudget(
  view: RoutingView,
  model: RoutingModel,
  taskType: string,
): string | null {
  return overBudget(
    model,
    estimateCall({
      kind: 'execute',
      model,
      taskType,
      history: view.history,
      defaultTokens: view.costOptimization.estimatedTokensPerCall,
      promptChars: 0,
    }),
  );
}
