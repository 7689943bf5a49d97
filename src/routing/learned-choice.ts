import { type Classification, canRun, type RouteEstimate } from '../../machines/task-types.js';
import { type Chain, type DecisionMemo, decisionMemo } from './decision-memo.js';
import { nextAfterRejection, stepKey } from './escalate.js';
import { estimateCall } from './estimate-call.js';
import { modelRef, stableFraction } from './model-choice.js';
import { historyOf } from './model-history.js';
import type { RoutingModel, RoutingView } from './routing-view.js';
import { describeSimilar, type SimilarEvidence, shrunkBelief } from './similar-evidence.js';
import { spendPerTask } from './spend-per-task.js';

/**
 * Pseudo-observations the prior is worth: weak, so that a few real outcomes outweigh it.
 */
const priorStrength = 2;
const complexityShift = { simple: 0.1, moderate: 0, complex: -0.15 } as const;

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/** A Beta posterior's mean and how many observations (prior included) it rests on. */
function posterior(prior: number, approvals: number, attempts: number) {
  const weight = priorStrength + attempts;
  return { mean: (prior * priorStrength + approvals) / weight, weight };
}

/**
 * The chance the CTO approves `model`'s work on a task of this classification: the mean of a
 * Beta posterior over its approvals on this task type, whose prior comes from the catalog tier
 * (stronger, likelier) shifted by the complexity. A task that reaches a model after another
 * failed is likely harder, so first attempts and attempts after a failure (`afterFailure`) are
 * estimated apart, each starting from the model's chance over all its attempts.
 * With `optimism`, that many standard deviations of the posterior are added: what exploration
 * ranks by, so that a model little known (or unlucky early) gets its chance to show better.
 * With `similar` (reviewed tasks that read like this one), the estimate moves from the type's
 * toward the model's record on them, as far as they are many and close (`shrunkBelief`).
 *
 * @example
 * approvalChance(deepseek, { type: 'coding', complexity: 'simple' }, history); // 0.74
 * approvalChance(opus, classification, history, { afterFailure: true }); // 0.52
 */
export function approvalChance(
  model: Pick<RoutingModel, 'id' | 'tier'>,
  classification: Pick<Classification, 'type' | 'complexity'>,
  history: RoutingView['history'],
  {
    afterFailure = false,
    optimism = 0,
    similar,
  }: { afterFailure?: boolean; optimism?: number; similar?: SimilarEvidence | undefined } = {},
): number {
  const prior = clamp(
    0.35 + 0.12 * model.tier + complexityShift[classification.complexity],
    0.05,
    0.95,
  );
  const seen = historyOf(history, model.id, classification.type);
  // Every attempt informs both: the chance over all of them is where each position starts.
  const overall = posterior(prior, seen.approvals, seen.attempts).mean;
  const byType = afterFailure
    ? posterior(overall, seen.laterApprovals, seen.laterAttempts)
    : posterior(overall, seen.approvals - seen.laterApprovals, seen.attempts - seen.laterAttempts);
  const belief = shrunkBelief(byType, similar?.models[model.id]);
  const spread = Math.sqrt((belief.mean * (1 - belief.mean)) / (belief.weight + 1));
  return Math.min(0.99, belief.mean + optimism * spread);
}

/**
 * The chance a model's work is right, read from the chance the reviewer approves it when the
 * reviewer's verdict is wrong with probability `errorRate`: approvals = right·(1 − e) +
 * wrong·e, solved for right and kept within [0.01, 0.99] (an observed rate below e says the
 * work is seldom right, not that it is right a negative share of the time).
 *
 * @example
 * successChance(0.34, 0.1); // 0.3: of 34% approved, 7 points are wrong approvals
 * successChance(0.62, 0); // 0.62
 */
export function successChance(approval: number, errorRate: number): number {
  return clamp((approval - errorRate) / (1 - 2 * errorRate), 0.01, 0.99);
}

/**
 * What one execution of `model` on this task type is expected to cost: the mean of what its
 * executions cost, starting from the estimate at catalog prices (worth one execution). An
 * unpriced model with no history is taken as the most expensive.
 *
 * @example
 * attemptCost(deepseek, 'coding', view); // 0.012
 */
