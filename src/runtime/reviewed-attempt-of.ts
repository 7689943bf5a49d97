import type { TaskContext } from '../../machines/task-context.js';
import type { ReviewedAttempt } from '../routing/reviewed-attempt.js';
import { textFeatures } from '../routing/text-features.js';
import type { PerformanceRow } from '../store/performance-row.js';

/**
 * What text routing keeps of an attempt whose outcome went into the history (`delta`, from
 * attemptPerformance): its model, whether it was approved, and its task's text features.
 *
 * @example
 * reviewedAttemptOf(delta, 1, context, clock.now());
 * // { taskId: 't1', attempt: 1, model: 'deepseek', taskType: 'coding', approved: true, at: …, features: { … } }
 */
export function reviewedAttemptOf(
  delta: PerformanceRow,
  attempt: number,
  context: TaskContext,
  at: number,
): ReviewedAttempt {
  return {
    taskId: context.taskId,
    attempt,
    model: delta.model,
    taskType: delta.taskType,
    approved: delta.approvals > 0,
    at,
    features: textFeatures(context.input.description),
  };
}
