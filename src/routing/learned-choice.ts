import type { Classification, RouteEstimate } from '../../machines/task-types.js';
import { escalate } from './escalate.js';
import { estimateCall } from './estimate-call.js';
import { modelRef, stableFraction } from './model-choice.js';
import { historyOf } from './model-history.js';
import type { RoutingModel, RoutingView } from './routing-view.js';

/**
 * Pseudo-observations the prior is worth: weak, so that a few real outcomes outweigh it.
 */
const priorStrength = 2;
const complexityShift = { simple: 0.1, moderate: 0, complex: -0.15 } as const;

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

const posterior = (prior: number, approvals: number, attempts: number) =>
  (prior * priorStrength + approvals) / (priorStrength + attempts);

/**
 * The chance the CTO approves `model`'s work on a task of this classification: the mean of a
 * Beta posterior over its approvals on this task type, whose prior comes from the catalog tier
 * (stronger, likelier) shifted by the complexity. As a first attempt it counts first attempts;
 * after an earlier attempt failed (`afterFailure`) the task is likely harder, so it counts the
 * attempts that came after a failure, starting from the model's chance over all its attempts.
 *
 * @example
 * approvalChance(deepseek, { type: 'coding', complexity: 'simple' }, history); // 0.74
 * approvalChance(opus, classification, history, { afterFailure: true }); // 0.52
 */
