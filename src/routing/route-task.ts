import {
  type Classification,
  canRun,
  needsTools,
  type Route,
  type TaskInput,
} from '../../machines/task-types.js';
import { availableModels, modelRef, priceOf, unfitReason } from './model-choice.js';
import { rotate } from './rotate.js';
import type { RoutingModel, RoutingView } from './routing-view.js';

export interface RouteTaskInput {
  taskId: string;
  input: Pick<TaskInput, 'model'>;
  classification: Classification;
  view: RoutingView;
}

/** Share of a group's daily budget past which `preserve_claude_tokens` moves complex work too. */
const budgetPressure = 0.8;

function chosen(model: RoutingModel, reason: string): Route {
  return { model: modelRef(model), reason };
}

function overBudget(view: RoutingView, model: RoutingModel): boolean {
  const budget = view.budgets[model.group];
  return budget.used >= budget.limit;
}

/** The cheapest available model that can do the work, at least as strong as `minTier`. */
function cheapestCapable(
  view: RoutingView,
  classification: Classification,
  minTier: number,
): RoutingModel | undefined {
  return availableModels(view)
    .filter((m) => m.tier >= minTier && canRun(modelRef(m), classification) && !overBudget(view, m))
    .sort((a, b) => priceOf(a) - priceOf(b) || a.tier - b.tier)[0];
}

/**
 * Rotates among the models work can move to from `from`. Off Claude, any of them will do: the
 * point is to keep Claude's tokens for what only Claude can do. Between external models, only
 * a cheaper one is worth the move.
 */
function moveRotation(
  view: RoutingView,
  candidates: RoutingModel[],
  from: RoutingModel,
  key: string,
): RoutingModel | undefined {
  const targets = candidates.filter(
    (m) => m.id !== from.id && (from.group === 'claude' || priceOf(m) < priceOf(from)),
  );
  return rotate(targets, view.history, key);
}

/**
 * Phase 2 of a task (SPEC §3): takes the CTO's recommendation and applies the configured
 * strategy. Never overridden: complex tasks on opus, email tasks, a model the user asked for
 * (and escalations, which do not come here). Under `cost_aware`, simple and moderate work the
 * CTO gave to Claude moves to an external model that can do it, research and analysis move to
 * the research-only models (from Claude, or from a dearer external model), and a Claude group
 * under budget pressure gives up complex work too. Where several models qualify, rotation
 * spreads the work over them.
 * Every result says why in words.
 *
 * @example
 * routeTask({ taskId: 't1', input: {}, classification, view });
 * // { model: { id: 'deepseek', … }, reason: 'cost-aware: simple coding moved from sonnet to deepseek …' }
 */
export function routeTask({ taskId, input, classification, view }: RouteTaskInput): Route {
  const { type, complexity } = classification;
  const byId = (id: string) => view.models.find((m) => m.id === id);

  if (input.model) {
    const asked = byId(input.model);
    const unfit = unfitReason(asked, input.model, type);
    if (unfit || !asked)
      return { model: null, reason: `the requested model cannot run this task: ${unfit}` };
    return chosen(asked, `${asked.id}, as requested (no cost override)`);
  }

  let pick = byId(classification.model);
  let reason = `${classification.model}, as the CTO recommends`;
  const unfit = unfitReason(pick, classification.model, type);
  if (unfit) {
    const replacement = cheapestCapable(view, classification, pick?.tier ?? 0);
    if (!replacement) {
      return { model: null, reason: `${unfit}, and no available model can run ${type} work` };
    }
    pick = replacement;
    reason = `${unfit}; ${replacement.id} is the cheapest available model of that strength that can`;
  }
  if (!pick) return { model: null, reason: 'no model' };

  const optimizing = view.costOptimization.enabled && view.strategy !== 'quality';
  if (!optimizing)
    return chosen(
      pick,
      `${reason} (${view.strategy === 'quality' ? 'quality strategy' : 'cost optimization off'}: no override)`,
    );
  if (type === 'email') return chosen(pick, `${reason} (email tasks are never overridden)`);
  if (complexity === 'complex' && pick.id === 'opus') {
    return chosen(pick, `${reason} (complex tasks on opus are never overridden)`);
  }

  const available = availableModels(view).filter((m) => !overBudget(view, m));
  const key = `${taskId}:route`;

  if ((type === 'research' || type === 'analysis') && pick.kind !== 'text-only') {
    const researchOnly = available.filter((m) => m.kind === 'text-only');
    const moved = moveRotation(view, researchOnly, pick, key);
    if (moved)
      return chosen(
        moved,
        `${view.strategy}: ${type} moved from ${pick.id} to the research-only ${moved.id}`,
      );
  }
  if (view.strategy === 'balanced')
    return chosen(pick, `${reason} (balanced: only research and analysis move)`);

  const capableExternal = available.filter(
    (m) => m.group === 'external' && canRun(modelRef(m), classification),
  );
  const toolNote = needsTools(type) ? 'a tool-capable' : 'an';
  if (
    pick.group === 'claude' &&
    complexity !== 'complex' &&
    view.costOptimization.preferExternalForRoutine
  ) {
    const moved = moveRotation(view, capableExternal, pick, key);
    if (moved) {
      return chosen(
        moved,
        `cost-aware: ${complexity} ${type} moved from ${pick.id} to ${toolNote} external model, ${moved.id}`,
      );
    }
  }
  const claude = view.budgets.claude;
  const pressure = claude.limit === 0 ? 1 : claude.used / claude.limit;
  if (
    pick.group === 'claude' &&
    view.costOptimization.preserveClaudeTokens &&
    pressure >= budgetPressure
  ) {
    const moved = rotate(capableExternal, view.history, key);
    if (moved) {
      return chosen(
        moved,
        `cost-aware: the claude budget is ${Math.round(pressure * 100)}% used; ${complexity} ${type} moved from ${pick.id} to ${moved.id}`,
      );
    }
  }
  if (overBudget(view, pick)) {
    return chosen(
      pick,
      `${reason}; its ${pick.group} budget is used up and no other model can take the task`,
    );
  }
  return chosen(pick, reason);
}
