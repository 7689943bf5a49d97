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

/** The bench models' catalog tiers (gpt-5-mini's is set below) and list prices, in & out per Mtok. */
const benchModelFacts: Readonly<Record<string, { tier: number; price: number }>> = {
  glm: { tier: 1, price: 1.4 + 4.4 },
  kimi: { tier: 1, price: 0.95 + 4 },
  deepseek: { tier: 2, price: 0.3 + 1.2 },
  'gpt-5-mini': { tier: 2, price: 0.25 + 2 },
  minimax: { tier: 2, price: 0.6 + 2.4 },
  gemini: { tier: 2, price: 4 + 20 },
  sonnet: { tier: 3, price: 2 + 10 },
  opus: { tier: 4, price: 4 + 20 },
};

/**
 * Our escalation ladders, with no knowledge of the data: after a model fails, any other bench
 * model at least as strong may follow (escalation never goes to a weaker tier), cheapest first.
 * Learned routing treats a ladder as the set to choose from and picks by expected cost per
 * approved result after a failure, learned as tasks stream in; rotation would take the first.
 *
 * @example
 * oursFallbackChain.sonnet; // ['opus']
 */
export const oursFallbackChain: Readonly<Record<string, string[]>> = Object.fromEntries(
  Object.entries(benchModelFacts).map(([id, own]) => [
    id,
    Object.entries(benchModelFacts)
      .filter(([other, facts]) => other !== id && facts.tier >= own.tier)
      .sort(([, a], [, b]) => a.tier - b.tier || a.price - b.price)
      .map(([other]) => other),
  ]),
);

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
