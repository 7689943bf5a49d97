import {
  type Classification,
  canRun,
  type ModelRef,
  type Route,
} from '../../machines/task-types.js';
import { executionOverBudget } from './budget-check.js';
import { modelRef } from './model-choice.js';
import type { RoutingModel, RoutingView } from './routing-view.js';

/** The original's ladders: haiku → sonnet → opus, and any external model → sonnet → opus. */
const defaultLadders: Readonly<Record<string, readonly string[]>> = {
  haiku: ['sonnet', 'opus'],
  sonnet: ['opus'],
  opus: [],
};
const externalLadder = ['sonnet', 'opus'];

/**
 * The escalation order after `modelId` fails: its `fallback_chain` entry when there is one,
 * else the default ladder.
 *
 * @example
 * escalationLadder('deepseek', view); // ['sonnet', 'opus']
 */
export function escalationLadder(modelId: string, view: RoutingView): readonly string[] {
  return view.fallbackChain[modelId] ?? defaultLadders[modelId] ?? externalLadder;
}

export interface EscalateInput {
  classification: Classification;
  /** The model that just failed. */
  from: ModelRef;
  /** Why: the work fell short (the reviewer rejected it) or the model could not run it. */
  failure: 'rejected' | 'failed';
  view: RoutingView;
  /** Models the task has already run on: skipped, so that ladders that meet never loop. */
  tried?: readonly string[];
}

/**
 * Where a task goes after an attempt fails: the first model up the ladder that is available,
 * can do the work, is not weaker and has budget left (under `when_over_budget: wait`, a model
 * short only of budget is taken when no other is, and the call waits for the next window).
 * When the ladder is exhausted, a rejected task gets another
 * try on the same model with the reviewer's feedback (if that model is still available); a
 * model that could not run the task is not tried again. Never used for the first route:
 * escalations are not subject to cost overrides.
 *
 * @example
 * escalate({ classification, from: haikuRef, failure: 'rejected', view });
 * // { model: { id: 'sonnet', … }, reason: 'haiku rejected; next on its ladder (sonnet → opus): sonnet' }
 */
export function escalate({
  classification,
  from,
  failure,
  view,
  tried = [],
}: EscalateInput): Route {
  const ladder = escalationLadder(from.id, view);
  const skipped: string[] = [];
  // The first model short only of budget: where the task waits, under `when_over_budget: wait`.
  let waitFor: RoutingModel | null = null;
  for (const id of ladder) {
    const model = view.models.find((m) => m.id === id);
    const unfit = !model
      ? 'not configured'
      : tried.includes(id)
        ? 'already tried'
        : !model.enabled
          ? 'disabled'
          : model.unavailable
            ? model.unavailable
            : model.tier < from.tier
              ? 'weaker'
              : !canRun(modelRef(model), classification)
                ? 'text-only'
                : null;
    const why = unfit ?? (model ? executionOverBudget(view, model, classification.type) : null);
    if (model && unfit === null && why !== null) waitFor ??= model;
    if (model && why === null) {
      const note = skipped.length > 0 ? ` (skipped ${skipped.join(', ')})` : '';
      return {
        model: modelRef(model),
        reason: `${from.id} ${failure}; next on its ladder (${ladder.join(' → ') || 'empty'}): ${model.id}${note}`,
      };
    }
    skipped.push(`${id}: ${why}`);
  }
  if (waitFor && view.costOptimization.whenOverBudget === 'wait') {
    return {
      model: modelRef(waitFor),
      reason: `${from.id} ${failure}; no model on its ladder has budget left (${skipped.join('; ')}); ${waitFor.id} waits for its budget (when_over_budget: wait)`,
    };
  }
  const self = view.models.find((m) => m.id === from.id);
  if (
    failure === 'rejected' &&
    self?.enabled &&
    self.unavailable === null &&
    executionOverBudget(view, self, classification.type) === null
  ) {
    return {
      model: modelRef(self),
      reason: `${from.id} rejected and no stronger model is available; trying ${from.id} again with the reviewer's feedback`,
    };
  }
  const detail = skipped.length > 0 ? ` (${skipped.join('; ')})` : '';
  return { model: null, reason: `no model to escalate to after ${from.id} ${failure}${detail}` };
}
