import { modelCatalog } from '../../agents/model-catalog.js';
import type { EffectiveConfig } from './effective-config.js';

/**
 * The built-in defaults, as the original's: DeepSeek as CTO, cost-aware selection, every model
 * but gemini enabled, three failed attempts before a task is blocked.
 *
 * @example
 * const config = defaultConfig();
 * config.cto_model; // 'deepseek'
 */
export function defaultConfig(): EffectiveConfig {
  const claude: EffectiveConfig['worker_models']['claude'] = {};
  const external: EffectiveConfig['worker_models']['external'] = {};
  for (const model of modelCatalog) {
    if (model.group === 'claude') claude[model.id] = { enabled: model.enabled_by_default };
    else {
      external[model.id] = {
        enabled: model.enabled_by_default,
        has_tools: model.kind === 'openai-tools',
      };
    }
  }
  return {
    cto_model: 'deepseek',
    model_selection_strategy: 'cost_aware',
    worker_models: { claude, external },
    fallback_chain: {},
    provider_endpoints: {},
    cost_optimization: {
      enabled: true,
      prefer_external_for_routine: true,
      preserve_claude_tokens: true,
      token_budget_per_day: { claude: 100_000, external: 1_000_000 },
    },
    max_attempts: 3,
  };
}
