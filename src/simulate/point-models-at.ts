import type { LoadedConfig } from '../config/load-config.js';
import { Secret } from '../config/secret.js';

/**
 * Simulation's own daily budgets, per group: a demo is never cut short by what earlier demos
 * spent. Real budgets, in the real store, stay as configured.
 */
export const simulatedBudgetPerDay = 1_000_000_000;

/**
 * The configuration with every model reached through local servers: Claude models through an
 * Anthropic Messages server (Claude Code's `ANTHROPIC_BASE_URL`), the others through an
 * OpenAI-compatible one, each with a placeholder key; with simulation's own generous budgets
 * (no per-model caps).
 *
 * @example
 * pointModelsAt(loaded, { openAi: 'http://127.0.0.1:4100', anthropic: 'http://127.0.0.1:4200' });
 */
export function pointModelsAt(
  loaded: LoadedConfig,
  urls: { openAi: string; anthropic: string },
): LoadedConfig {
  const key = new Secret('simulated-key-0000');
  const { cost_optimization: cost } = loaded.config;
  return {
    ...loaded,
    config: {
      ...loaded.config,
      cost_optimization: {
        ...cost,
        token_budget_per_day: { claude: simulatedBudgetPerDay, external: simulatedBudgetPerDay },
        model_budget_per_day: {},
      },
    },
    models: loaded.models.map((model) => ({
      ...model,
      api_url: model.group === 'claude' ? urls.anthropic : `${urls.openAi}/v1`,
      api_key: key,
      api_key_source: 'simulation',
      unusable_reason: null,
    })),
  };
}