export function attemptCost(model: RoutingModel, taskType: string, view: RoutingView): number {
  const seen = historyOf(view.history, model.id, taskType);
  const priced = model.inputPrice !== null && model.outputPrice !== null;
  if (!priced && seen.attempts === 0) return Number.POSITIVE_INFINITY;
  const prior = estimateCall({
    kind: 'execute',
    model,
    taskType: null,
    history: [],
    defaultTokens: view.costOptimization.estimatedTokensPerCall,
    promptChars: 0,
  }).usd;
  return ((priced ? prior : 0) + seen.costUsd) / ((priced ? 1 : 0) + seen.attempts);
}

export type { Chain } from './decision-memo.js';

/**
 * Starting on `model` (after the models `tried`, which failed), what reaching an approved
 * result is expected to cost, counting the escalations a rejection leads to (the real ladder,
 * up to the attempts left), the chance the task ends approved at all, and the chance it ends
 * approved wrongly (the reviewer errs with `view.costOptimization.reviewerErrorRate`).
 * `memo` carries what the decision it is part of worked out already.
 *
 * @example
 * chainFrom(deepseek, classification, view, 3);
 * // { cost: 0.31, chance: 0.97, wronglyApproved: 0.02, path: ['deepseek', 'sonnet', 'opus'] }
 */
export function chainFrom(
  model: RoutingModel,
  classification: Classification,
  view: RoutingView,
  attemptsLeft: number,
  tried: readonly string[] = [],
  optimism = 0,
  memo: DecisionMemo = decisionMemo(),
): Chain {
  const key = stepKey(memo, view, model.id, attemptsLeft, tried, optimism);
  const known = memo.chains.get(key);
  if (known) return known;
  const p = memoApproval(model, classification, view, tried.length > 0, optimism, memo);
  const cost = memoCost(model, classification, view, memo);
  const path = [...tried, model.id];
  const next =
    attemptsLeft > 1
      ? nextAfterRejection(model, classification, view, path, attemptsLeft - 1, memo)
      : null;
  const rest = next
    ? chainFrom(next, classification, view, attemptsLeft - 1, path, 0, memo)
    : { cost: 0, chance: 0, wronglyApproved: 0, path: [] };
  const errorRate = view.costOptimization.reviewerErrorRate;
  const wrong = (1 - successChance(p, errorRate)) * errorRate;
  const chain = {
    cost: cost + (1 - p) * rest.cost,
    chance: p + (1 - p) * rest.chance,
    wronglyApproved: wrong + (1 - p) * rest.wronglyApproved,
    path: [model.id, ...rest.path],
  };
  memo.chains.set(key, chain);
  return chain;
}

/** {@link approvalChance} with the view's similar tasks, once per decision. */
function memoApproval(
  model: RoutingModel,
  classification: Classification,
  view: RoutingView,
  afterFailure: boolean,
  optimism: number,
  memo: DecisionMemo,
): number {
  const key = `${model.id}\u0000${afterFailure}\u0000${optimism}`;
  const known = memo.approvals.get(key);
  if (known !== undefined) return known;
  const chance = approvalChance(model, classification, view.history, {
    afterFailure,
    optimism,
    similar: view.similar,
  });
  memo.approvals.set(key, chance);
  return chance;
}

/** {@link attemptCost} of the decision's task type, once per decision. */
function memoCost(
  model: RoutingModel,
  classification: Classification,
  view: RoutingView,
  memo: DecisionMemo,
): number {
  const known = memo.costs.get(model.id);
  if (known !== undefined) return known;
  const cost = attemptCost(model, classification.type, view);
  memo.costs.set(model.id, cost);
  return cost;
}

/**
 * What a task still costs when its chain ends unapproved (blocked) or with a failure wrongly
 * approved: it has to be done anyway, so it is priced as finishing on the strongest model that
 * can take it, at that model's cost per try over its chance of being right after a failure.
 * Infinite when no model can.
 *
 * @example
 * finishCost(classification, view); // 1.9 (opus: $0.95 a try, approved half the time after a failure)
 */
