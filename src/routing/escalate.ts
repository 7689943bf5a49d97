import {
  type Classification,
  canRun,
  type ModelRef,
  type Route,
  type RouteEstimate,
} from '../../machines/task-types.js';
import { executionOverBudget } from './budget-check.js';
import { type DecisionMemo, decisionMemo } from './decision-memo.js';
import {
  describeEstimate,
  explorationOptimism,
  explores,
  routeEstimates,
} from './learned-choice.js';
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

/**
 * The memo key of a chain's step on `model` after the models `tried`. A step depends on those
 * only through whether there are any (an attempt after a failure is estimated apart) and which
 * of them some ladder names (those are skipped as already tried), and the same holds for the
 * steps after it; so the chains of candidates that no ladder names share their later steps.
 */
export function stepKey(
  memo: DecisionMemo,
  view: RoutingView,
  model: string,
  attemptsLeft: number,
  tried: readonly string[],
  optimism = 0,
): string {
  memo.onLadders ??= new Set(
    [externalLadder, ...Object.values(defaultLadders), ...Object.values(view.fallbackChain)].flat(),
  );
  const onLadders = memo.onLadders;
  const ruledOut = [...new Set(tried.filter((id) => onLadders.has(id)))].sort();
  return `${model}\u0000${attemptsLeft}\u0000${optimism}\u0000${tried.length > 0}\u0000${ruledOut.join('\u0000')}`;
}

export interface EscalateInput {
  classification: Classification;
  /** The model that just failed. */
  from: ModelRef;
  /** Why: the work fell short (the reviewer rejected it) or the model could not run it. */
  failure: 'rejected' | 'failed';
  /**
   * What really happened, when it was not the model's doing (over budget, no key, its review
   * could not run): named in every reason, instead of the plain failure.
   */
  cause?: string;
  view: RoutingView;
  /** Models the task has already run on: skipped, so that ladders that meet never loop. */
  tried?: readonly string[];
  /** Attempts the task has left after this failure (default: `maxAttempts` less `tried`). */
  attemptsLeft?: number;
  /** The task, when known: an exploring task explores its escalations too. */
  taskId?: string;
}

/** Learned escalation looks this many attempts ahead at most: enough, and bounded. */
const lookahead = 3;

type Settings = Required<Omit<EscalateInput, 'failure' | 'taskId' | 'cause'>> & {
  taskId: string | undefined;
};

/**
 * Under learned routing, the ladder's order is a preference: of the models on it that can
 * take the task, the one with the lowest expected cost to an approved result after a failure
 * (its chain included) is chosen. Ladders still decide which models may follow which.
 */
function learnedEscalation(
  eligible: readonly RoutingModel[],
  input: Settings,
  memo: DecisionMemo,
): { model: RoutingModel; exploring: boolean; estimates: RouteEstimate[] } | null {
  const { view, classification, tried, attemptsLeft, taskId } = input;
  const learning =
    view.strategy === 'cost_aware' &&
    view.costOptimization.enabled &&
    view.costOptimization.routing === 'learned';
  if (!learning || eligible.length < 2) return null;
  const exploring = taskId !== undefined && explores(taskId, classification, view);
  const estimates = routeEstimates(eligible, classification, view, {
    tried,
    attemptsLeft: Math.min(attemptsLeft, lookahead),
    optimism: exploring ? explorationOptimism : 0,
    memo,
  });
  let best = 0;
  estimates.forEach((estimate, index) => {
    if (score(estimate) < score(estimates[best] as RouteEstimate)) best = index;
  });
  return { model: eligible[best] as RoutingModel, exploring, estimates };
}

const score = (e: RouteEstimate) => e.costToApprovalUsd ?? Number.POSITIVE_INFINITY;

/** Learned escalation's estimates in words, the lowest cost first. */
function learnedNote(learned: { exploring: boolean; estimates: readonly RouteEstimate[] }) {
  const ranked = [...learned.estimates].sort((a, b) => score(a) - score(b)).map(describeEstimate);
  const how = learned.exploring ? 'learned, exploring after a failure' : 'learned, after a failure';
  return `${how}: ${ranked.join('; ')}`;
}

/** {@link executionOverBudget} of the decision's task type, once per decision. */
function budgetShort(view: RoutingView, model: RoutingModel, taskType: string, memo: DecisionMemo) {
  const known = memo.overBudget.get(model.id);
  if (known !== undefined) return known;
  const short = executionOverBudget(view, model, taskType);
  memo.overBudget.set(model.id, short);
  return short;
}