export function approvalChance(
  model: Pick<RoutingModel, 'id' | 'tier'>,
  classification: Pick<Classification, 'type' | 'complexity'>,
  history: RoutingView['history'],
  { afterFailure = false }: { afterFailure?: boolean } = {},
): number {
  const prior = clamp(
    0.35 + 0.12 * model.tier + complexityShift[classification.complexity],
    0.05,
    0.95,
  );
  const seen = historyOf(history, model.id, classification.type);
  if (afterFailure) {
    const overall = posterior(prior, seen.approvals, seen.attempts);
    return posterior(overall, seen.laterApprovals, seen.laterAttempts);
  }
  return posterior(prior, seen.approvals - seen.laterApprovals, seen.attempts - seen.laterAttempts);
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

export interface Chain {
  cost: number;
  chance: number;
  path: string[];
}

/**
 * Starting on `model` (after the models `tried`, which failed), what reaching an approved
 * result is expected to cost, counting the escalations a failure leads to (the real ladder,
 * up to the attempts left), and the chance the task ends approved at all.
 *
 * @example
 * chainFrom(deepseek, classification, view, 3); // { cost: 0.31, chance: 0.97, path: ['deepseek', 'sonnet', 'opus'] }
 */
export function chainFrom(
  model: RoutingModel,
  classification: Classification,
  view: RoutingView,
  attemptsLeft: number,
  tried: readonly string[] = [],
): Chain {
  const p = approvalChance(model, classification, view.history, {
    afterFailure: tried.length > 0,
  });
  const cost = attemptCost(model, classification.type, view);
  const path = [...tried, model.id];
  const next =
    attemptsLeft > 1
      ? escalate({
          classification,
          from: modelRef(model),
          failure: 'rejected',
          view,
          tried: path,
          attemptsLeft: attemptsLeft - 1,
        }).model
      : null;
  const nextModel = next ? view.models.find((m) => m.id === next.id) : undefined;
  const rest = nextModel
    ? chainFrom(nextModel, classification, view, attemptsLeft - 1, path)
    : { cost: 0, chance: 0, path: [] };
  return {
    cost: cost + (1 - p) * rest.cost,
    chance: p + (1 - p) * rest.chance,
    path: [model.id, ...rest.path],
  };
}

/**
 * The estimate for each candidate: its approval chance and cost per try, and over its whole
 * escalation chain the expected cost, the chance of an approved result and their ratio. For
 * an escalation, `tried` names the models that failed and `attemptsLeft` what remains.
 *
 * @example
 * routeEstimates([deepseek, minimax], classification, view)[0];
 * // { model: 'deepseek', approval: 0.62, attemptCostUsd: 0.01, expectedCostUsd: 0.31, approvedChance: 0.97, costPerApprovalUsd: 0.32, path: ['deepseek', 'sonnet', 'opus'] }
 */
export function routeEstimates(
  candidates: readonly RoutingModel[],
  classification: Classification,
  view: RoutingView,
  {
    tried = [],
    attemptsLeft = view.maxAttempts,
  }: { tried?: readonly string[]; attemptsLeft?: number } = {},
): RouteEstimate[] {
  const finite = (value: number) => (Number.isFinite(value) ? value : null);
  return candidates.map((model) => {
    const chain = chainFrom(model, classification, view, attemptsLeft, tried);
    return {
      model: model.id,
      approval: approvalChance(model, classification, view.history, {
        afterFailure: tried.length > 0,
      }),
      attemptCostUsd: finite(attemptCost(model, classification.type, view)),
      expectedCostUsd: finite(chain.cost),
      approvedChance: chain.chance,
      costPerApprovalUsd: chain.chance > 0 ? finite(chain.cost / chain.chance) : null,
      path: chain.path,
    };
  });
}

/**
 * One estimate in words, as decisions keep it.
 *
 * @example
 * describeEstimate(estimate); // 'deepseek $0.0312 per approval (p=0.62, $0.0096 a try, chain deepseek → sonnet → opus approves 97%)'
 */
export function describeEstimate(estimate: RouteEstimate): string {
  const usd = (value: number | null) => (value === null ? 'unpriced' : `$${value.toFixed(4)}`);
  return `${estimate.model} ${usd(estimate.costPerApprovalUsd)} per approval (p=${estimate.approval.toFixed(2)}, ${usd(estimate.attemptCostUsd)} a try, chain ${estimate.path.join(' → ')} approves ${Math.round(estimate.approvedChance * 100)}%)`;
}

export interface LearnedChoice {
  model: RoutingModel;
  /** In words: the choice, why, and every candidate's estimate. */
  reason: string;
  estimates: RouteEstimate[];
}

/**
 * Learned routing's pick among the models a task may go to: the lowest expected cost to an
 * approved result. A small share of non-critical tasks (not complex, not deployments) goes
 * instead to the candidate with the least history for the task type, so that estimates keep
 * improving; which tasks explore is fixed by the task id, so a replay decides the same.
 *
 * @example
 * learnedChoice({ taskId: 't1', candidates: [deepseek, minimax], classification, view });
 * // { model: deepseek, reason: 'learned: deepseek has the lowest expected cost per approved result: …', estimates: [...] }
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
  const estimates = routeEstimates(candidates, classification, view);
  const score = (e: RouteEstimate) => e.costPerApprovalUsd ?? Number.POSITIVE_INFINITY;
  const order = estimates
    .map((estimate, index) => ({ estimate, model: candidates[index] as RoutingModel }))
    .sort((a, b) => score(a.estimate) - score(b.estimate) || b.model.tier - a.model.tier);
  const ranked = order.map((o) => describeEstimate(o.estimate)).join('; ');
  const critical = classification.complexity === 'complex' || classification.type === 'deployment';
  const share = view.costOptimization.explorationShare;
  if (!critical && candidates.length > 1 && stableFraction(`${taskId}:explore`) < share) {
    const attempts = (m: RoutingModel) =>
      historyOf(view.history, m.id, classification.type).attempts;
    const least = [...order].sort((a, b) => attempts(a.model) - attempts(b.model))[0];
    if (least) {
      return {
        model: least.model,
        reason: `learned, exploring (${Math.round(share * 100)}% of non-critical tasks): ${least.model.id} has the least ${classification.type} history (${attempts(least.model)} attempts); estimates: ${ranked}`,
        estimates,
      };
    }
  }
  const best = order[0] as (typeof order)[number];
  return {
    model: best.model,
    reason: `learned: ${best.model.id} has the lowest expected cost per approved result; estimates: ${ranked}`,
    estimates,
  };
}
