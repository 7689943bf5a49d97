import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigFile } from '../../src/config/config-file-schema.js';
import { type LoadedConfig, loadConfig } from '../../src/config/load-config.js';
import { apiKeyVariable } from '../../src/config/resolved-model.js';
import { benchModels } from './model-mapping.js';

/** How `cost_aware` picks: ours (`learned`) or the original's fixed rules (`rotation`). */
export type Routing = 'learned' | 'rotation';

/** External models of the bench: every one ran with bash tools in the dataset. */
const externalModels = ['deepseek', 'minimax', 'kimi', 'glm', 'gemini', 'gpt-5-mini'];

/**
 * Our escalation ladders: after a rejection, one cheap second opinion from another vendor's
 * tool model (gpt-5-mini, 59.8% alone at $0.035 a task), then the strongest model, opus, so
 * that every chain reaches opus within the three attempts a task has. `escalate` reads only the
 * ladder of the model that just failed, so ladders chain: deepseek → gpt-5-mini → opus, and
 * gpt-5-mini goes straight to opus (were its ladder to start with deepseek, a task starting on
 * deepseek would bounce deepseek → gpt-5-mini → deepseek and never reach opus). Escalation never
 * goes to a weaker tier (glm and kimi are tier 1, the other external models tier 2).
 */
export const oursFallbackChain: Readonly<Record<string, string[]>> = {
  deepseek: ['gpt-5-mini', 'opus'],
  'gpt-5-mini': ['opus'],
  minimax: ['gpt-5-mini', 'opus'],
  glm: ['gpt-5-mini', 'opus'],
  kimi: ['gpt-5-mini', 'opus'],
  gemini: ['opus'],
  sonnet: ['opus'],
};

/** High enough that no budget ever binds: the replay measures routing, not budgets. */
const unlimitedTokens = 1_000_000_000_000;

/**
 * The configuration file the bench loads for a routing method. Both share the models: haiku
 * off (no data), gemini on, gpt-5-mini added by configuration, every external model
 * tool-capable. `rotation` keeps the default ladders (external → sonnet → opus); `learned`
 * uses {@link oursFallbackChain}. A call is estimated at 100k tokens (a whole agent run on a
 * SWE-bench task: at catalog prices about what opus's runs cost in the data), which is the
 * learned prior's price for a model it has not tried.
 *
 * @example
 * benchConfigFile('learned').cost_optimization?.routing; // 'learned'
 */
export function benchConfigFile(routing: Routing): ConfigFile {
  return {
    model_selection_strategy: 'cost_aware',
    worker_models: {
      claude: { haiku: { enabled: false }, sonnet: { enabled: true }, opus: { enabled: true } },
      external: Object.fromEntries(
        externalModels.map((id) => [id, { enabled: true, has_tools: true }]),
      ),
    },
    provider_endpoints: {
      'gpt-5-mini': {
        api_url: 'https://api.openai.com/v1',
        model_id: 'gpt-5-mini-2025-08-07',
        tier: 2,
        input_price_per_mtok: 0.25,
        output_price_per_mtok: 2,
      },
    },
    fallback_chain: routing === 'learned' ? { ...oursFallbackChain } : {},
    cost_optimization: {
      enabled: true,
      prefer_external_for_routine: true,
      preserve_claude_tokens: true,
      routing,
      exploration_share: 0.05,
      estimated_tokens_per_call: 100_000,
      token_budget_per_day: { claude: unlimitedTokens, external: unlimitedTokens },
    },
    max_attempts: 3,
  };
}

/**
 * Loads {@link benchConfigFile} through the production loader (from a temporary file, with
 * fake API keys and an empty home), and checks that every bench model came out enabled, usable
 * and tool-capable. Throws with the loader's problems otherwise.
 *
 * @example
 * const loaded = loadBenchConfig('learned');
 * loaded.config.fallback_chain.deepseek; // ['gpt-5-mini', 'opus']
 */
export function loadBenchConfig(routing: Routing): LoadedConfig {
  const dir = mkdtempSync(join(tmpdir(), 'cto-routing-bench-'));
  try {
    const file = join(dir, 'orchestrator_config.json');
    writeFileSync(file, JSON.stringify(benchConfigFile(routing), null, 2));
    mkdirSync(join(dir, 'home'));
    const env = Object.fromEntries(
      externalModels.map((id) => [apiKeyVariable(id), 'bench-fake-key']),
    );
    const result = loadConfig({ env, cwd: dir, homeDir: join(dir, 'home') }, { file });
    if (!result.ok) {
      const problems = result.problems.map((p) => `${p.where}: ${p.message}`).join('; ');
      throw new Error(`the bench's ${routing} configuration does not load: ${problems}`);
    }
    for (const id of benchModels) {
      const model = result.loaded.models.find((m) => m.id === id);
      const why = !model
        ? 'is missing'
        : !model.enabled
          ? 'is disabled'
          : model.unusable_reason
            ? `cannot be used (${model.unusable_reason})`
            : model.kind === 'text-only'
              ? 'has no tools'
              : null;
      if (why) throw new Error(`the bench's ${routing} configuration: ${id} ${why}`);
    }
    return result.loaded;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
