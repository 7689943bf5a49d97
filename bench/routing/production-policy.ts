import type { Classification, ModelRef } from '../../machines/task-types.js';
import type { LoadedConfig } from '../../src/config/load-config.js';
import { escalate } from '../../src/routing/escalate.js';
import { routeTask } from '../../src/routing/route-task.js';
import { routingViewFrom } from '../../src/routing/routing-view-from-config.js';
import {
  addPerformance,
  emptyPerformance,
  type PerformanceRow,
} from '../../src/store/performance-row.js';
import type { Attempt, TaskPolicy } from './replay.js';

/**
 * How the CTO classifies every SWE-bench issue: moderate coding, for sonnet (its catalog
 * strengths are coding and debugging). The data has no task text, so there is nothing to tell
 * tasks apart by.
 */
export const benchClassification: Classification = {
  type: 'coding',
  complexity: 'moderate',
  model: 'sonnet',
  reason: 'a GitHub issue to fix in a Python repository: moderate coding',
  source: 'cto',
};

/**
 * The production routing (routeTask for the first model, escalate after a rejection) under a
 * loaded configuration, learning online: every attempt is added to the performance history as
 * production records it (the reviewer's verdict, not the truth, which production never sees),
 * and the next decision sees it. One router per replay of a task stream.
 *
 * @example
 * const router = productionRouter(loadBenchConfig('learned'), benchClassification);
 * replayTask({ instance, policy: router.task(`s1:${instance}`), review, maxAttempts: 3, outcome });
 */
export function productionRouter(
  loaded: LoadedConfig,
  classification: Classification,
): { task(taskId: string): TaskPolicy } {
  const history = new Map<string, PerformanceRow>();
  let view = routingViewFrom(loaded, { history: [] });
  const learn = (attempt: Attempt, escalated: boolean, later: boolean) => {
    const empty = emptyPerformance(attempt.model, classification.type);
    const delta: PerformanceRow = {
      ...empty,
      attempts: 1,
      approvals: attempt.approved ? 1 : 0,
      rejections: attempt.approved ? 0 : 1,
      escalations: escalated ? 1 : 0,
      laterAttempts: later ? 1 : 0,
      laterApprovals: later && attempt.approved ? 1 : 0,
      costUsd: attempt.costUsd,
    };
    history.set(attempt.model, addPerformance(history.get(attempt.model) ?? empty, delta));
    view = routingViewFrom(loaded, { history: [...history.values()] });
  };
  return {
    task(taskId) {
      let current: ModelRef | null = null;
      const tried: string[] = [];
      let recorded = 0;
      return {
        first() {
          current = routeTask({ taskId, input: {}, classification, view }).model;
          if (current) tried.push(current.id);
          return current?.id ?? null;
        },
        next(model) {
          if (current?.id !== model) throw new Error(`${taskId}: ${model} is not the routed model`);
          current = escalate({
            classification,
            from: current,
            failure: 'rejected',
            view,
            tried,
            taskId,
          }).model;
          if (current) tried.push(current.id);
          return current?.id ?? null;
        },
        // Attempts after the first came after a failure: production counts them apart.
        record: (attempt, escalated) => learn(attempt, escalated, ++recorded > 1),
      };
    },
  };
}
