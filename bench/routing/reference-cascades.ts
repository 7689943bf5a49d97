import { type Dataset, outcomeOf } from './dataset.js';
import { replayTask } from './replay.js';
import { perfectReviewer } from './reviewer.js';
import { sequencePolicy } from './sequence-policy.js';

/**
 * A cascade replayed with a perfect failure detector (the assumption of published cascade
 * figures): each model in turn until one solves the item. Models are our ids.
 *
 * @example
 * perfectCascade(dataset, ['deepseek', 'opus']); // { solvedPct: 77.6, costUsd: 208.96 } on SWE-bench
 */
export function perfectCascade(
  dataset: Dataset,
  models: readonly string[],
): { solvedPct: number; costUsd: number } {
  const runs = dataset.items.map((item) =>
    replayTask({
      instance: item.id,
      policy: sequencePolicy(models),
      review: perfectReviewer,
      maxAttempts: models.length,
      outcome: (model, id) => outcomeOf(dataset, model, id),
    }),
  );
  return {
    solvedPct: (100 * runs.filter((run) => run.solved).length) / runs.length,
    costUsd: runs.reduce((sum, run) => sum + run.costUsd, 0),
  };
}

/**
 * The oracle over some models: per item the cheapest of them that solves it, else the
 * cheapest attempt. No router over these models can do better.
 *
 * @example
 * oracle(dataset, dataset.models); // { solvedPct: 85.2, costUsd: 55.73 } on SWE-bench
 */
export function oracle(
  dataset: Dataset,
  models: readonly string[],
): { solvedPct: number; costUsd: number } {
  let solved = 0;
  let costUsd = 0;
  for (const item of dataset.items) {
    const outcomes = models.map((model) => outcomeOf(dataset, model, item.id));
    const solving = outcomes.filter((o) => o.resolved);
    if (solving.length > 0) solved += 1;
    costUsd += Math.min(...(solving.length > 0 ? solving : outcomes).map((o) => o.costUsd));
  }
  return { solvedPct: (100 * solved) / dataset.items.length, costUsd };
}
