// The public API of cto-orchestrator. Every export is listed by name: nothing leaks by wildcard.

export type { ModelPortsOptions } from '../agents/create-model-ports.js';
export { createModelPorts } from '../agents/create-model-ports.js';
export { modelCatalog } from '../agents/model-catalog.js';
export type { ModelConfinement, ModelConfinementOptions } from '../agents/model-confinement.js';
export { createModelConfinement } from '../agents/model-confinement.js';
export type { ModelEntry, ModelGroup, ModelKind } from '../agents/model-entry.js';
export { hasTools, modelEntrySchema, modelKindSchema } from '../agents/model-entry.js';
export type { OpenSandboxOptions, SandboxState } from '../agents/sandbox/open-sandbox.js';
export { openSandbox } from '../agents/sandbox/open-sandbox.js';
export type { ConfinedRun, Confinement } from '../agents/sandbox/run-confined.js';
export { runConfined } from '../agents/sandbox/run-confined.js';
export type {
  Mount,
  PreparedCommand,
  Sandbox,
  SandboxCommand,
  SandboxKind,
} from '../agents/sandbox/sandbox.js';
export { sandboxEnvironment } from '../agents/sandbox/sandbox-environment.js';
export type { ProtectedPaths } from '../agents/sandbox/task-root.js';
export { TaskRootError } from '../agents/sandbox/task-root.js';
export type { PolicyDecision } from '../agents/tools/sandbox-policy.js';
export { checkCommand } from '../agents/tools/sandbox-policy.js';
export { chatCompletionTools, toolDefinitions } from '../agents/tools/tool-definitions.js';
export type { ToolResult, ToolWorker, ToolWorkerOptions } from '../agents/tools/tool-worker.js';
export { createToolWorker } from '../agents/tools/tool-worker.js';
export type { CallQueueEmitted, CallQueueEvent, CallQueueInput } from '../machines/call-queue.js';
export { ctoMachine } from '../machines/cto.machine.js';
export { taskMachine, taskMachineVersion } from '../machines/task.machine.js';
export type { Attempt, TaskContext } from '../machines/task-context.js';
export type { PendingRequest, TaskEmitted, TaskEvent, Usage } from '../machines/task-events.js';
export { taskEventSchema } from '../machines/task-events.js';
export type {
  Classification,
  ModelRef,
  Route,
  TaskInput,
  TaskType,
} from '../machines/task-types.js';
export { canRun, needsTools, taskInputSchema } from '../machines/task-types.js';
export { workerMachine } from '../machines/worker.machine.js';
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
export type {
  NetworkAccess,
  SandboxLimits,
  SandboxSettings,
} from './config/sandbox-settings-schema.js';
export { networkAccessSchema, sandboxSettingsSchema } from './config/sandbox-settings-schema.js';
export { maskSecret, Secret } from './config/secret.js';
export { staticConfigSource } from './config/static-config-source.js';
export type { MachineGraph } from './diagram/machine-to-mermaid.js';
export { machineGraph, machineToMermaid } from './diagram/machine-to-mermaid.js';
export type { ApiContext } from './http/api-context.js';
export { ApiError } from './http/api-error.js';
export type { FeedListener, NumberedChange } from './http/change-feed.js';
export { ChangeFeed } from './http/change-feed.js';
export type { HttpApi } from './http/create-api.js';
export { createApi } from './http/create-api.js';
export type { RequestGuardOptions } from './http/request-guard.js';
export { requestGuard } from './http/request-guard.js';
export type { HttpServer } from './http/start-http-server.js';
export { startHttpServer } from './http/start-http-server.js';
export type { ReplayOptions } from './inspect/replay-task.js';
export { replayTask } from './inspect/replay-task.js';
export type { Logger, LoggerOptions } from './log/logger.js';
export { createLogger } from './log/logger.js';
export { escalate, escalationLadder } from './routing/escalate.js';
export { heuristicClassification } from './routing/heuristic-classification.js';
export type { LearnedChoice } from './routing/learned-choice.js';
export {
  approvalChance,
  attemptCost,
  learnedChoice,
  routeEstimates,
} from './routing/learned-choice.js';
export { routeTask } from './routing/route-task.js';
export type {
  GroupBudget,
  RoutingModel,
  RoutingView,
  ScopeBudget,
} from './routing/routing-view.js';
export { routingViewFrom } from './routing/routing-view-from-config.js';
export type { Clock } from './runtime/clock.js';
export { systemClock } from './runtime/clock.js';
export { LeaseLostError } from './runtime/commit-batcher.js';
export type {
  CallActivity,
  Orchestrator,
  OrchestratorOptions,
  OrchestratorStatus,
  TaskChange,
  TaskHandle,
  TaskView,
} from './runtime/create-orchestrator.js';
export {
  createOrchestrator,
  defaultLeaseMs,
  OrchestratorStoppedError,
  TaskInputError,
  TaskNotFoundError,
} from './runtime/create-orchestrator.js';
export type {
  ClassifyCall,
  ClassifyResult,
  ExecuteCall,
  ExecuteResult,
  ModelCall,
  ModelPorts,
  ReviewCall,
  ReviewResult,
  StepJournal,
} from './runtime/model-ports.js';
export { ModelCallError } from './runtime/model-ports.js';
export type { CallTimeouts, RetryPolicy } from './runtime/retry-policy.js';
export { defaultCallTimeouts, defaultRetryPolicy } from './runtime/retry-policy.js';
export { SimulatedClock } from './runtime/simulated-clock.js';
export type { StatusReport } from './runtime/status-report.js';
export { statusReport, statusReportSchema } from './runtime/status-report.js';
export type { TaskOutcome } from './runtime/task-outcome.js';
export type {
  BudgetLimit,
  BudgetRefusal,
  BudgetReservation,
  BudgetSettlement,
  BudgetUsage,
} from './store/budget-records.js';
export { openStore } from './store/open-store.js';
export type { PerformanceRow } from './store/performance-row.js';
export { addPerformance, emptyPerformance } from './store/performance-row.js';
export { listenForTasks, openPostgresStore } from './store/postgres-store.js';
export { openSqliteStore } from './store/sqlite-store.js';
export type {
  CommitBatch,
  CommitResult,
  JournalEntry,
  Lease,
  Store,
  StoredEvent,
  StoredTask,
  TaskCommit,
  TaskListEntry,
  TaskListFilter,
  TaskStatus,
  TaskSummary,
  UnreadableTaskSummary,
} from './store/store.js';
export { blobRef, StoreError } from './store/store.js';
export { startTracing } from './telemetry/start-tracing.js';
