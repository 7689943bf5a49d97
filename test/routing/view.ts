import { modelCatalog } from '../../agents/model-catalog.js';
import type { RoutingView } from '../../src/routing/routing-view.js';

/** The default cost optimization settings (without exploration), changed by `patch`. */
export function costOptions(
  patch: Partial<RoutingView['costOptimization']> = {},
): RoutingView['costOptimization'] {
  return {
    enabled: true,
    preferExternalForRoutine: true,
    preserveClaudeTokens: true,
    routing: 'learned',
    explorationShare: 0,
    reviewerErrorRate: 0,
    failureWeight: 1,
    qualitySpendShare: 1,
    whenOverBudget: 'block',
    estimatedTokensPerCall: 20_000,
    ...patch,
  };
}

/** A routing view of the built-in catalog with the default configuration, changed by `patch`. */
export function catalogView(patch: Partial<RoutingView> = {}): RoutingView {
  return {
    strategy: 'cost_aware',
    costOptimization: costOptions(),
    models: modelCatalog.map((m) => ({
      id: m.id,
      kind: m.kind,
      group: m.group,
      tier: m.tier,
      enabled: m.enabled_by_default,
      unavailable: null,
      budgets: [],
      inputPrice: m.input_price_per_mtok,
      outputPrice: m.output_price_per_mtok,
    })),
    fallbackChain: {},
    budgets: { claude: { limit: 100_000, used: 0 }, external: { limit: 1_000_000, used: 0 } },
    history: [],
    maxAttempts: 3,
    ...patch,
  };
}

/** The view with some models changed. */
export function withModels(
  view: RoutingView,
  changes: Record<string, Partial<RoutingView['models'][number]>>,
): RoutingView {
  return { ...view, models: view.models.map((m) => ({ ...m, ...changes[m.id] })) };
}

/**
 * The view with these group budgets (limit and tokens used), both as routing's pressure figures
 * and as the budgets each model's calls count in.
 */
export function withGroupBudgets(
  view: RoutingView,
  budgets: RoutingView['budgets'],
  caps: Record<
    string,
    { tokens?: number; usd?: number; usedTokens?: number; usedUsd?: number }
  > = {},
): RoutingView {
  return {
    ...view,
    budgets,
    models: view.models.map((m) => ({
      ...m,
      budgets: [
        {
          scope: `group:${m.group}`,
          limitTokens: budgets[m.group].limit,
          limitUsd: null,
          usedTokens: budgets[m.group].used,
          usedUsd: 0,
        },
        {
          scope: `model:${m.id}`,
          limitTokens: caps[m.id]?.tokens ?? null,
          limitUsd: caps[m.id]?.usd ?? null,
          usedTokens: caps[m.id]?.usedTokens ?? 0,
          usedUsd: caps[m.id]?.usedUsd ?? 0,
        },
      ],
    })),
  };
}
