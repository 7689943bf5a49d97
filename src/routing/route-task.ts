import {
  type Classification,
  canRun,
  needsTools,
  type Route,
  type TaskInput,
} from '../../machines/task-types.js';
import { executionOverBudget } from './budget-check.js';
import { learnedChoice } from './learned-choice.js';
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

function chosen(model: RoutingModel, reason: string, estimates?: Route['estimates']): Route {
  return { model: modelRef(model), reason, ...(estimates ? { estimates } : {}) };
}

/** Available models that can do the work and whose budgets have room for it. */
function usableModels(view: RoutingView, classification: Classification): RoutingModel[] {
  return availableModels(view).filter(
    (m) =>
      canRun(modelRef(m), classification) &&
      executionOverBudget(view, m, classification.type) === null,
  );
}

/** The cheapest usable model at least as strong as `minTier`. */
function cheapestCapable(
  view: RoutingView,
  classification: Classification,
  minTier: number,
): RoutingModel | undefined {
  return usableModels(view, classification)
    .filter((m) => m.tier >= minTier)
    .sort((a, b) => priceOf(a) - priceOf(b) || a.tier - b.tier)[0];
}

/**
 * The models work can move to from `from`. Off Claude, any of them will do: the point is to
 * keep Claude's tokens for what only Claude can do. Between external models, only a cheaper
 * one is worth the move (under rotation); learned routing weighs staying against moving.
 */
function moveTargets(candidates: RoutingModel[], from: RoutingModel): RoutingModel[] {
  return candidates.filter(
    (m) => m.id !== from.id && (from.group === 'claude' || priceOf(m) < priceOf(from)),
  );
}

/**
 * Picks among candidates with the configured method: learned (lowest expected cost to an
 * approved result) or rotation (favouring little history).
 */
function pickAmong(
  view: RoutingView,
  candidates: readonly RoutingModel[],
  classification: Classification,
  taskId: string,
): { model: RoutingModel; note: string; estimates?: Route['estimates'] } | undefined {
  if (view.costOptimization.routing === 'rotation') {
    const model = rotate(candidates, view.history, `${taskId}:route`);
    return model && { model, note: 'rotation favours models with little history' };
  }
  const choice = learnedChoice({ taskId, candidates, classification, view });
  return choice && { model: choice.model, note: choice.reason, estimates: choice.estimates };
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

  const usable = usableModels(view, classification);
  const learned = view.costOptimization.routing === 'learned';
  const move = (
    candidates: RoutingModel[],
    from: RoutingModel,
    what: (to: RoutingModel) => string,
  ) => {
    // Learned routing may keep the pick when it is external: staying is one of the options.
    const pool =
      learned && from.group === 'external' && candidates.length > 0
        ? [from, ...candidates]
        : candidates;
    const choice = pickAmong(view, pool, classification, taskId);
    if (!choice) return null;
    if (choice.model.id === from.id)
      return chosen(from, `${reason} (${choice.note})`, choice.estimates);
    return chosen(choice.model, `${what(choice.model)} (${choice.note})`, choice.estimates);
  };

  if ((type === 'research' || type === 'analysis') && (pick.kind !== 'text-only' || learned)) {
    const researchOnly = usable.filter((m) => m.kind === 'text-only');
    const targets =
      pick.kind === 'text-only'
        ? researchOnly.filter((m) => m.id !== pick.id)
        : moveTargets(researchOnly, pick);
    const moved = move(
      targets,
      pick,
      (to) => `${view.strategy}: ${type} moved from ${pick.id} to the research-only ${to.id}`,
    );
    if (moved) return moved;
  }
  if (view.strategy === 'balanced')
    return chosen(pick, `${reason} (balanced: only research and analysis move)`);

  const capableExternal = usable.filter((m) => m.group === 'external');
  const toolNote = needsTools(type) ? 'a tool-capable' : 'an';
  if (
    pick.group === 'claude' &&
    complexity !== 'complex' &&
    view.costOptimization.preferExternalForRoutine
  ) {
    const moved = move(
      moveTargets(capableExternal, pick),
      pick,
      (to) =>
        `cost-aware: ${complexity} ${type} moved from ${pick.id} to ${toolNote} external model, ${to.id}`,
    );
    if (moved) return moved;
  }
  const claude = view.budgets.claude;
  const pressure = claude.limit === 0 ? 1 : claude.used / claude.limit;
  if (
    pick.group === 'claude' &&
    view.costOptimization.preserveClaudeTokens &&
    pressure >= budgetPressure
  ) {
    const moved = move(
      capableExternal,
      pick,
      (to) =>
        `cost-aware: the claude budget is ${Math.round(pressure * 100)}% used; ${complexity} ${type} moved from ${pick.id} to ${to.id}`,
    );
    if (moved) return moved;
  }
  if (learned && pick.group === 'external') {
    const moved = move(
      capableExternal.filter((m) => m.id !== pick.id),
      pick,
      (to) => `cost-aware: ${complexity} ${type} moved from ${pick.id} to ${to.id}`,
    );
    if (moved) return moved;
  }
  const short = executionOverBudget(view, pick, type);
  if (short) {
    if (view.costOptimization.whenOverBudget === 'block') {
      return {
        model: null,
        reason: `${reason}, but ${short}, and no other model that can take the task has budget left (when_over_budget: block)`,
      };
    }
    return chosen(
      pick,
      `${reason}; ${short}, and no other model that can take the task has budget left: it waits for the next budget window (when_over_budget: wait)`,
    );
  }
  return chosen(pick, reason);
}
