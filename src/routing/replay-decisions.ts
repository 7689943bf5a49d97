import { type TaskContext, taskContextSchema } from '../../machines/task-context.js';
import type { Classification } from '../../machines/task-types.js';
import { totalUsage } from '../runtime/task-outcome.js';
import { routeEstimates } from './learned-choice.js';
import { routeTask } from './route-task.js';
import type { RoutingView } from './routing-view.js';

/** A stored task's id and its snapshot's context, not yet checked. */
export interface StoredContext {
  id: string;
  context: unknown;
}

/** One finished task: what happened, and what the other configuration would have decided. */
export interface ReplayedTask {
  id: string;
  classification: Pick<Classification, 'type' | 'complexity' | 'model'>;
  /** The model the user asked for (`input.model`): such a task stays on it. */
  requested: string | null;
  actual: {
    /** The model its first attempt ran on; null when it never started. */
    model: string | null;
    /** Every call of the task: classification, executions and reviews. */
    costUsd: number;
    /** Its executions only: what `expected.costUsd` compares with. */
    executionCostUsd: number;
    tokens: number;
    /** Whether it ended done (approved). */
    approved: boolean;
    /** Whether the CTO approved its first attempt. */
    approvedFirstTry: boolean;
    status: NonNullable<TaskContext['outcome']>['status'];
  };
  replayed: {
    /** The model the other configuration starts it on; null when it would not start at all. */
    model: string | null;
    reason: string;
    /**
     * Estimated from the history: the cost of the executions from that model up its escalation
     * ladder (null when unpriced), and the chance that chain ends approved. Zero when no model.
     */
    expectedCostUsd: number | null;
    approvedChance: number;
    /** The chance the CTO approves the first attempt on that model. */
    firstTryChance: number;
    path: string[];
  };
  moved: boolean;
}

export interface ReplaySkips {
  /** Contexts without an outcome yet. */
  notFinished: number;
  /** Finished before the CTO classified them (cancelled early …): nothing to route. */
  unclassified: number;
  /** Contexts that do not parse, by task id, with the first problem. */
  invalid: { id: string; reason: string }[];
}

export interface ReplayTotals {
  tasks: number;
  moved: number;
  /** Every change of starting model (`(none)` for no model), most frequent first. */
  moves: { from: string; to: string; tasks: number }[];
  actual: {
    costUsd: number;
    executionCostUsd: number;
    /** Share of the tasks that ended done; null without tasks. */
    approvalRate: number | null;
    /** Share whose first attempt the CTO approved. */
    firstTryApprovalRate: number | null;
  };
  expected: {
    /** Sum of the priced expectations (executions only). */
    costUsd: number;
    /** Tasks whose model is unpriced: left out of `costUsd`. */
    unpriced: number;
    /** Mean chance of ending approved; null without tasks. */
    approvalRate: number | null;
    /** Mean chance the CTO approves the first attempt. */
    firstTryApprovalRate: number | null;
  };
}

export interface ReplayResult {
  tasks: ReplayedTask[];
  skipped: ReplaySkips;
  totals: ReplayTotals;
}

const none = '(none)';

function executionCost(context: TaskContext): number {
  return context.attempts.reduce((sum, a) => sum + (a.usage?.costUsd ?? 0), 0);
}

/** Where the view would start the task; a model the user asked for stays whatever it says. */
function redecide(
  id: string,
  context: TaskContext,
  classification: Classification,
  view: RoutingView,
  actual: string | null,
): { model: string | null; reason: string } {
  const route = routeTask({ taskId: id, input: context.input, classification, view });
  const model = route.model?.id ?? null;
  if (context.input.model && actual && model !== actual) {
    return {
      model: actual,
      reason: `${actual}, as requested: it stays (this configuration would not start it there: ${route.reason})`,
    };
  }
  return { model, reason: route.reason };
}