/** The models up the ladder from `from` that can take the task, and why the others cannot. */
function ladderModels(from: ModelRef, input: Settings, memo: DecisionMemo) {
  const { view, classification, tried } = input;
  const ladder = escalationLadder(from.id, view);
  const skipped: string[] = [];
  const eligible: RoutingModel[] = [];
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
    const why = unfit ?? (model ? budgetShort(view, model, classification.type, memo) : null);
    if (model && unfit === null && why !== null) waitFor ??= model;
    if (model && why === null) eligible.push(model);
    else if (eligible.length === 0) skipped.push(`${id}: ${why}`);
  }
  return { ladder, skipped, eligible, waitFor };
}

/** The failed model again, when it can take the task: where a rejected task ends up last. */
function sameAgain(
  from: ModelRef,
  view: RoutingView,
  taskType: string,
  memo: DecisionMemo,
): RoutingModel | null {
  const self = view.models.find((m) => m.id === from.id);
  return self?.enabled &&
    self.unavailable === null &&
    budgetShort(view, self, taskType, memo) === null
    ? self
    : null;
}

/**
 * Where a rejection on `model` leads, as {@link escalate} decides it (for no task in
 * particular, so without exploring), without its reason: the step an escalation chain's
 * estimate follows. Null when the task would be blocked.
 */
export function nextAfterRejection(
  model: RoutingModel,
  classification: Classification,
  view: RoutingView,
  tried: readonly string[],
  attemptsLeft: number,
  memo: DecisionMemo,
): RoutingModel | null {
  const key = stepKey(memo, view, model.id, attemptsLeft, tried);
  const known = memo.next.get(key);
  if (known !== undefined) return known;
  const from = modelRef(model);
  const input = { classification, from, view, tried, attemptsLeft, taskId: undefined };
  const { eligible, waitFor } = ladderModels(from, input, memo);
  const first = eligible[0];
  const next = first
    ? (learnedEscalation(eligible, input, memo)?.model ?? first)
    : waitFor && view.costOptimization.whenOverBudget === 'wait'
      ? waitFor
      : sameAgain(from, view, classification.type, memo);
  memo.next.set(key, next);
  return next;
}

/**
 * Where a task goes after an attempt fails: the first model up the ladder that is available,
 * can do the work, is not weaker, has not run the task yet and has budget left (under learned
 * routing, the one of those with the lowest expected cost to an approved result; under
 * `when_over_budget: wait`, a model
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
  attemptsLeft = view.maxAttempts - Math.max(tried.length, 1),
  taskId,
  cause,
}: EscalateInput): Route {
  const input = { classification, from, view, tried, attemptsLeft, taskId };
  const memo = decisionMemo();
  const { ladder, skipped, eligible, waitFor } = ladderModels(from, input, memo);
  const what = cause
    ? `${from.id} ${failure === 'failed' ? 'could not run it' : 'was not approved'} (${cause})`
    : `${from.id} ${failure}`;
  const first = eligible[0];
  if (first) {
    const note = skipped.length > 0 ? ` (skipped ${skipped.join(', ')})` : '';
    const steps = ladder.join(' → ') || 'empty';
    const learned = learnedEscalation(eligible, input, memo);
    if (learned) {
      return {
        model: modelRef(learned.model),
        reason: `${what}; from its ladder (${steps}): ${learned.model.id}${note} (${learnedNote(learned)})`,
        estimates: learned.estimates,
      };
    }
    return {
      model: modelRef(first),
      reason: `${what}; next on its ladder (${steps}): ${first.id}${note}`,
    };
  }
  if (waitFor && view.costOptimization.whenOverBudget === 'wait') {
    return {
      model: modelRef(waitFor),
      reason: `${what}; no model on its ladder has budget left (${skipped.join('; ')}); ${waitFor.id} waits for its budget (when_over_budget: wait)`,
    };
  }
  const self = failure === 'rejected' ? sameAgain(from, view, classification.type, memo) : null;
  if (self) {
    return {
      model: modelRef(self),
      reason: `${what} and no stronger model is available${skipped.length > 0 ? ` (${skipped.join('; ')})` : ''}; trying ${from.id} again${cause ? '' : " with the reviewer's feedback"}`,
    };
  }
  const detail = skipped.length > 0 ? ` (${skipped.join('; ')})` : '';
  return { model: null, reason: `no model to escalate to after ${what}${detail}` };
}
