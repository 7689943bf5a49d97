import type { Classification, ModelRef } from '../../machines/task-types.js';
import type { LoadedConfig } from '../../src/config/load-config.js';
import { escalate } from '../../src/routing/escalate.js';
import { createReviewedIndex } from '../../src/routing/reviewed-index.js';
import { routeTask } from '../../src/routing/route-task.js';
import type { RoutingView } from '../../src/routing/routing-view.js';
import { routingViewFrom } from '../../src/routing/routing-view-from-config.js';
import { similarTasksView } from '../../src/routing/similar-tasks-view.js';
import { textFeatures } from '../../src/routing/text-features.js';
import {
  addPerformance,
  emptyPerformance,
  type PerformanceRow,
} from '../../src/store/performance-row.js';
import type { Attempt, TaskPolicy } from './replay.js';

/** A router replaying production's decisions over one stream of tasks. */
export interface ProductionRouter {
  /**
   * The policy of the next task of the stream. `text` is what the task says: with the router's
   * `text` option, its decisions condition on reviewed tasks that read like it (ignored without).
   */
  task(taskId: string, text?: string): TaskPolicy;
}

/**
 * The production routing (routeTask for the first model, escalate after a rejection) under a
 * loaded configuration, learning online: every attempt is added to the performance history as
 * production records it (the reviewer's verdict, not the truth, which production never sees),
 * and the next decision sees it. One router per replay of a task stream.
 * "Ours by type" is the default; with `{ text: true }` ("ours with text") the router also keeps
 * what production keeps of every reviewed attempt (its task's text features, model, verdict)
 * and gives each decision the view production gives it (`similarTasksView`), so that the
 * approval chances move toward what similar past tasks showed.
 *
 * @example
 * const router = productionRouter(loadBenchConfig(spec), itemClassification(spec, item), { text: true });
 * replayTask({ instance, policy: router.task(`s1:${instance}`, item.text), review, maxAttempts: 3, outcome });
 */
export function productionRouter(
  loaded: LoadedConfig,
  classification: Classification,
  { text = false }: { text?: boolean } = {},
): ProductionRouter {
  const history = new Map<string, PerformanceRow>();
  const reviewedTasks = text ? createReviewedIndex() : undefined;
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
    task(taskId, itemText) {
      let current: ModelRef | null = null;
      const tried: string[] = [];
      let recorded = 0;
      const reading = reviewedTasks && itemText ? itemText : undefined;
      const features = reading === undefined ? undefined : textFeatures(reading);
      const taskView = (): RoutingView =>
        reading === undefined
          ? view
          : similarTasksView({ ...view, reviewedTasks }, taskId, reading);
      return {
        first() {
          current = routeTask({ taskId, input: {}, classification, view: taskView() }).model;
          if (current) tried.push(current.id);
          return current?.id ?? null;
        },
        next(model) {
          if (current?.id !== model) throw new Error(`${taskId}: ${model} is not the routed model`);
          current = escalate({
            classification,
            from: current,
            failure: 'rejected',
            view: taskView(),
            tried,
            taskId,
          }).model;
          if (current) tried.push(current.id);
          return current?.id ?? null;
        },
        // Attempts after the first came after a failure: production counts them apart.
        record(attempt, escalated) {
          learn(attempt, escalated, ++recorded > 1);
          if (features === undefined) return;
          const { model, approved } = attempt;
          const at = recorded;
          const type = classification.type;
          reviewedTasks?.add({
            taskId,
            attempt: at,
            model,
            taskType: type,
            approved,
            at,
            features,
          });
        },
      };
    },
  };
}
