import { describe, expect, it } from 'vitest';
import { createSandbox } from '../helpers/sandbox.js';

// SPEC §2's example, as the original's users have it (its elided host filled in).
const seedExample = `{
  "cto_model": "deepseek",
  "model_selection_strategy": "cost_aware",
  "worker_models": {
    "claude":   { "haiku": {"enabled": true}, "sonnet": {"enabled": true}, "opus": {"enabled": true} },
    "external": { "deepseek": {"enabled": true, "has_tools": true},
                  "minimax":  {"enabled": true, "has_tools": true},
                  "kimi":     {"enabled": true, "has_tools": false},
                  "glm":      {"enabled": true, "has_tools": false},
                  "gemini":   {"enabled": false, "has_tools": false} }
  },
  "fallback_chain": { "haiku": ["sonnet", "opus"], "sonnet": ["opus"], "deepseek": ["sonnet", "opus"] },
  "provider_endpoints": { "gpt-4": { "api_url": "https://api.openai.com/v1/chat/completions", "model_id": "gpt-4-turbo",
                                     "config_path": "~/agents/gpt-4/config.json" } },
  "cost_optimization": { "enabled": true, "prefer_external_for_routine": true,
                         "preserve_claude_tokens": true,
                         "token_budget_per_day": { "claude": 100000, "external": 1000000 } }
}`;

describe('the original configuration format', () => {
  it('loads the SPEC example as it is, with gpt-4 added as a ninth model by configuration', () => {
    const sandbox = createSandbox();
    sandbox.write('orchestrator_config.json', seedExample);
    sandbox.write('~/agents/gpt-4/config.json', {
      supports_tools: true,
      api_key: 'sk-gpt4-secret-000000wxyz',
    });
    const config = sandbox.load();
    expect(config.models.map((m) => m.id)).toEqual([
      'haiku',
      'sonnet',
      'opus',
      'deepseek',
      'minimax',
      'kimi',
      'glm',
      'gemini',
      'gpt-4',
    ]);
    const gpt4 = config.models.find((m) => m.id === 'gpt-4');
    expect(gpt4).toMatchObject({
      enabled: true,
      in_catalog: false,
      kind: 'openai-tools',
      api_url: 'https://api.openai.com/v1',
      model_id: 'gpt-4-turbo',
      api_key_source: `file ${sandbox.home}/agents/gpt-4/config.json`,
      unusable_reason: null,
    });
    expect(gpt4?.api_key?.reveal()).toBe('sk-gpt4-secret-000000wxyz');
    expect(config.config.fallback_chain.deepseek).toEqual(['sonnet', 'opus']);
    expect(config.notices).toContain(
      'worker_models.external.gpt-4: "gpt-4" is not in the catalog; taken as an external openai-tools model (tier 2)',
    );
  });

  it('accepts comments and trailing commas, as the original docs write them', () => {
    const sandbox = createSandbox();
    sandbox.write(
      'orchestrator_config.json',
      `{
        /* hand-written */
        "worker_models": {
          "external": {
            "kimi": {"enabled": false}, // Disable Kimi
          },
        },
      }`,
    );
    expect(sandbox.load().models.find((m) => m.id === 'kimi')?.enabled).toBe(false);
  });

  it('takes a model the catalog does not know as an enabled external model, with a notice when it has no endpoint', () => {
    const sandbox = createSandbox();
    sandbox.write('orchestrator_config.json', {
      worker_models: { external: { 'mistral-large': {} } },
    });
    const config = sandbox.load();
    expect(config.models.find((m) => m.id === 'mistral-large')).toMatchObject({
      enabled: true,
      kind: 'text-only',
      unusable_reason: `no endpoint: set provider_endpoints.mistral-large.api_url or api_url in ${sandbox.home}/agents/mistral-large/config.json`,
    });
    expect(config.sources['worker_models.external.mistral-large.enabled']).toBe('assumed: not set');
    expect(config.notices.some((n) => n.includes('cannot be used until it has an endpoint'))).toBe(
      true,
    );
  });

  it('maps legacy model names to current ids, with a notice for each', () => {
    const sandbox = createSandbox();
    sandbox.write('orchestrator_config.json', {
      cto_model: 'claude-sonnet',
      worker_models: { external: { 'deepseek-chat': { enabled: false } } },
      fallback_chain: { 'claude-haiku': ['claude-3-5-sonnet', 'claude-opus'] },
    });
    const config = sandbox.load();
    expect(config.config.cto_model).toBe('sonnet');
    expect(config.models.find((m) => m.id === 'deepseek')?.enabled).toBe(false);
    expect(config.config.fallback_chain).toEqual({ haiku: ['sonnet', 'opus'] });
    expect(config.notices).toEqual(
      expect.arrayContaining([
        'cto_model: legacy model name "claude-sonnet", read as "sonnet"',
        'worker_models.external.deepseek-chat: legacy model name, read as "deepseek"',
        'fallback_chain.claude-haiku: legacy model name, read as "haiku"',
      ]),
    );
  });

  it('lets an entry under the current name win over its legacy alias', () => {
    const sandbox = createSandbox();
    sandbox.write('orchestrator_config.json', {
      worker_models: {
        external: { 'deepseek-chat': { enabled: false }, deepseek: { enabled: true } },
      },
    });
    const config = sandbox.load();
    expect(config.models.find((m) => m.id === 'deepseek')?.enabled).toBe(true);
    expect(config.notices).toContain(
      'worker_models.external.deepseek-chat: legacy name of "deepseek", which is also listed; ignored',
    );
  });
});
