import type { ConfigProblem } from './config-problem.js';
import type { EffectiveConfig } from './effective-config.js';
import { currentModelName } from './legacy-model-names.js';
import type { ValueSources } from './merge-with-sources.js';

const providerGroups: Record<string, 'claude' | 'external'> = {
  claude: 'claude',
  anthropic: 'claude',
  openai: 'external',
  external: 'external',
};

/**
 * Applies the environment, which wins over the file: `CTO_MODEL` picks the CTO, and
 * `MODEL_PROVIDER` (`claude`, or `openai`/`external`) disables every model of the other group.
 * Changes `config` and `sources` in place.
 *
 * @example
 * applyEnvironment(config, sources, { CTO_MODEL: 'opus' }, problems);
 * config.cto_model; // 'opus', and sources.cto_model === 'env CTO_MODEL'
 */
export function applyEnvironment(
  config: EffectiveConfig,
  sources: ValueSources,
  env: Readonly<Record<string, string | undefined>>,
  problems: ConfigProblem[],
): void {
  const ctoModel = env.CTO_MODEL?.trim();
  if (ctoModel) {
    config.cto_model = currentModelName(ctoModel);
    sources.cto_model = 'env CTO_MODEL';
  }
  const provider = env.MODEL_PROVIDER?.trim().toLowerCase();
  if (!provider) return;
  const keep = providerGroups[provider];
  if (!keep) {
    problems.push({
      where: 'MODEL_PROVIDER',
      message: `expected one of "claude", "openai", "external", got ${JSON.stringify(env.MODEL_PROVIDER)}`,
    });
    return;
  }
  const drop = keep === 'claude' ? 'external' : 'claude';
  for (const [model, settings] of Object.entries(config.worker_models[drop])) {
    if (!settings.enabled) continue;
    settings.enabled = false;
    sources[`worker_models.${drop}.${model}.enabled`] = 'env MODEL_PROVIDER';
  }
}
