import type { ModelGroup, ModelKind } from '../../agents/model-entry.js';
import type { SelectionStrategy } from '../config/config-file-schema.js';
import type { PerformanceRow } from '../store/performance-row.js';
import type { ReviewedIndex } from './reviewed-index.js';
import type { SimilarEvidence } from './similar-evidence.js';

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
  /** Its group's budget and its own caps in the current window: what a call reserves against. */
  budgets: readonly ScopeBudget[];
  /** USD per million tokens; null when unknown (never counted as cheaper). */
  inputPrice: number | null;
  outputPrice: number | null;
}

/** One budget a model's calls count in, with what is settled and reserved in this window. */
export interface ScopeBudget {
  /** `group:claude`, `model:deepseek` … */
  scope: string;
  limitTokens: number | null;
  limitUsd: number | null;
  usedTokens: number;
  usedUsd: number;
}

export interface GroupBudget {
  limit: number;
  /** Settled and reserved tokens in the current window. */
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
    /** How `cost_aware` picks among the models a task may move to. */
    routing: 'learned' | 'rotation';
    /** Share of non-critical tasks learned routing gives to the least-known model. */
    explorationShare: number;
    /** How often the reviewer's verdict is wrong (below 0.5). */
    reviewerErrorRate: number;
    /** An unsolved task's price (blocked, or shipped wrong), in multiples of finishing it. */
    failureWeight: number;
    /** `failureWeight` applies while a type's mean spend per task is below this share of a
     * try on the strongest model. */
    qualitySpendShare: number;
    /** What happens when every model that could take a task is over budget. */
    whenOverBudget: 'wait' | 'block';
    /** Tokens a call is assumed to use before its model has history. */
    estimatedTokensPerCall: number;
  };
  models: readonly RoutingModel[];
  fallbackChain: Readonly<Record<string, readonly string[]>>;
  budgets: Readonly<Record<ModelGroup, GroupBudget>>;
  /** Performance history: one row per model and task type. */
  history: readonly PerformanceRow[];
  /** Failed attempts before a task is blocked: how far an escalation chain can go. */
  maxAttempts: number;
  /** Reviewed tasks by the features of their text, when the runtime keeps them. */
  reviewedTasks?: ReviewedIndex;
  /** For one task's decisions: what reviewed tasks that read like it showed (similarTasksView). */
  similar?: SimilarEvidence;
}
