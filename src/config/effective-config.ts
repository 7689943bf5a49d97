import type {
  ConfigFile,
  CostOptimization,
  ModelBudget,
  ProviderEndpoint,
} from './config-file-schema.js';
import type { NetworkAccess, SandboxLimits } from './sandbox-settings-schema.js';
import type { TaskSourcesFile } from './task-sources-schema.js';

type Complete<T> = T extends readonly (infer U)[]
  ? U[]
  : T extends object
    ? { [K in keyof T]-?: Complete<NonNullable<T[K]>> }
    : T;

/**
 * The configuration after defaults, file and environment are merged: the file's shape with
 * every field present. Endpoints stay partial: each of their fields has its own fallback.
 */
export type EffectiveConfig = Complete<
  Omit<
    ConfigFile,
    'provider_endpoints' | 'claude_code' | 'cost_optimization' | 'sandbox' | 'task_sources'
  >
> & {
  /** As the file gives it: each source's defaults are filled in when it is resolved. */
  task_sources: TaskSourcesFile;
  provider_endpoints: Record<string, ProviderEndpoint>;
  /** A model's caps stay partial: a cap not set is no cap. */
  cost_optimization: Complete<Omit<CostOptimization, 'model_budget_per_day'>> & {
    model_budget_per_day: Record<string, ModelBudget>;
  };
  /** `command` and `permission_mode` stay null unless set: the CLI is looked up, its mode kept. */
  claude_code: {
    command: string | null;
    allowed_tools: string[];
    permission_mode: Exclude<
      NonNullable<ConfigFile['claude_code']>['permission_mode'],
      undefined
    > | null;
  };
  /** Every limit has a default; network stays the union it is in the file. */
  sandbox: {
    enabled: boolean;
    network: NetworkAccess;
    models: Record<string, { network?: NetworkAccess }>;
    limits: Required<SandboxLimits>;
    read_only_paths: string[];
    env: Record<string, string>;
    pass_env: string[];
  };
};
