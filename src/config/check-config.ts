import type { ConfigProblem } from './config-problem.js';
import type { EffectiveConfig } from './effective-config.js';
import type { ValueSources } from './merge-with-sources.js';
import type { ResolvedModel } from './resolved-model.js';

function list(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.join(', ');
}

/** `where` for a value that may have come from the environment rather than the file. */
function origin(path: string, sources: ValueSources): string {
  const source = sources[path];
  return source?.startsWith('env ') ? `${source.slice(4)} (${path})` : path;
}

/**
 * The checks that span several fields: the CTO is an enabled, usable model; fallback chains
 * name known models and never go to a weaker one.
 *
 * @example
 * checkConfig(config, models, sources).problems;
 * // [{ where: 'cto_model', message: '"gemini" is not enabled; enabled models: …' }]
 */
export function checkConfig(
  config: EffectiveConfig,
  models: readonly ResolvedModel[],
  sources: ValueSources,
): { problems: ConfigProblem[]; notices: string[] } {
  const problems: ConfigProblem[] = [];
  const notices: string[] = [];
  const byId = new Map(models.map((model) => [model.id, model]));
  const known = models.map((model) => model.id);
  const enabled = models.filter((model) => model.enabled).map((model) => model.id);
  for (const id of Object.keys(config.worker_models.external)) {
    // Catalog models in the wrong group are reported when models are resolved.
    if (id in config.worker_models.claude && byId.get(id)?.in_catalog === false) {
      problems.push({
        where: `worker_models.external.${id}`,
        message: `"${id}" is listed under both worker_models.claude and worker_models.external; keep one`,
      });
    }
  }

  const cto = byId.get(config.cto_model);
  const ctoWhere = origin('cto_model', sources);
  if (!cto) {
    problems.push({
      where: ctoWhere,
      message: `unknown model "${config.cto_model}"; known models: ${list(known)}`,
    });
  } else if (!cto.enabled) {
    const why = Object.entries(sources).some(
      ([path, source]) => source === 'env MODEL_PROVIDER' && path.endsWith(`.${cto.id}.enabled`),
    )
      ? ' (MODEL_PROVIDER disables it)'
      : '';
    problems.push({
      where: ctoWhere,
      message: `"${cto.id}" is not enabled${why}; enabled models: ${list(enabled)}`,
    });
  } else if (cto.unusable_reason) {
    problems.push({
      where: ctoWhere,
      message: `"${cto.id}" cannot be used: ${cto.unusable_reason}`,
    });
  }

  for (const [from, chain] of Object.entries(config.fallback_chain)) {
    const source = byId.get(from);
    if (!source) {
      problems.push({
        where: `fallback_chain.${from}`,
        message: `unknown model "${from}"; known models: ${list(known)}`,
      });
      continue;
    }
    chain.forEach((to, index) => {
      const where = `fallback_chain.${from}[${index}]`;
      const target = byId.get(to);
      if (!target) {
        problems.push({ where, message: `unknown model "${to}"; known models: ${list(known)}` });
      } else if (to === from) {
        problems.push({ where, message: `"${to}" cannot escalate to itself` });
      } else if (target.tier < source.tier) {
        problems.push({
          where,
          message: `"${to}" (tier ${target.tier}) is weaker than "${from}" (tier ${source.tier}); escalation never goes to a weaker model`,
        });
      } else if (!target.enabled) {
        notices.push(`${where}: "${to}" is disabled and will be skipped`);
      }
    });
  }
  for (const id of Object.keys(config.cost_optimization.model_budget_per_day)) {
    if (!byId.has(id)) {
      problems.push({
        where: `cost_optimization.model_budget_per_day.${id}`,
        message: `unknown model "${id}"; known models: ${list(known)}`,
      });
    }
  }
  return { problems, notices };
}
