import { stableFraction } from './model-choice.js';
import { historyOf } from './model-history.js';
import type { RoutingModel, RoutingView } from './routing-view.js';

/**
 * Rotation weights: models with little history get more work, so that performance data is
 * collected on every eligible model (weight 1 / (1 + attempts so far)).
 *
 * @example
 * rotationWeights([deepseek, minimax], history); // [0.1, 1] when deepseek has 9 attempts
 */
export function rotationWeights(
  candidates: readonly RoutingModel[],
  history: RoutingView['history'],
): number[] {
  return candidates.map((model) => 1 / (1 + historyOf(history, model.id).attempts));
}

/**
 * Picks one candidate with the rotation weights, deterministically for a given key.
 *
 * @example
 * rotate([deepseek, minimax], view.history, 'task-42:route'); // the same model every time
 */
export function rotate(
  candidates: readonly RoutingModel[],
  history: RoutingView['history'],
  key: string,
): RoutingModel | undefined {
  const weights = rotationWeights(candidates, history);
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let point = stableFraction(key) * total;
  for (const [index, candidate] of candidates.entries()) {
    point -= weights[index] ?? 0;
    if (point < 0) return candidate;
  }
  return candidates.at(-1);
}
