import type { ConfigSource } from '../config/config-source.js';
import type { LoadedConfig } from '../config/load-config.js';
import { startAnthropicMessagesServer } from '../testing/anthropic-messages-server.js';
import { startOpenAiCompatibleServer } from '../testing/openai-compatible-server.js';
import { pointModelsAt } from './point-models-at.js';
import { simulatedModels } from './simulated-models.js';

/**
 * Simulation's own daily budgets, per group: a demo is never cut short by what earlier demos
 * spent. Real budgets, in the real store, stay as configured.
 */
export const simulatedBudgetPerDay = 1_000_000_000;

/** The configuration with simulation's own generous budgets (no per-model caps). */
function withSimulatedBudgets(loaded: LoadedConfig): LoadedConfig {
  const { cost_optimization: cost } = loaded.config;
  return {
    ...loaded,
    config: {
      ...loaded.config,
      cost_optimization: {
        ...cost,
        token_budget_per_day: { claude: simulatedBudgetPerDay, external: simulatedBudgetPerDay },
        model_budget_per_day: {},
      },
    },
  };
}

/**
 * The configuration as a simulated run sees its budgets, for commands that only look at the
 * simulated store (`cto status --simulate`): its use is shown against simulation's limits.
 *
 * @example
 * const shown = simulatedBudgets(createConfigSource({ environment: processEnvironment }));
 */
export function simulatedBudgets(source: ConfigSource): ConfigSource {
  const cached = new WeakMap<LoadedConfig, LoadedConfig>();
  return {
    current: () => {
      const loaded = source.current();
      const result = cached.get(loaded) ?? withSimulatedBudgets(loaded);
      cached.set(loaded, result);
      return result;
    },
    status: () => source.status(),
  };
}

export interface Simulation {
  /** The configuration with every model pointed at the local servers. */
  configure(source: ConfigSource): ConfigSource;
  /** Environment for Claude Code processes: no telemetry, no updater, no retries. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts both local protocol servers on 127.0.0.1 with the simulated models, for `--simulate`
 * (or `CTO_SIMULATE=1`): a whole orchestration runs, through the real OpenAI SDK and the real
 * Claude Code CLI, with no key and no network.
 *
 * @example
 * const simulation = await startSimulation();
 * const source = simulation.configure(createConfigSource({ environment: processEnvironment }));
 */
export async function startSimulation(): Promise<Simulation> {
  const [openAi, anthropic] = await Promise.all([
    startOpenAiCompatibleServer(),
    startAnthropicMessagesServer(),
  ]);
  const models = simulatedModels();
  openAi.script(() => true, models.openAi);
  anthropic.script(() => true, models.anthropic);
  const pointed = new WeakMap<LoadedConfig, LoadedConfig>();
  const point = (loaded: LoadedConfig): LoadedConfig => {
    let result = pointed.get(loaded);
    if (!result) {
      result = withSimulatedBudgets(
        pointModelsAt(loaded, { openAi: openAi.url, anthropic: anthropic.url }),
      );
      pointed.set(loaded, result);
    }
    return result;
  };
  return {
    configure: (source) => ({
      current: () => point(source.current()),
      status: () => source.status(),
    }),
    env: {
      CLAUDE_CODE_MAX_RETRIES: '0',
      DISABLE_TELEMETRY: '1',
      DISABLE_AUTOUPDATER: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    },
    async close() {
      await Promise.all([openAi.close(), anthropic.close()]);
    },
  };
}
