import type { ModelGroup, ModelKind } from '../../agents/model-entry.js';
import type { SelectionStrategy } from '../config/config-file-schema.js';

/** A model as routing sees it. */
export interface RoutingModel {
  id: string;
  kind: ModelKind;
  group: ModelGroup;
  tier: number;
  /** Enabled in the configuration. */
  enabled: boolean;
  /** Why it cannot take work now (no endpoint, cooling down …), or null. */
  unavailable: string | null;
  /** USD per million tokens; null when unknown (never counted as cheaper). */
  inputPrice: number | null;
  outputPrice: number | null;
}

/** Past outcomes of one model, the input rotation and (later) learned routing use. */
export interface ModelHistory {
  tasks: number;
  approvals: number;
}

export interface GroupBudget {
  limit: number;
  used: number;
}

/**
 * Everything the routing policy decides from, gathered by the runtime at the moment of the
 * decision: the configuration, which models can take work, budgets and history.
 */
export interface RoutingView {
  strategy: SelectionStrategy;
  costOptimization: {
    enabled: boolean;
    preferExternalForRoutine: boolean;
    preserveClaudeTokens: boolean;
  };
  models: readonly RoutingModel[];
  fallbackChain: Readonly<Record<string, readonly string[]>>;
  budgets: Readonly<Record<ModelGroup, GroupBudget>>;
  history: Readonly<Record<string, ModelHistory>>;
}
