import { describe, expect, it } from 'vitest';
import { benchConfigFile, loadBenchConfig } from '../../bench/routing/bench-config.js';
import { datasetSpecSchema } from '../../bench/routing/dataset-spec-schema.js';
import { syntheticSpec } from './synthetic-dataset.js';

const spec = datasetSpecSchema.parse({
  ...syntheticSpec([]),
  recommends: 'deepseek',
  models: {
    'claude-opus-4-5': { catalog: 'opus' },
    'deepseek-v3.2': { catalog: 'deepseek' },
    'kimi-k2': { catalog: 'kimi', tools: true },
    'gpt-5-mini-2025': {
      added: 'gpt-5-mini',
      tier: 2,
      input_price_per_mtok: 0.25,
      output_price_per_mtok: 2,
    },
  },
});

describe('the bench configuration built from a spec', () => {
  it("enables exactly the spec's models, with the added one's tier and prices and the tools it gives", () => {
    const loaded = loadBenchConfig(spec);
    const enabled = loaded.models.filter((m) => m.enabled);
    expect(enabled.map((m) => m.id).sort()).toEqual(['deepseek', 'gpt-5-mini', 'kimi', 'opus']);
    const added = enabled.find((m) => m.id === 'gpt-5-mini');
    expect([added?.tier, added?.input_price_per_mtok, added?.output_price_per_mtok]).toEqual([
      2, 0.25, 2,
    ]);
    // kimi is text-only in the catalog; the spec says its runs had tools.
    expect(enabled.find((m) => m.id === 'kimi')?.kind).toBe('openai-tools');
    expect(loaded.config.cto_model).toBe('opus');
  });

  it("runs ours with the spec's quality settings, as its user would set them", () => {
    const quality = { failure_weight: 30, quality_spend_share: 0.25 };
    const costs = loadBenchConfig({ ...spec, quality }).config.cost_optimization;
    expect([costs.failure_weight, costs.quality_spend_share]).toEqual([30, 0.25]);
    const defaults = loadBenchConfig(spec).config.cost_optimization;
    expect([defaults.failure_weight, defaults.quality_spend_share]).toEqual([1, 1]);
  });

  it('lets a model escalate to any other at least as strong, cheapest first', () => {
    expect(benchConfigFile(spec).fallback_chain).toEqual({
      opus: [],
      deepseek: ['gpt-5-mini', 'opus'],
      kimi: ['deepseek', 'gpt-5-mini', 'opus'],
      'gpt-5-mini': ['deepseek', 'opus'],
    });
  });
});
