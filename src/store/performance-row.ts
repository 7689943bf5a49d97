import { z } from 'zod';

const count = z.int().nonnegative();
const amount = z.number().nonnegative();

/**
 * The outcomes of one model on one task type, added up. The same shape is a delta (what one
 * attempt adds, written in the transaction that stores the review) and a stored total.
 */
export const performanceRowSchema = z.object({
  model: z.string().min(1),
  taskType: z.string().min(1),
  /** Executions tried. */
  attempts: count,
  /** Attempts the CTO approved. */
  approvals: count,
  /** Attempts the CTO rejected (or whose review failed). */
  rejections: count,
  /** Executions that failed (errors, turn limit …). */
  failures: count,
  /** Failed or rejected attempts after which the task moved to another model. */
  escalations: count,
  /**
   * Of the attempts and approvals, those that came after an earlier attempt of the task had
   * failed: harder work than first attempts get, so estimated apart.
   */
  laterAttempts: count,
  laterApprovals: count,
  /** Sum and count of the review's quality scores (1–10). */
  qualitySum: amount,
  reviews: count,
  /** Sums over the executions: time, tokens and dollars. */
  latencyMs: amount,
  inputTokens: count,
  outputTokens: count,
  costUsd: amount,
  /** The most tokens one execution used: what a reservation estimates from. */
  maxCallTokens: count,
});
export type PerformanceRow = z.infer<typeof performanceRowSchema>;

/** The fields that add up (every one but the keys and the largest call). */
export const summedPerformanceFields = [
  'attempts',
  'approvals',
  'rejections',
  'failures',
  'escalations',
  'laterAttempts',
  'laterApprovals',
  'qualitySum',
  'reviews',
  'latencyMs',
  'inputTokens',
  'outputTokens',
  'costUsd',
] as const satisfies readonly (keyof PerformanceRow)[];

/**
 * An empty row for a model and task type, to add deltas to.
 *
 * @example
 * addPerformance(emptyPerformance('deepseek', 'coding'), delta);
 */
export function emptyPerformance(model: string, taskType: string): PerformanceRow {
  // Written out rather than built from the field list: routing and every commit make these.
  return {
    model,
    taskType,
    attempts: 0,
    approvals: 0,
    rejections: 0,
    failures: 0,
    escalations: 0,
    laterAttempts: 0,
    laterApprovals: 0,
    qualitySum: 0,
    reviews: 0,
    latencyMs: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    maxCallTokens: 0,
  };
}

/**
 * Adds a delta to a row of the same model and task type (counts and sums add, the largest
 * call is kept): what every backend's upsert does, and what in-memory caches do.
 *
 * @example
 * addPerformance(total, { ...emptyPerformance('deepseek', 'coding'), attempts: 1, approvals: 1 });
 */
export function addPerformance(row: PerformanceRow, delta: PerformanceRow): PerformanceRow {
  const sum = { ...row };
  for (const field of summedPerformanceFields) sum[field] = row[field] + delta[field];
  sum.maxCallTokens = Math.max(row.maxCallTokens, delta.maxCallTokens);
  return sum;
}
