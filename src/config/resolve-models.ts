import { join } from 'node:path';
import { catalogEntry, modelCatalog } from '../../agents/model-catalog.js';
import type { ModelGroup } from '../../agents/model-entry.js';
import type { ConfigEnvironment } from './config-environment.js';
import type { ConfigProblem } from './config-problem.js';
import type { EffectiveConfig } from './effective-config.js';
import { expandHome } from './expand-home.js';
import type { ValueSources } from './merge-with-sources.js';
import { nearestName } from './nearest-name.js';
import { readAgentConfig } from './read-agent-config.js';
import { apiKeyVariable, type ResolvedModel } from './resolved-model.js';
import { Secret } from './secret.js';

export interface ModelResolution {
  models: ResolvedModel[];
  problems: ConfigProblem[];
  notices: string[];
  warnings: string[];
  /** Agent config files consulted (present or not), so a reload can watch them. */
  agentConfigPaths: string[];
}

/** The first value that is set, with the label of where it came from. */
function firstSet<T>(...candidates: [T | undefined | null, string][]): [T | null, string | null] {
  for (const [value, label] of candidates) {
    if (value !== undefined && value !== null) return [value, label];
  }
  return [null, null];
}

/** An OpenAI SDK base URL: the original's examples give the full chat-completions URL. */
function baseUrl(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/chat\/completions$/, '');
}

/**
 * Combines the catalog, the merged config, each model's agent config file and the
 * environment into the models the runtime uses. Precedence per field: catalog <
 * `provider_endpoints` < agent config file < environment (`<MODEL>_API_KEY`). Fills in the
 * effective `has_tools` of external models (config, else the agent's `supports_tools`, else
 * the catalog).
 *
 * @example
 * const { models } = resolveModels(config, sources, processEnvironment(), process.cwd());
 * models.find((m) => m.id === 'deepseek')?.kind; // 'openai-tools'
 */
export function resolveModels(
  config: EffectiveConfig,
  sources: ValueSources,
  environment: ConfigEnvironment,
  baseDir: string,
): ModelResolution {
  const { env, homeDir } = environment;
  const result: ModelResolution = {
    models: [],
    problems: [],
    notices: [],
    warnings: [],
    agentConfigPaths: [],
  };
  const agentsDir = env.CTO_AGENTS_DIR
    ? expandHome(env.CTO_AGENTS_DIR, homeDir, environment.cwd)
    : join(homeDir, 'agents');
  const groups: [
    ModelGroup,
    Record<string, { enabled: boolean; has_tools?: boolean; max_concurrency: number }>,
  ][] = [
    ['claude', config.worker_models.claude],
    ['external', config.worker_models.external],
  ];
  for (const [group, entries] of groups) {
    for (const [id, settings] of Object.entries(entries)) {
      const where = `worker_models.${group}.${id}`;
      const catalog = catalogEntry(id);
      if (catalog && catalog.group !== group) {
        result.problems.push({
          where,
          message: `"${id}" is a ${catalog.group} model; list it under worker_models.${catalog.group}`,
        });
        continue;
      }
      const endpoint = config.provider_endpoints[id] ?? {};
      const agentPath = endpoint.config_path
        ? expandHome(endpoint.config_path, homeDir, baseDir)
        : join(agentsDir, id, 'config.json');
      result.agentConfigPaths.push(agentPath);
      const read = readAgentConfig(agentPath);
      result.problems.push(...read.problems);
      result.notices.push(...read.notices);
      result.warnings.push(...read.warnings);
      const agent = read.config ?? {};
      const agentLabel = `file ${agentPath}`;
      const endpointLabel = `provider_endpoints.${id}`;
      const modelSources: Record<string, string> = {};

      let toolsCapable = true;
      if (group === 'external') {
        const toolsPath = `${where}.has_tools`;
        const fromConfig = sources[toolsPath] === 'default' ? undefined : settings.has_tools;
        const [tools, label] = firstSet<boolean>(
          [fromConfig, sources[toolsPath] ?? 'config'],
          [agent.supports_tools, agentLabel],
          [catalog ? catalog.kind === 'openai-tools' : false, catalog ? 'catalog' : 'assumed'],
        );
        toolsCapable = tools === true;
        settings.has_tools = toolsCapable;
        sources[toolsPath] = label ?? 'catalog';
      }
      const [apiUrl, apiUrlSource] = firstSet<string>(
        [agent.api_url, agentLabel],
        [endpoint.api_url, endpointLabel],
        [catalog?.api_url, 'catalog'],
      );
      const [modelId, modelIdSource] = firstSet<string>(
        [agent.model_id, agentLabel],
        [endpoint.model_id, endpointLabel],
        [catalog?.model_id, 'catalog'],
        [id, 'the model name'],
      );
      const keyVariable = apiKeyVariable(id);
      const [key, keySource] = firstSet<string>(
        [env[keyVariable] || undefined, `env ${keyVariable}`],
        [agent.api_key, agentLabel],
      );
      if (apiUrlSource) modelSources.api_url = apiUrlSource;
      if (modelIdSource) modelSources.model_id = modelIdSource;

      const kind = group === 'claude' ? 'claude-code' : toolsCapable ? 'openai-tools' : 'text-only';
      const unusable =
        group === 'external' && !apiUrl
          ? `no endpoint: set provider_endpoints.${id}.api_url or api_url in ${agentPath}`
          : null;
      const model: ResolvedModel = {
        id,
        group,
        kind,
        tier: endpoint.tier ?? catalog?.tier ?? 2,
        strengths: catalog?.strengths ?? [],
        input_price_per_mtok:
          endpoint.input_price_per_mtok ?? catalog?.input_price_per_mtok ?? null,
        output_price_per_mtok:
          endpoint.output_price_per_mtok ?? catalog?.output_price_per_mtok ?? null,
        price_source:
          endpoint.input_price_per_mtok !== undefined
            ? endpointLabel
            : (catalog?.price_source ?? 'unknown'),
        context_window: endpoint.context_window ?? catalog?.context_window ?? null,
        api_url: apiUrl ? baseUrl(apiUrl) : null,
        model_id: modelId ?? id,
        enabled_by_default: catalog?.enabled_by_default ?? true,
        enabled: settings.enabled,
        max_concurrency: settings.max_concurrency,
        in_catalog: catalog !== undefined,
        provider: agent.provider ?? (group === 'claude' ? 'anthropic' : 'openai'),
        api_key: key ? new Secret(key) : null,
        api_key_source: keySource,
        agent_config_path: agentPath,
        max_tokens: agent.max_tokens ?? null,
        temperature: agent.temperature ?? null,
        unusable_reason: unusable,
        sources: modelSources,
      };
      result.models.push(model);
      if (!catalog) {
        const meant = nearestName(
          id,
          modelCatalog.map((entry) => entry.id),
        );
        result.notices.push(
          `${where}: "${id}" is not in the catalog${meant ? ` (did you mean "${meant}"?)` : ''}; taken as ${group === 'claude' ? 'a Claude Code model' : `an external ${kind} model`} (tier ${model.tier})${unusable && settings.enabled ? `, which cannot be used until it has an endpoint (${unusable})` : ''}`,
        );
      }
    }
  }
  return result;
}
