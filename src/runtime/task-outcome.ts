import type { TaskContext } from '../../machines/task-context.js';
import type { Usage } from '../../machines/task-events.js';

/** How a task ended, as `handle.result` gives it. */
export interface TaskOutcome {
  id: string;
  status: 'done' | 'blocked' | 'cancelled';
  reason: string;
  /** The model of the last attempt, if any ran. */
  model: string | null;
  attempts: number;
  /** The approving review's score, when done. */
  quality: number | null;
  /** The approved output, when done. */
  output: string | null;
  usage: Omit<Usage, 'latencyMs'>;
  decisions: string[];
}

/**
 * Every call's usage in a task: the classification and each review (on the CTO, `worker`
 * null), and each attempt's execution (on its model).
 *
 * @example
 * callUsages(context); // [{ usage: …, worker: null }, { usage: …, worker: 'deepseek' }, …]
 */
export function callUsages<U>(context: {
  classifyUsage?: U | null;
  attempts: readonly {
    model: { id: string };
    usage?: U | null;
    review: { usage?: U | null } | null;
  }[];
}): { usage: U; worker: string | null }[] {
  const calls: { usage: U | null | undefined; worker: string | null }[] = [
    { usage: context.classifyUsage, worker: null },
    ...context.attempts.flatMap((a) => [
      { usage: a.usage, worker: a.model.id },
      { usage: a.review?.usage, worker: null },
    ]),
  ];
  return calls.flatMap(({ usage, worker }) => (usage ? [{ usage, worker }] : []));
}

/**
 * Adds up what a task's model calls used: the classification, every attempt's execution and
 * its review.
 *
 * @example
 * totalUsage(context); // { inputTokens: 5200, outputTokens: 900, costUsd: 0.0123 }
 */
export function totalUsage(context: TaskContext): TaskOutcome['usage'] {
  const total = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
  for (const { usage } of callUsages(context)) {
    total.inputTokens += usage.inputTokens;
    total.outputTokens += usage.outputTokens;
    total.costUsd += usage.costUsd;
  }
  return total;
}

/** The outcome of a task whose context has reached a final state; `output` is loaded apart. */
export function outcomeOf(context: TaskContext, output: string | null): TaskOutcome {
  const last = context.attempts.at(-1);
  return {
    id: context.taskId,
    status: context.outcome?.status ?? 'blocked',
    reason: context.outcome?.reason ?? 'unknown',
    model: last?.model.id ?? null,
    attempts: context.attempts.length,
    quality: context.outcome?.status === 'done' ? (last?.review?.quality ?? null) : null,
    output,
    usage: totalUsage(context),
    decisions: context.decisions,
  };
}