function replayOne(
  id: string,
  context: TaskContext,
  classification: Classification,
  view: RoutingView,
): ReplayedTask {
  const outcome = context.outcome as NonNullable<TaskContext['outcome']>;
  const usage = totalUsage(context);
  const actualModel = context.attempts[0]?.model.id ?? context.route?.model?.id ?? null;
  const route = redecide(id, context, classification, view, actualModel);
  const model = view.models.find((m) => m.id === route.model);
  const estimate = model ? routeEstimates([model], classification, view)[0] : undefined;
  return {
    id,
    classification: {
      type: classification.type,
      complexity: classification.complexity,
      model: classification.model,
    },
    requested: context.input.model ?? null,
    actual: {
      model: actualModel,
      costUsd: usage.costUsd,
      executionCostUsd: executionCost(context),
      tokens: usage.inputTokens + usage.outputTokens,
      approved: outcome.status === 'done',
      approvedFirstTry: context.attempts[0]?.review?.verdict === 'approve',
      status: outcome.status,
    },
    replayed: {
      model: route.model,
      reason: route.reason,
      expectedCostUsd: route.model === null ? 0 : (estimate?.expectedCostUsd ?? null),
      approvedChance: estimate?.approvedChance ?? 0,
      firstTryChance: estimate?.approval ?? 0,
      path: estimate?.path ?? [],
    },
    moved: route.model !== actualModel,
  };
}

function totalsOf(tasks: readonly ReplayedTask[]): ReplayTotals {
  const moves = new Map<string, { from: string; to: string; tasks: number }>();
  for (const task of tasks.filter((t) => t.moved)) {
    const from = task.actual.model ?? none;
    const to = task.replayed.model ?? none;
    const key = `${from}\u0000${to}`;
    const move = moves.get(key) ?? { from, to, tasks: 0 };
    move.tasks += 1;
    moves.set(key, move);
  }
  const sum = (value: (t: ReplayedTask) => number) => tasks.reduce((s, t) => s + value(t), 0);
  const mean = (value: (t: ReplayedTask) => number) =>
    tasks.length > 0 ? sum(value) / tasks.length : null;
  return {
    tasks: tasks.length,
    moved: tasks.filter((t) => t.moved).length,
    moves: [...moves.values()].sort(
      (a, b) => b.tasks - a.tasks || a.from.localeCompare(b.from) || a.to.localeCompare(b.to),
    ),
    actual: {
      costUsd: sum((t) => t.actual.costUsd),
      executionCostUsd: sum((t) => t.actual.executionCostUsd),
      approvalRate: mean((t) => (t.actual.approved ? 1 : 0)),
      firstTryApprovalRate: mean((t) => (t.actual.approvedFirstTry ? 1 : 0)),
    },
    expected: {
      costUsd: sum((t) => t.replayed.expectedCostUsd ?? 0),
      unpriced: tasks.filter((t) => t.replayed.expectedCostUsd === null).length,
      approvalRate: mean((t) => t.replayed.approvedChance),
      firstTryApprovalRate: mean((t) => t.replayed.firstTryChance),
    },
  };
}

/**
 * Re-decides stored tasks under another configuration's routing view: for each finished,
 * classified task, the model it actually started on, what it cost and whether it ended
 * approved, next to the model `view` would start it on (with routeTask's reason) and what
 * learned routing's estimates expect of that start (the executions' cost up the escalation
 * ladder and the chance of an approved result). A model the user asked for stays. Contexts
 * that do not parse, unfinished and unclassified tasks are skipped and counted. Expected
 * figures are estimates from `view.history`, not measurements.
 *
 * @example
 * const view = routingViewFrom(other, { history: await store.performance() });
 * replayDecisions([{ id: 't1', context: snapshot.context }], view).totals;
 * // { tasks: 1, moved: 1, moves: [{ from: 'minimax', to: 'deepseek', tasks: 1 }],
 * //   actual: { costUsd: 0.03, executionCostUsd: 0.025, approvalRate: 1, firstTryApprovalRate: 0 },
 * //   expected: { costUsd: 0.012, unpriced: 0, approvalRate: 0.96, firstTryApprovalRate: 0.8 } }
 */
export function replayDecisions(stored: readonly StoredContext[], view: RoutingView): ReplayResult {
  const skipped: ReplaySkips = { notFinished: 0, unclassified: 0, invalid: [] };
  const tasks: ReplayedTask[] = [];
  for (const { id, context } of stored) {
    const parsed = taskContextSchema.safeParse(context);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      skipped.invalid.push({ id, reason: `${where}${issue?.message ?? 'invalid context'}` });
      continue;
    }
    const { classification, outcome } = parsed.data;
    if (!outcome) skipped.notFinished += 1;
    else if (!classification) skipped.unclassified += 1;
    else tasks.push(replayOne(id, parsed.data, classification, view));
  }
  return { tasks, skipped, totals: totalsOf(tasks) };
}
