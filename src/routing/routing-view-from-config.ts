import type { LoadedConfig } from '../config/load-config.js';
import type { BudgetUsage } from '../store/budget-records.js';
import type { PerformanceRow } from '../store/performance-row.js';
import { budgetLimits } from './budget-limits.js';
import type { ReviewedIndex } from './reviewed-index.js';
import type { RoutingView } from './routing-view.js';

export interface RuntimeState {
  /** Models that cannot take work right now, with why (a cooldown …). */
  unavailable?: Readonly<Record<string, string>>;
  /** Settled and reserved use of each budget scope in the current window. */
  usage?: readonly BudgetUsage[];
  history?: readonly PerformanceRow[];
  /** Reviewed tasks by their text features, for routing by similar tasks. */
  reviewedTasks?: ReviewedIndex;
}

/**
 * The routing view for a configuration and the runtime's current state.
 *
 * @example
 * const view = routingViewFrom(source.current(), { unavailable: { kimi: 'cooling down' } });
 */
export function routingViewFrom(loaded: LoadedConfig, state: RuntimeState = {}): RoutingView {
  const { config } = loaded;
  const costs = config.cost_optimization;
  // Each scope's first record, looked up once per budget rather than searched for each figure.
  const byScope = new Map<string, BudgetUsage>();
  for (const use of state.usage ?? []) if (!byScope.has(use.scope)) byScope.set(use.scope, use);
  const usedTokens = (scope: string) => {
    const use = byScope.get(scope);
    return use ? use.tokens + use.reservedTokens : 0;
  };
  return {
    strategy: config.model_selection_strategy,
    costOptimization: {
      enabled: costs.enabled,
      preferExternalForRoutine: costs.prefer_external_for_routine,
      preserveClaudeTokens: costs.preserve_claude_tokens,
      routing: costs.routing,
      explorationShare: costs.exploration_share,
      reviewerErrorRate: costs.reviewer_error_rate,
      failureWeight: costs.failure_weight,
      qualitySpendShare: costs.quality_spend_share,
      whenOverBudget: costs.when_over_budget,
      estimatedTokensPerCall: costs.estimated_tokens_per_call,
    },
    models: loaded.models.map((model) => ({
      id: model.id,
      kind: model.kind,
      group: model.group,
      tier: model.tier,
      enabled: model.enabled,
      unavailable: model.unusable_reason ?? state.unavailable?.[model.id] ?? null,
      budgets: budgetLimits(config, model).map((limit) => {
        const use = byScope.get(limit.scope);
        return {
          scope: limit.scope,
          limitTokens: limit.tokens,
          limitUsd: limit.usd,
          usedTokens: use ? use.tokens + use.reservedTokens : 0,
          usedUsd: (use?.usd ?? 0) + (use?.reservedUsd ?? 0),
        };
      }),
      inputPrice: model.input_price_per_mtok,
      outputPrice: model.output_price_per_mtok,
    })),
    fallbackChain: config.fallback_chain,
    budgets: {
      claude: { limit: costs.token_budget_per_day.claude, used: usedTokens('group:claude') },
      external: { limit: costs.token_budget_per_day.external, used: usedTokens('group:external') },
    },
    history: state.history ?? [],
    maxAttempts: config.max_attempts,
    ...(state.reviewedTasks ? { reviewedTasks: state.reviewedTasks } : {}),
  };
}