export function finishCost(
  classification: Classification,
  view: RoutingView,
  memo: DecisionMemo = decisionMemo(),
): number {
  const strongest = strongestFor(classification, view, memo);
  if (!strongest) return Number.POSITIVE_INFINITY;
  const approval = memoApproval(strongest, classification, view, true, 0, memo);
  const chance = successChance(approval, view.costOptimization.reviewerErrorRate);
  return memoCost(strongest, classification, view, memo) / chance;
}

/** The strongest model that can take the task, the cheapest a try among equals. */
function strongestFor(
  classification: Classification,
  view: RoutingView,
  memo: DecisionMemo,
): RoutingModel | undefined {
  const cost = (model: RoutingModel) => memoCost(model, classification, view, memo);
  return view.models
    .filter((m) => m.enabled && m.unavailable === null && canRun(modelRef(m), classification))
    .sort((a, b) => b.tier - a.tier || cost(a) - cost(b))[0];
}

/**
 * What a task that ends unsolved (blocked, or a failure the reviewer wrongly approved) is
 * priced at: {@link finishCost} times `failure_weight`, while the type's mean spend per task is
 * below `quality_spend_share` of a try on the strongest model; at 1× once it is not, so that a
 * weight set to buy quality spends no more than the user allows (a budget, not a guess).
 *
 * @example
 * failurePrice(classification, view); // 0.019: $0.0019 to finish, weight 10, spend within share
 */
export function failurePrice(
  classification: Classification,
  view: RoutingView,
  memo: DecisionMemo = decisionMemo(),
): number {
  memo.failurePrice ??= unsolvedPrice(classification, view, memo);
  return memo.failurePrice;
}

function unsolvedPrice(classification: Classification, view: RoutingView, memo: DecisionMemo) {
  const finish = finishCost(classification, view, memo);
  const { failureWeight, qualitySpendShare } = view.costOptimization;
  if (failureWeight === 1) return finish;
  const spent = spendPerTask(view.history, classification.type);
  const strongest = strongestFor(classification, view, memo);
  if (spent === null || !strongest) return finish * failureWeight;
  const allowance = qualitySpendShare * memoCost(strongest, classification, view, memo);
  return spent < allowance ? finish * failureWeight : finish;
}

/**
 * The estimate for each candidate: its approval chance and cost per try, and over its whole
 * escalation chain the expected cost and the chance of an approved result; then the expected
 * cost to an approved result, which is what learned routing minimises: the chain's cost, plus
 * the {@link failurePrice} of a task the chain leaves unapproved or ends on a wrong approval (a
 * shipped failure still has to be done, so a cheap model seldom right starts fewer tasks). For an escalation, `tried`
 * names the models that failed and `attemptsLeft` what remains; with `optimism`, each
 * candidate's own chance is taken that many standard deviations high (exploration). `memo`
 * carries what the decision it is part of worked out already.
 *
 * @example
 * routeEstimates([deepseek, minimax], classification, view)[0];
 * // { model: 'deepseek', approval: 0.62, attemptCostUsd: 0.01, expectedCostUsd: 0.31, approvedChance: 0.97, costToApprovalUsd: 0.37, path: ['deepseek', 'sonnet', 'opus'] }
 */
export function routeEstimates(
  candidates: readonly RoutingModel[],
  classification: Classification,
  view: RoutingView,
  {
    tried = [],
    attemptsLeft = view.maxAttempts,
    optimism = 0,
    memo = decisionMemo(),
  }: {
    tried?: readonly string[];
    attemptsLeft?: number;
    optimism?: number;
    memo?: DecisionMemo;
  } = {},
): RouteEstimate[] {
  const finite = (value: number) => (Number.isFinite(value) ? value : null);
  const finish = failurePrice(classification, view, memo);
  return candidates.map((model) => {
    const chain = chainFrom(model, classification, view, attemptsLeft, tried, optimism, memo);
    const unfinished = 1 - chain.chance + chain.wronglyApproved;
    return {
      model: model.id,
      approval: memoApproval(model, classification, view, tried.length > 0, optimism, memo),
      attemptCostUsd: finite(memoCost(model, classification, view, memo)),
      expectedCostUsd: finite(chain.cost),
      approvedChance: chain.chance,
      costToApprovalUsd: finite(chain.cost + (unfinished > 0 ? unfinished * finish : 0)),
      path: chain.path,
    };
  });
}

