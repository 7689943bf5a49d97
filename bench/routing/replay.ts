import type { Outcome } from './dataset.js';
import type { Review } from './reviewer.js';

/** One execution in a replay: which model, what the data says it did, and the verdict. */
export interface Attempt {
  model: string;
  resolved: boolean;
  costUsd: number;
  approved: boolean;
}

/** One task replayed. */
export interface TaskRun {
  instance: string;
  attempts: Attempt[];
  /** The shipped result (the approved attempt) is actually resolved; a blocked task is not. */
  solved: boolean;
  costUsd: number;
}

/** How a policy steers one task. */
export interface TaskPolicy {
  /** The first model, or null when none can take the task. */
  first(): string | null;
  /** The model after `model`'s work was rejected, or null when there is none. */
  next(model: string): string | null;
  /** Hears each attempt once its fate is known: `escalated` when another attempt follows. */
  record?(attempt: Attempt, escalated: boolean): void;
}

export interface ReplayTaskInput {
  instance: string;
  policy: TaskPolicy;
  review: Review;
  /** Attempts before the task is blocked. */
  maxAttempts: number;
  /** The data's single run of `model` on `instance`: a retry on the same model repeats it. */
  outcome: (model: string, instance: string) => Outcome;
  /**
   * Whether an approval ends the task (a cascade), or every model of the policy runs and is
   * paid for, the first approved result shipping (the cost-matched control). Default true.
   */
  stopAtApproval?: boolean;
}

/**
 * Replays one task: runs the policy's model, has the reviewer judge it, and on a rejection
 * asks the policy for the next model, until an approval, no next model, or `maxAttempts`
 * attempts (the task is then blocked and counts as not solved). Cost is every attempt's. The
 * shipped result is the first approved one.
 *
 * @example
 * replayTask({ instance: 'a', policy: sequencePolicy(['deepseek', 'opus']), review, maxAttempts: 3, outcome });
 * // { instance: 'a', attempts: [...], solved: true, costUsd: 0.75 }
 */
export function replayTask({
  instance,
  policy,
  review,
  maxAttempts,
  outcome,
  stopAtApproval = true,
}: ReplayTaskInput): TaskRun {
  const attempts: Attempt[] = [];
  let model = policy.first();
  while (model !== null) {
    const { resolved, costUsd } = outcome(model, instance);
    const run = attempts.filter((a) => a.model === model).length;
    const attempt = {
      model,
      resolved,
      costUsd,
      approved: review(resolved, { instance, model, run }),
    };
    attempts.push(attempt);
    const done = (attempt.approved && stopAtApproval) || attempts.length >= maxAttempts;
    const next = done ? null : policy.next(model);
    policy.record?.(attempt, next !== null);
    model = next;
  }
  const shipped = attempts.find((a) => a.approved);
  return {
    instance,
    attempts,
    solved: shipped?.resolved === true,
    costUsd: attempts.reduce((sum, a) => sum + a.costUsd, 0),
  };
}
