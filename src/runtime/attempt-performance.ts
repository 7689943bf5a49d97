import type { TaskContext } from '../../machines/task-context.js';
import type { TaskEvent } from '../../machines/task-events.js';
import { emptyPerformance, type PerformanceRow } from '../store/performance-row.js';

/**
 * What an attempt adds to its model's performance history once its outcome is known: after
 * the review (approved or rejected), a failed review, or a failed execution. `context` is the
 * task after the event, so an escalation (the next attempt on another model) is already in it.
 * Null for every other event.
 *
 * @example
 * attemptPerformance(reviewedEvent, 1, context);
 * // { model: 'deepseek', taskType: 'coding', attempts: 1, approvals: 1, qualitySum: 8, reviews: 1, … }
 */
export function attemptPerformance(
  event: TaskEvent,
  attemptN: number,
  context: TaskContext,
): PerformanceRow | null {
  if (
    event.type !== 'REVIEWED' &&
    event.type !== 'REVIEW_FAILED' &&
    event.type !== 'EXECUTE_FAILED'
  )
    return null;
  // A failure around the model (no budget, no key, the provider down) says nothing of it.
  if ((event.type === 'EXECUTE_FAILED' || event.type === 'REVIEW_FAILED') && event.infrastructure)
    return null;
  const attempt = context.attempts.find((a) => a.n === attemptN);
  if (!attempt || !context.classification) return null;
  const approved = event.type === 'REVIEWED' && event.verdict === 'approve';
  const next = context.attempts.find((a) => a.n === attemptN + 1);
  const usage = attempt.usage;
  return {
    ...emptyPerformance(attempt.model.id, context.classification.type),
    attempts: 1,
    approvals: approved ? 1 : 0,
    rejections: event.type === 'EXECUTE_FAILED' || approved ? 0 : 1,
    failures: event.type === 'EXECUTE_FAILED' ? 1 : 0,
    escalations: next && next.model.id !== attempt.model.id ? 1 : 0,
    laterAttempts: attemptN > 1 ? 1 : 0,
    laterApprovals: attemptN > 1 && approved ? 1 : 0,
    qualitySum: event.type === 'REVIEWED' ? event.quality : 0,
    reviews: event.type === 'REVIEWED' ? 1 : 0,
    latencyMs: usage?.latencyMs ?? 0,
    inputTokens: usage?.inputTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    costUsd: usage?.costUsd ?? 0,
    maxCallTokens: usage ? usage.inputTokens + usage.outputTokens : 0,
  };
}
