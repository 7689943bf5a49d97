import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { catalogEntry } from '../../agents/model-catalog.js';
import type { ModelGroup } from '../../agents/model-entry.js';
import { applyEnvironment } from './apply-environment.js';
import { checkConfig } from './check-config.js';
import type { ConfigEnvironment } from './config-environment.js';
import { type ConfigFile, configFileSchema } from './config-file-schema.js';
import type { ConfigProblem } from './config-problem.js';
import { defaultConcurrency, defaultConfig } from './default-config.js';
import type { EffectiveConfig } from './effective-config.js';
import { formatSchemaIssues } from './format-schema-issues.js';
import { locateConfigFile } from './locate-config-file.js';
import { mergeWithSources, recordLeaves, type ValueSources } from './merge-with-sources.js';
import { parseJsonWithComments } from './parse-json-with-comments.js';
import { renameLegacyModels } from './rename-legacy-models.js';
import { resolveModels } from './resolve-models.js';
import { type PlaneSettings, resolvePlaneSettings } from './resolve-plane-settings.js';
import type { ResolvedModel } from './resolved-model.js';

/** A configuration that passed every check, with where each value came from. */
export interface LoadedConfig {
  config: EffectiveConfig;
  /** Source of every value of `config`, by JSON path (`default`, `file …`, `env CTO_MODEL` …). */
  sources: ValueSources;
  models: ResolvedModel[];
  /** The config file read, or null when defaults and environment are all there is. */
  file: string | null;
  fileReason: string;
  /** Things worth knowing that do not make the config invalid (legacy names, added models). */
  notices: string[];
  /** Things a user should fix soon (an API key in a file others can read). */
  warnings: string[];
  /** Files whose change means the config must be read again (present or not). */
  watchedPaths: string[];
  /** The task sources configured and enabled, with their defaults and keys: see docs/plane.md. */
  taskSources: { plane: PlaneSettings | null };
}

export type ConfigLoad =
  | { ok: true; loaded: LoadedConfig }
  | { ok: false; problems: ConfigProblem[]; file: string | null; watchedPaths: string[] };

export interface LoadConfigOptions {
  /** Read this file instead of searching (`cto config validate FILE`, `--config`). */
  file?: string;
}

function readConfigFile(
  path: string,
): { ok: true; file: ConfigFile } | { ok: false; problems: ConfigProblem[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    return {
      ok: false,
      problems: [{ where: path, message: `cannot read the config file (${code})` }],
    };
  }
  const parsed = parseJsonWithComments(text, path);
  if (!parsed.ok) return parsed;
  const checked = configFileSchema.safeParse(parsed.value);
  if (!checked.success) {
    return {
      ok: false,
      problems: formatSchemaIssues(checked.error.issues, parsed.value, configFileSchema),
    };
  }
  return { ok: true, file: checked.data };
}

/** Models named only in `provider_endpoints`, or without `enabled`, are assumed enabled. */
function assumeAddedModels(config: EffectiveConfig, sources: ValueSources): void {
  for (const id of Object.keys(config.provider_endpoints)) {
    const listed = id in config.worker_models.claude || id in config.worker_models.external;
    if (!listed && !catalogEntry(id)) {
      config.worker_models.external[id] = {
        enabled: true,
      } as EffectiveConfig['worker_models']['external'][string];
      sources[`worker_models.external.${id}.enabled`] = `assumed: listed in provider_endpoints`;
    }
  }
  for (const [group, entries] of Object.entries(config.worker_models)) {
    for (const [id, settings] of Object.entries(entries)) {
      if (settings.enabled === undefined) {
        settings.enabled = true;
        sources[`worker_models.${group}.${id}.enabled`] = 'assumed: not set';
      }
      if (settings.max_concurrency === undefined) {
        settings.max_concurrency = defaultConcurrency(group as ModelGroup);
        sources[`worker_models.${group}.${id}.max_concurrency`] = 'default';
      }
    }
  }
}

/**
 * Loads the configuration: built-in defaults < config file < environment, then each model's
 * agent config. Never throws for bad input: every problem comes back as one line.
 *
 * @example
 * const result = loadConfig(processEnvironment());
 * if (result.ok) console.log(result.loaded.config.cto_model);
 * else for (const p of result.problems) console.error(formatProblem(p));
 */
export function loadConfig(
  environment: ConfigEnvironment,
  options: LoadConfigOptions = {},
): ConfigLoad {
  const location = locateConfigFile(environment, options.file);
  const problems: ConfigProblem[] = [];
  const notices: string[] = [];
  const failed = (found: ConfigProblem[], watched: string[]): ConfigLoad => ({
    ok: false,
    problems: found,
    file: location.path,
    watchedPaths: watched,
  });
  if (location.missing) {
    return failed([location.missing], location.candidates);
  }
  const sources: ValueSources = {};
  const defaults = defaultConfig();
  recordLeaves(defaults, 'default', sources);
  let config = defaults;
  if (location.path) {
    const read = readConfigFile(location.path);
    if (!read.ok) return failed(read.problems, location.candidates);
    const file = renameLegacyModels(read.file, notices);
    config = mergeWithSources(defaults, file, `file ${location.path}`, sources);
  }
  assumeAddedModels(config, sources);
  applyEnvironment(config, sources, environment.env, problems);
  const baseDir = location.path ? dirname(location.path) : environment.cwd;
  const resolution = resolveModels(config, sources, environment, baseDir);
  problems.push(...resolution.problems);
  notices.push(...resolution.notices);
  const watchedPaths = [...location.candidates, ...resolution.agentConfigPaths];
  const warnings = [...resolution.warnings];
  let plane: PlaneSettings | null = null;
  const planeFile = config.task_sources.plane;
  if (planeFile && planeFile.enabled !== false) {
    const resolved = resolvePlaneSettings(planeFile, environment, baseDir);
    problems.push(...resolved.problems);
    warnings.push(...resolved.warnings);
    watchedPaths.push(resolved.keyFile);
    plane = resolved.settings;
  }
  if (problems.length === 0) {
    const checked = checkConfig(config, resolution.models, sources);
    problems.push(...checked.problems);
    notices.push(...checked.notices);
  }
  if (problems.length > 0) return failed(problems, watchedPaths);
  return {
    ok: true,
    loaded: {
      config,
      sources,
      models: resolution.models,
      file: location.path,
      fileReason: location.reason,
      notices,
      warnings,
      watchedPaths,
      taskSources: { plane },
    },
  };
}
