import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelCatalog } from '../../agents/model-catalog.js';
import type { ConfigFile } from '../../src/config/config-file-schema.js';
import { type LoadedConfig, loadConfig } from '../../src/config/load-config.js';
import { apiKeyVariable } from '../../src/config/resolved-model.js';
import { type BenchModel, benchModels } from './bench-models.js';
import type { DatasetSpec } from './dataset-spec-schema.js';

/** Where a model added by configuration would be reached: the replay never calls it. */
const unusedEndpoint = 'https://models.invalid/v1';

/** High enough that no budget ever binds: the replay measures routing, not budgets. */
const unlimitedTokens = 1_000_000_000_000;

/**
 * Our escalation ladders, with no knowledge of the data: after a model fails, any other bench
 * model at least as strong may follow (escalation never goes to a weaker tier), cheapest first.
 * Learned routing treats a ladder as the set to choose from and picks by expected cost per
 * approved result after a failure, learned as tasks stream in.
 *
 * @example
 * benchLadders(benchModels(spec)).sonnet; // ['opus']
 */
export function benchLadders(models: readonly BenchModel[]): Record<string, string[]> {
  return Object.fromEntries(
    models.map((own) => [
      own.id,
      models
        .filter((other) => other.id !== own.id && other.tier >= own.tier)
        .sort((a, b) => a.tier - b.tier || a.price - b.price)
        .map((other) => other.id),
    ]),
  );
}

/**
 * The configuration file ours runs under for a dataset: learned cost-aware routing over the
 * spec's models (catalog models the spec does not cast are disabled, added ones come with
 * their tier and prices), the ladders of {@link benchLadders}, the strongest model as the CTO,
 * the spec's `quality` settings (what its user sets to buy quality) and budgets that never
 * bind; with `reviewerErrorRate`, the reviewer's error rate as a user
 * who measured it would set it (the default otherwise).
 *
 * @example
 * benchConfigFile(spec).cost_optimization?.routing; // 'learned'
 * benchConfigFile(spec, 0.1).cost_optimization?.reviewer_error_rate; // 0.1
 */
export function benchConfigFile(spec: DatasetSpec, reviewerErrorRate?: number): ConfigFile {
  const models = benchModels(spec);
  const cast = new Map(models.map((m) => [m.id, m]));
  const listed = (group: 'claude' | 'external') =>
    Object.fromEntries([
      ...modelCatalog
        .filter((entry) => entry.group === group)
        .map((entry) => [entry.id, settingsOf(cast.get(entry.id))]),
      ...models.filter((m) => m.added && m.group === group).map((m) => [m.id, settingsOf(m)]),
    ]);
  const added = models.filter((m) => m.added);
  const strongest = [...models].sort((a, b) => b.tier - a.tier)[0] as BenchModel;
  return {
    model_selection_strategy: 'cost_aware',
    cto_model: strongest.id,
    worker_models: { claude: listed('claude'), external: listed('external') },
    provider_endpoints: Object.fromEntries(
      added.map((m) => [
        m.id,
        {
          api_url: unusedEndpoint,
          model_id: m.datasetModel,
          tier: m.tier,
          input_price_per_mtok: m.inputPrice,
          output_price_per_mtok: m.outputPrice,
        },
      ]),
    ),
    fallback_chain: benchLadders(models),
    cost_optimization: {
      enabled: true,
      prefer_external_for_routine: true,
      preserve_claude_tokens: true,
      routing: 'learned',
      exploration_share: 0.05,
      ...(reviewerErrorRate === undefined ? {} : { reviewer_error_rate: reviewerErrorRate }),
      estimated_tokens_per_call: spec.estimated_tokens_per_call,
      ...spec.quality,
      token_budget_per_day: { claude: unlimitedTokens, external: unlimitedTokens },
    },
    max_attempts: 3,
  };
}

/** A model's worker settings: enabled when the spec casts it, with its tools for externals. */
function settingsOf(model: BenchModel | undefined): { enabled: boolean; has_tools?: boolean } {
  if (!model) return { enabled: false };
  return model.group === 'external' ? { enabled: true, has_tools: model.tools } : { enabled: true };
}

/**
 * Loads {@link benchConfigFile} (with `reviewerErrorRate` when given) through the production loader (from a temporary file, with
 * fake API keys and an empty home), and checks that every model the spec casts came out
 * enabled, usable and with the tools the spec gives it. Throws one line otherwise.
 *
 * @example
 * const loaded = loadBenchConfig(spec);
 * loaded.config.fallback_chain.deepseek; // ['gpt-5-mini', 'minimax', 'gemini', 'sonnet', 'opus']
 */
export function loadBenchConfig(spec: DatasetSpec, reviewerErrorRate?: number): LoadedConfig {
  const dir = mkdtempSync(join(tmpdir(), 'cto-routing-bench-'));
  try {
    const file = join(dir, 'orchestrator_config.json');
    writeFileSync(file, JSON.stringify(benchConfigFile(spec, reviewerErrorRate), null, 2));
    mkdirSync(join(dir, 'home'));
    const models = benchModels(spec);
    const env = Object.fromEntries(
      models
        .filter((m) => m.group === 'external')
        .map((m) => [apiKeyVariable(m.id), 'bench-fake-key']),
    );
    const result = loadConfig({ env, cwd: dir, homeDir: join(dir, 'home') }, { file });
    if (!result.ok) {
      const problems = result.problems.map((p) => `${p.where}: ${p.message}`).join('; ');
      throw new Error(`${spec.name}: the bench configuration does not load: ${problems}`);
    }
    for (const { id, tools } of models) {
      const model = result.loaded.models.find((m) => m.id === id);
      const why = !model
        ? 'is missing'
        : !model.enabled
          ? 'is disabled'
          : model.unusable_reason
            ? `cannot be used (${model.unusable_reason})`
            : (model.kind !== 'text-only') !== tools
              ? `came out ${model.kind}`
              : null;
      if (why) throw new Error(`${spec.name}: the bench configuration: ${id} ${why}`);
    }
    return result.loaded;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
