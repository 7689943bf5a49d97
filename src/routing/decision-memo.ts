import type { RoutingModel } from './routing-view.js';

/** One escalation chain's estimate (see `chainFrom`). */
export interface Chain {
  cost: number;
  /** The chance the task ends approved. */
  chance: number;
  /** The chance it ends approved but wrong: a failure the reviewer let through, shipped. */
  wronglyApproved: number;
  path: string[];
}

/**
 * What one routing decision would otherwise work out many times over: a learned choice weighs
 * each candidate's whole escalation chain, and the escalations weighed inside those chains
 * weigh chains again, most of them the same. Valid for one view and one classification while
 * one decision runs: the function called from outside makes it and hands it down; nothing
 * keeps it, so a view that changes later is never answered from it.
 */
export interface DecisionMemo {
  /** By model, attempts left, optimism and the models tried before (see `stepKey`). */
  chains: Map<string, Chain>;
  /** Where a rejection on a model leads, by model, attempts left and the models tried. */
  next: Map<string, RoutingModel | null>;
  /** Why an execution on a model would not fit its budgets (or null), by model. */
  overBudget: Map<string, string | null>;
  /** A try's cost, by model. */
  costs: Map<string, number>;
  /** The approval chance, by model, position (first or after a failure) and optimism. */
  approvals: Map<string, number>;
  /** Every model some ladder names (see `stepKey`). */
  onLadders?: ReadonlySet<string>;
  /** The price of leaving the task unsolved. */
  failurePrice?: number;
}

export function decisionMemo(): DecisionMemo {
  return {
    chains: new Map(),
    next: new Map(),
    overBudget: new Map(),
    costs: new Map(),
    approvals: new Map(),
  };
}