/**
 * One estimate in words, as decisions keep it.
 *
 * @example
 * describeEstimate(estimate); // 'deepseek $0.0312 to approval (p=0.62, $0.0096 a try, chain deepseek → sonnet → opus approves 97%)'
 */
export function describeEstimate(estimate: RouteEstimate): string {
  const usd = (value: number | null) => (value === null ? 'unpriced' : `$${value.toFixed(4)}`);
  return `${estimate.model} ${usd(estimate.costToApprovalUsd)} to approval (p=${estimate.approval.toFixed(2)}, ${usd(estimate.attemptCostUsd)} a try, chain ${estimate.path.join(' → ')} approves ${Math.round(estimate.approvedChance * 100)}%)`;
}

export interface LearnedChoice {
  model: RoutingModel;
  /** In words: the choice, why, and every candidate's estimate. */
  reason: string;
  estimates: RouteEstimate[];
}

/** How far above its mean an exploring task takes each model's chance: two standard deviations. */
export const explorationOptimism = 2;

/**
 * Whether this task explores: a non-critical one (not complex, not a deployment) among the
 * configured share, chosen by its id so that a replay or a resumed task decides the same.
 *
 * @example
 * explores('t1', classification, view); // false for 95 tasks in 100 by default
 */
export function explores(
  taskId: string,
  classification: Pick<Classification, 'type' | 'complexity'>,
  view: RoutingView,
): boolean {
  const critical = classification.complexity === 'complex' || classification.type === 'deployment';
  return !critical && stableFraction(`${taskId}:explore`) < view.costOptimization.explorationShare;
}

function ranked(
  candidates: readonly RoutingModel[],
  estimates: readonly RouteEstimate[],
): { estimate: RouteEstimate; model: RoutingModel }[] {
  const score = (e: RouteEstimate) => e.costToApprovalUsd ?? Number.POSITIVE_INFINITY;
  return estimates
    .map((estimate, index) => ({ estimate, model: candidates[index] as RoutingModel }))
    .sort((a, b) => score(a.estimate) - score(b.estimate) || b.model.tier - a.model.tier);
}

/**
 * Learned routing's pick among the models a task may go to: the lowest expected cost to an
 * approved result. A small share of non-critical tasks (not complex, not deployments) explores
 * instead: each model's chance is taken optimistically (two standard deviations above its
 * posterior mean), so that a model little known, or unlucky early, is tried again in
 * proportion to how uncertain it is. Which tasks explore is fixed by the task id, so a replay
 * decides the same.
 *
 * @example
 * learnedChoice({ taskId: 't1', candidates: [deepseek, minimax], classification, view });
 * // { model: deepseek, reason: 'learned: deepseek has the lowest expected cost to an approved result; …', estimates: [...] }
 */
export function learnedChoice({
  taskId,
  candidates,
  classification,
  view,
}: {
  taskId: string;
  candidates: readonly RoutingModel[];
  classification: Classification;
  view: RoutingView;
}): LearnedChoice | undefined {
  if (candidates.length === 0) return undefined;
  const share = view.costOptimization.explorationShare;
  const exploring = candidates.length > 1 && explores(taskId, classification, view);
  const estimates = routeEstimates(candidates, classification, view, {
    optimism: exploring ? explorationOptimism : 0,
  });
  const order = ranked(candidates, estimates);
  const best = order[0] as (typeof order)[number];
  const figures = order.map((o) => describeEstimate(o.estimate)).join('; ');
  const why = exploring
    ? `learned, exploring (${Math.round(share * 100)}% of non-critical tasks, chances taken ${explorationOptimism} standard deviations high): ${best.model.id} has the lowest optimistic cost to an approved result`
    : `learned: ${best.model.id} has the lowest expected cost to an approved result`;
  const similar = view.similar ? `; ${describeSimilar(view.similar)}` : '';
  return { model: best.model, reason: `${why}${similar}; estimates: ${figures}`, estimates };
}
