// cto-orchestrator/testing: local provider servers for tests, benchmarks and `--simulate`, and
// a local Plane (work items, comments, signed webhooks), and throwaway PostgreSQL databases.
// Every export is listed by name: nothing leaks by wildcard.

export { matchesClaudeModel, startAnthropicMessagesServer } from './anthropic-messages-server.js';
export type { FreshDatabase } from './fresh-postgres-database.js';
export { freshPostgresDatabase } from './fresh-postgres-database.js';
export { startOpenAiCompatibleServer } from './openai-compatible-server.js';
export type {
  NewWorkItem,
  PlaneComment,
  PlaneLabel,
  PlaneProject,
  PlaneState,
  PlaneStateGroup,
  PlaneWorkItem,
} from './plane-board.js';
export { PlaneBoard } from './plane-board.js';
export type { PlaneFault, PlaneServer, PlaneServerOptions } from './plane-server.js';
export { startPlaneServer } from './plane-server.js';
export type { PlaneDelivery } from './plane-webhook-delivery.js';
export { deliver, pythonJson, signedDelivery } from './plane-webhook-delivery.js';
export type { RecordedRequest } from './recorded-request.js';
export { recordedRequestSchema } from './recorded-request.js';
export type {
  ModelMatcher,
  Script,
  ScriptedContent,
  ScriptedFault,
  ScriptedReply,
  ScriptedToolCall,
  ScriptedUsage,
} from './scripted-reply.js';
export { scriptedReplySchema } from './scripted-reply.js';
export type { ScriptedServer, ScriptedServerOptions } from './start-scripted-server.js';
