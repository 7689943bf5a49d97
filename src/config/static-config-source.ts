import type { ConfigSource } from './config-source.js';
import type { LoadedConfig } from './load-config.js';

/**
 * A config source that never changes: for embedding with a configuration built in code, and
 * for tests.
 *
 * @example
 * const result = loadConfig(environment);
 * if (result.ok) createOrchestrator({ ports, config: staticConfigSource(result.loaded) });
 */
export function staticConfigSource(loaded: LoadedConfig, loadedAt = new Date()): ConfigSource {
  return {
    current: () => loaded,
    status: () => ({ file: loaded.file, loadedAt, error: null }),
  };
}
