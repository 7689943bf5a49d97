import { modelCatalog } from '../../agents/model-catalog.js';
import type { RoutingView } from '../../src/routing/routing-view.js';

/** A routing view of the built-in catalog with the default configuration, changed by `patch`. */
export function catalogView(patch: Partial<RoutingView> = {}): RoutingView {
  return {
    strategy: 'cost_aware',
    costOptimization: { enabled: true, preferExternalForRoutine: true, preserveClaudeTokens: true },
    models: modelCatalog.map((m) => ({
      id: m.id,
      kind: m.kind,
      group: m.group,
      tier: m.tier,
      enabled: m.enabled_by_default,
      unavailable: null,
      inputPrice: m.input_price_per_mtok,
      outputPrice: m.output_price_per_mtok,
    })),
    fallbackChain: {},
    budgets: { claude: { limit: 100_000, used: 0 }, external: { limit: 1_000_000, used: 0 } },
    history: {},
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
