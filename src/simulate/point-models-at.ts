import type { LoadedConfig } from '../config/load-config.js';
import { Secret } from '../config/secret.js';

/**
 * The configuration with every model reached through local servers: Claude models through an
 * Anthropic Messages server (Claude Code's `ANTHROPIC_BASE_URL`), the others through an
 * OpenAI-compatible one, each with a placeholder key.
 *
 * @example
 * pointModelsAt(loaded, { openAi: 'http://127.0.0.1:4100', anthropic: 'http://127.0.0.1:4200' });
 */
export function pointModelsAt(
  loaded: LoadedConfig,
  urls: { openAi: string; anthropic: string },
): LoadedConfig {
  const key = new Secret('simulated-key-0000');
  return {
    ...loaded,
    models: loaded.models.map((model) => ({
      ...model,
      api_url: model.group === 'claude' ? urls.anthropic : `${urls.openAi}/v1`,
      api_key: key,
      api_key_source: 'simulation',
      unusable_reason: null,
    })),
  };
}
