import { modelCatalog } from '../../agents/model-catalog.js';
import type { ModelGroup } from '../../agents/model-entry.js';
import type { EffectiveConfig } from './effective-config.js';

/**
 * Calls at once to one model unless configured: a Claude Code session is a whole process with
 * tools, an API call is cheap to keep open.
 */
export function defaultConcurrency(group: ModelGroup): number {
  return group === 'claude' ? 2 : 8;
}

/**
 * The built-in defaults, as the original's: DeepSeek as CTO, cost-aware selection, every model
 * but gemini enabled, three failed attempts before a task is blocked.
 *
 * @example
 * const config = defaultConfig();
 * config.cto_model; // 'deepseek'
 */
export function defaultConfig(): EffectiveConfig {
  const claude: EffectiveConfig['worker_models']['claude'] = {};
  const external: EffectiveConfig['worker_models']['external'] = {};
  for (const model of modelCatalog) {
    const max_concurrency = defaultConcurrency(model.group);
    if (model.group === 'claude')
      claude[model.id] = { enabled: model.enabled_by_default, max_concurrency };
    else {
      external[model.id] = {
        enabled: model.enabled_by_default,
        has_tools: model.kind === 'openai-tools',
        max_concurrency,
      };
    }
  }
  return {
    cto_model: 'deepseek',
    model_selection_strategy: 'cost_aware',
    worker_models: { claude, external },
    fallback_chain: {},
    provider_endpoints: {},
    cost_optimization: {
      enabled: true,
      prefer_external_for_routine: true,
      preserve_claude_tokens: true,
      token_budget_per_day: { claude: 100_000, external: 1_000_000 },
      model_budget_per_day: {},
      when_over_budget: 'block',
      budget_utc_offset: '+00:00',
      estimated_tokens_per_call: 20_000,
      routing: 'learned',
      exploration_share: 0.05,
      reviewer_error_rate: 0,
      failure_weight: 1,
      quality_spend_share: 1,
    },
    max_attempts: 3,
    max_turns: 30,
    claude_code: {
      command: null,
      allowed_tools: ['Read', 'Write', 'Edit', 'MultiEdit', 'Bash', 'Glob', 'Grep', 'LS'],
      permission_mode: null,
    },
    sandbox: {
      enabled: true,
      network: 'none',
      models: {},
      limits: {
        processes: 512,
        memory_mb: 8192,
        file_size_mb: 2048,
        cpu_seconds: 900,
        open_files: 4096,
        tmp_mb: 1024,
      },
      read_only_paths: [],
      env: {},
      pass_env: [],
    },
    task_sources: {},
    timeouts: {
      idle_seconds: 60,
      claude_code_idle_seconds: 300,
      classify_seconds: 120,
      execute_seconds: 1_800,
      review_seconds: 300,
      stop_grace_seconds: 60,
    },
  };
}
