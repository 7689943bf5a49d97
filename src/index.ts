// The public API of cto-orchestrator. Every export is listed by name: nothing leaks by wildcard.

export { modelCatalog } from '../agents/model-catalog.js';
export type { ModelEntry, ModelGroup, ModelKind } from '../agents/model-entry.js';
export { hasTools, modelEntrySchema, modelKindSchema } from '../agents/model-entry.js';
export type { AgentConfig } from './config/agent-config-schema.js';
export { agentConfigSchema } from './config/agent-config-schema.js';
export type { ConfigEnvironment } from './config/config-environment.js';
export { processEnvironment } from './config/config-environment.js';
export type {
  ConfigFile,
  ProviderEndpoint,
  SelectionStrategy,
} from './config/config-file-schema.js';
export { configFileSchema } from './config/config-file-schema.js';
export type { ConfigProblem } from './config/config-problem.js';
export { ConfigError, formatProblem } from './config/config-problem.js';
export type {
  ConfigSource,
  ConfigSourceOptions,
  ConfigSourceStatus,
} from './config/config-source.js';
export { createConfigSource } from './config/config-source.js';
export { defaultConfig } from './config/default-config.js';
export type { EffectiveConfig } from './config/effective-config.js';
export { legacyModelNames } from './config/legacy-model-names.js';
export type { ConfigLoad, LoadConfigOptions, LoadedConfig } from './config/load-config.js';
export { loadConfig } from './config/load-config.js';
export type { PresetName } from './config/presets.js';
export { configPresets, presetNameSchema } from './config/presets.js';
export type { ResolvedModel } from './config/resolved-model.js';
export { maskSecret, Secret } from './config/secret.js';
export type { Logger, LoggerOptions } from './log/logger.js';
export { createLogger } from './log/logger.js';
