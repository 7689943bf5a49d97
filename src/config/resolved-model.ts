import type { ModelEntry } from '../../agents/model-entry.js';
import type { Secret } from './secret.js';

/** A model as the runtime uses it: catalog facts, configuration and credentials combined. */
export interface ResolvedModel extends ModelEntry {
  enabled: boolean;
  /** Calls at once to this model. */
  max_concurrency: number;
  /** False for a model added by configuration (not in the built-in catalog). */
  in_catalog: boolean;
  provider: 'openai' | 'anthropic';
  api_key: Secret | null;
  /** `env DEEPSEEK_API_KEY`, `file /root/agents/deepseek/config.json`, or null. */
  api_key_source: string | null;
  /** The per-model agent config consulted (it need not exist). */
  agent_config_path: string;
  max_tokens: number | null;
  temperature: number | null;
  /** Why the model cannot be called even when enabled (no endpoint), or null. */
  unusable_reason: string | null;
  /** Where each resolved field came from, for `cto config show`. */
  sources: Record<string, string>;
}

/** The environment variable that may hold a model's API key: `DEEPSEEK_API_KEY`, `GPT_4_API_KEY`. */
export function apiKeyVariable(modelId: string): string {
  return `${modelId.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_API_KEY`;
}
