import { z } from 'zod';
import { modelCatalog } from '../../agents/model-catalog.js';
import type { ConfigFile } from './config-file-schema.js';

export const presetNameSchema = z.enum([
  'save-money',
  'max-quality',
  'balanced',
  'testing',
  'emergency',
  'minimal',
  'research-only',
]);
export type PresetName = z.infer<typeof presetNameSchema>;

/** Every catalog model listed, with only `enabledIds` enabled. */
function models(enabledIds: readonly string[]): ConfigFile['worker_models'] {
  const claude: Record<string, { enabled: boolean }> = {};
  const external: Record<string, { enabled: boolean; has_tools: boolean }> = {};
  for (const model of modelCatalog) {
    const enabled = enabledIds.includes(model.id);
    if (model.group === 'claude') claude[model.id] = { enabled };
    else external[model.id] = { enabled, has_tools: model.kind === 'openai-tools' };
  }
  return { claude, external };
}

const claudeModels = ['haiku', 'sonnet', 'opus'];
const everyModel = modelCatalog.map((model) => model.id);
const budgets = { claude: 100_000, external: 1_000_000 };
const costOptimizationOn = {
  enabled: true,
  prefer_external_for_routine: true,
  preserve_claude_tokens: true,
  token_budget_per_day: budgets,
};

/**
 * The starting configurations users pick from (SPEC §2), written by
 * `cto config init --preset NAME`. docs/examples holds each one with comments.
 *
 * @example
 * configPresets['max-quality'].cto_model; // 'opus'
 */
export const configPresets: Readonly<Record<PresetName, ConfigFile>> = {
  // Cheapest capable model for everything; Claude kept for what only it can do.
  'save-money': {
    cto_model: 'deepseek',
    model_selection_strategy: 'cost_aware',
    worker_models: models(everyModel),
    cost_optimization: costOptimizationOn,
  },
  // Claude only, no cost overrides: the CTO's pick stands.
  'max-quality': {
    cto_model: 'opus',
    model_selection_strategy: 'quality',
    worker_models: models(claudeModels),
    cost_optimization: { ...costOptimizationOn, enabled: false },
  },
  // Coding stays on Claude; research and analysis move to the research-only models.
  balanced: {
    cto_model: 'sonnet',
    model_selection_strategy: 'balanced',
    worker_models: models([...claudeModels, 'kimi', 'glm']),
    cost_optimization: costOptimizationOn,
  },
  // Everything on, so rotation collects performance data on every model.
  testing: {
    cto_model: 'sonnet',
    model_selection_strategy: 'cost_aware',
    worker_models: models(everyModel),
    cost_optimization: { ...costOptimizationOn, routing: 'rotation' },
  },
  // External APIs are down: Claude only, escalating haiku → sonnet → opus.
  emergency: {
    cto_model: 'sonnet',
    model_selection_strategy: 'quality',
    worker_models: models(claudeModels),
    fallback_chain: { haiku: ['sonnet', 'opus'], sonnet: ['opus'] },
    cost_optimization: { ...costOptimizationOn, enabled: false },
  },
  // One model, one key: DeepSeek classifies, works and reviews; nothing to escalate to.
  minimal: {
    cto_model: 'deepseek',
    model_selection_strategy: 'cost_aware',
    worker_models: models(['deepseek']),
    fallback_chain: { deepseek: [] },
    cost_optimization: costOptimizationOn,
  },
  // External models only for research; all work with tools stays on Claude.
  'research-only': {
    cto_model: 'sonnet',
    model_selection_strategy: 'cost_aware',
    worker_models: models([...claudeModels, 'kimi', 'glm', 'gemini']),
    cost_optimization: { ...costOptimizationOn, prefer_external_for_routine: false },
  },
};
