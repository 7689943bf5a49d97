import type { ModelGroup } from '../../agents/model-entry.js';
import type { LoadedConfig } from '../config/load-config.js';
import type { ModelHistory, RoutingView } from './routing-view.js';

export interface RuntimeState {
  /** Models that cannot take work right now, with why (a cooldown …). */
  unavailable?: Readonly<Record<string, string>>;
  /** Tokens used today per group. */
  used?: Readonly<Record<ModelGroup, number>>;
  history?: Readonly<Record<string, ModelHistory>>;
}

/**
 * The routing view for a configuration and the runtime's current state.
 *
 * @example
 * const view = routingViewFrom(source.current(), { unavailable: { kimi: 'cooling down' } });
 */
export function routingViewFrom(loaded: LoadedConfig, state: RuntimeState = {}): RoutingView {
  const { config } = loaded;
  const budget = config.cost_optimization.token_budget_per_day;
  return {
    strategy: config.model_selection_strategy,
    costOptimization: {
      enabled: config.cost_optimization.enabled,
      preferExternalForRoutine: config.cost_optimization.prefer_external_for_routine,
      preserveClaudeTokens: config.cost_optimization.preserve_claude_tokens,
    },
    models: loaded.models.map((model) => ({
      id: model.id,
      kind: model.kind,
      group: model.group,
      tier: model.tier,
      enabled: model.enabled,
      unavailable: model.unusable_reason ?? state.unavailable?.[model.id] ?? null,
      inputPrice: model.input_price_per_mtok,
      outputPrice: model.output_price_per_mtok,
    })),
    fallbackChain: config.fallback_chain,
    budgets: {
      claude: { limit: budget.claude, used: state.used?.claude ?? 0 },
      external: { limit: budget.external, used: state.used?.external ?? 0 },
    },
    history: state.history ?? {},
  };
}
