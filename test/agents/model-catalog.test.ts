import { describe, expect, it } from 'vitest';
import { modelCatalog } from '../../agents/model-catalog.js';
import { hasTools } from '../../agents/model-entry.js';

function tier(id: string): number {
  const model = modelCatalog.find((m) => m.id === id);
  if (!model) throw new Error(`no ${id} in the catalog`);
  return model.tier;
}

describe('the built-in model catalog', () => {
  it('holds the eight models of SPEC §1 with their transport and tools', () => {
    expect(modelCatalog.map((m) => [m.id, m.kind, hasTools(m)])).toEqual([
      ['haiku', 'claude-code', true],
      ['sonnet', 'claude-code', true],
      ['opus', 'claude-code', true],
      ['deepseek', 'openai-tools', true],
      ['minimax', 'openai-tools', true],
      ['kimi', 'text-only', false],
      ['glm', 'text-only', false],
      ['gemini', 'text-only', false],
    ]);
  });

  it('enables every model but gemini by default', () => {
    expect(modelCatalog.filter((m) => !m.enabled_by_default).map((m) => m.id)).toEqual(['gemini']);
  });

  it('orders tiers so the default ladders only climb: haiku → sonnet → opus, external → sonnet → opus', () => {
    expect(tier('haiku')).toBeLessThan(tier('sonnet'));
    expect(tier('sonnet')).toBeLessThan(tier('opus'));
    for (const model of modelCatalog.filter((m) => m.group === 'external')) {
      expect(model.tier).toBeLessThan(tier('sonnet'));
    }
  });

  it('prices every model, with its source, and gives each external model an endpoint', () => {
    for (const model of modelCatalog) {
      expect(model.input_price_per_mtok).toBeGreaterThan(0);
      expect(model.output_price_per_mtok).toBeGreaterThanOrEqual(model.input_price_per_mtok ?? 0);
      expect(model.price_source).toMatch(/\w+\.\w+/);
      expect(model.context_window).toBeGreaterThan(100_000);
      if (model.group === 'external') expect(model.api_url).toMatch(/^https:\/\//);
      else expect(model.api_url).toBeNull();
    }
  });
});
