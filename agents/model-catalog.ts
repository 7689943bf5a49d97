import { type ModelEntry, modelEntrySchema } from './model-entry.js';

const anthropicPrices = 'platform.claude.com/docs/en/about-claude/pricing (read 2026-11-24)';

/**
 * The eight built-in models of SPEC §1. Claude models run through the Claude Code CLI, which
 * takes the alias (`--model sonnet`) and resolves it to its current model; the external ones
 * are reached through OpenAI-compatible APIs. Prices are list prices in USD per million
 * tokens (input on a cache miss, and for tiered prices the tier for the shorter prompts).
 * A ninth model is added by configuration alone (`worker_models.external` plus
 * `provider_endpoints`), never by editing this list.
 */
export const modelCatalog: readonly ModelEntry[] = [
  {
    id: 'haiku',
    group: 'claude',
    kind: 'claude-code',
    tier: 2,
    strengths: ['simple tasks', 'bash commands', 'file operations', 'fast and cheap'],
    input_price_per_mtok: 0.1,
    output_price_per_mtok: 0.5,
    price_source: `Claude Haiku 5.5, ${anthropicPrices}; prompts over 100k tokens cost 5x`,
    context_window: 1_000_000,
    api_url: null,
    model_id: 'haiku',
    enabled_by_default: true,
  },
  {
    id: 'sonnet',
    group: 'claude',
    kind: 'claude-code',
    tier: 3,
    strengths: ['coding', 'debugging', 'documentation'],
    input_price_per_mtok: 2,
    output_price_per_mtok: 10,
    price_source: `Claude Sonnet 5.5, ${anthropicPrices}`,
    context_window: 1_000_000,
    api_url: null,
    model_id: 'sonnet',
    enabled_by_default: true,
  },
  {
    id: 'opus',
    group: 'claude',
    kind: 'claude-code',
    tier: 4,
    strengths: ['architecture', 'planning', 'security', 'complex tasks'],
    input_price_per_mtok: 4,
    output_price_per_mtok: 20,
    price_source: `Claude Opus 5.5, ${anthropicPrices}`,
    context_window: 1_000_000,
    api_url: null,
    model_id: 'opus',
    enabled_by_default: true,
  },
  {
    id: 'deepseek',
    group: 'external',
    kind: 'openai-tools',
    tier: 2,
    strengths: ['coding', 'debugging', 'system tasks'],
    input_price_per_mtok: 0.3,
    output_price_per_mtok: 1.2,
    price_source:
      'deepseek-flash (V4.1 Flash), api-docs.deepseek.com/quick_start/pricing (read 2026-11-24): peak-hour price; off-peak is half',
    context_window: 1_000_000,
    api_url: 'https://api.deepseek.com',
    model_id: 'deepseek-flash',
    enabled_by_default: true,
  },
  {
    id: 'minimax',
    group: 'external',
    kind: 'openai-tools',
    tier: 2,
    strengths: ['general purpose', 'configuration', 'testing'],
    input_price_per_mtok: 0.6,
    output_price_per_mtok: 2.4,
    price_source:
      'MiniMax-M3, platform.minimax.io/docs/guides/pricing-paygo (as quoted 2026-09/10): list price for inputs up to 512k; a 50% discount was running',
    context_window: 1_000_000,
    api_url: 'https://api.minimax.io/v1',
    model_id: 'MiniMax-M3',
    enabled_by_default: true,
  },
  {
    id: 'kimi',
    group: 'external',
    kind: 'text-only',
    tier: 1,
    strengths: ['research', 'analysis', 'brainstorming'],
    input_price_per_mtok: 0.95,
    output_price_per_mtok: 4,
    price_source: 'kimi-k2.6, platform.kimi.com/docs/pricing/chat-k26 (as quoted 2026-11)',
    context_window: 262_144,
    api_url: 'https://api.moonshot.ai/v1',
    model_id: 'kimi-k2.6',
    enabled_by_default: true,
  },
  {
    id: 'glm',
    group: 'external',
    kind: 'text-only',
    tier: 1,
    strengths: ['analysis', 'explanations'],
    input_price_per_mtok: 1.4,
    output_price_per_mtok: 4.4,
    price_source: 'glm-5.3, docs.z.ai/guides/overview/pricing (as quoted 2026-08)',
    context_window: 1_000_000,
    api_url: 'https://api.z.ai/api/paas/v4',
    model_id: 'glm-5.3',
    enabled_by_default: true,
  },
  {
    id: 'gemini',
    group: 'external',
    kind: 'text-only',
    tier: 2,
    strengths: ['research'],
    input_price_per_mtok: 4,
    output_price_per_mtok: 20,
    price_source:
      'gemini-4-argon, ai.google.dev/gemini-api/docs/pricing (as quoted 2026-11-22): the price from 2026-12-01 ($2/$10 before)',
    context_window: 1_048_576,
    api_url: 'https://generativelanguage.googleapis.com/v1beta/openai',
    model_id: 'gemini-4-argon',
    enabled_by_default: false,
  },
].map((entry) => modelEntrySchema.parse(entry));

/** The built-in entry for a model id, if the catalog has one. */
export function catalogEntry(id: string): ModelEntry | undefined {
  return modelCatalog.find((entry) => entry.id === id);
}
