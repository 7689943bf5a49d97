import { z } from 'zod';

/**
 * What a budget is kept for: a provider group (`group:claude`, `group:external`) or one model
 * (`model:deepseek`).
 */
export const budgetScopeSchema = z.string().regex(/^(group|model):.+$/, {
  error: 'expected group:<name> or model:<id>',
});
export type BudgetScope = z.infer<typeof budgetScopeSchema>;

/** A scope's daily limits; null where there is none. */
export interface BudgetLimit {
  scope: BudgetScope;
  tokens: number | null;
  usd: number | null;
}

/**
 * Tokens and dollars set aside for one call before it runs, against every scope it counts in.
 * Its id is the call's request id, so a retried or resumed call replaces its own reservation
 * (released even if the new one is refused).
 */
export interface BudgetReservation {
  id: string;
  /** The budget window (a day, `2026-11-24`) it counts in. */
  window: string;
  tokens: number;
  usd: number;
  limits: readonly BudgetLimit[];
  at: number;
  /**
   * When it stops counting if never settled (its call's timeout has passed: the process that
   * made it died, or the task was stopped), so that lost calls do not hold budget all day.
   */
  expiresAt: number;
}

/** What a call really used, replacing its reservation: written with the step it belongs to. */
export interface BudgetSettlement {
  /** The reservation it replaces. */
  reservationId: string;
  window: string;
  scopes: readonly BudgetScope[];
  tokens: number;
  usd: number;
}

/** A scope's use in a window: settled usage and what calls under way have reserved. */
export const budgetUsageSchema = z.object({
  scope: budgetScopeSchema,
  window: z.string(),
  tokens: z.number().nonnegative(),
  usd: z.number().nonnegative(),
  reservedTokens: z.number().nonnegative(),
  reservedUsd: z.number().nonnegative(),
});
export type BudgetUsage = z.infer<typeof budgetUsageSchema>;

/** Why a reservation was refused: the first scope it would have taken over a limit. */
export interface BudgetRefusal {
  scope: BudgetScope;
  measure: 'tokens' | 'usd';
  /** Settled plus reserved, before this reservation. */
  committed: number;
  requested: number;
  limit: number;
}
