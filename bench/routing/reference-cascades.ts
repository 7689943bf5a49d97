import { type Dataset, outcomeOf } from './dataset.js';
import { replayTask } from './replay.js';
import { perfectReviewer } from './reviewer.js';
import { sequencePolicy } from './sequence-policy.js';

/** A cascade from the dataset's README, with the figures it gives (perfect failure detector). */
export interface ReferenceCascade {
  /** Dataset model ids, in the order tried. */
  models: string[];
  readme: { solvedPct: number; costUsd: number };
}

export const readmeCascades: readonly ReferenceCascade[] = [
  { models: ['claude-opus-4-5-20251101'], readme: { solvedPct: 74.4, costUsd: 360.62 } },
  {
    models: ['deepseek-v3.2-reasoner', 'claude-opus-4-5-20251101'],
    readme: { solvedPct: 77.6, costUsd: 208.96 },
  },
  {
    models: ['deepseek-v3.2-reasoner', 'gpt-5-mini-2025-08-07', 'claude-opus-4-5-20251101'],
    readme: { solvedPct: 79.4, costUsd: 174.96 },
  },
  {
    models: [
      'deepseek-v3.2-reasoner',
      'gpt-5-mini-2025-08-07',
      'gpt-5-2025-08-07',
      'claude-opus-4-5-20251101',
    ],
    readme: { solvedPct: 80.6, costUsd: 214.55 },
  },
  {
    models: ['claude-sonnet-4-5-20250929', 'claude-opus-4-5-20251101'],
    readme: { solvedPct: 79.0, costUsd: 425.06 },
  },
];

/**
 * A cascade replayed with a perfect failure detector (the README's assumption): each model in
 * turn until one solves the task. Models are dataset ids.
 *
 * @example
 * perfectCascade(dataset, ['deepseek-v3.2-reasoner', 'claude-opus-4-5-20251101']);
 * // { solvedPct: 77.6, costUsd: 208.96 }
 */
export function perfectCascade(
  dataset: Dataset,
  models: readonly string[],
): { solvedPct: number; costUsd: number } {
  const runs = dataset.instances.map((instance) =>
    replayTask({
      instance,
      policy: sequencePolicy(models),
      review: perfectReviewer,
      maxAttempts: models.length,
      outcome: (model, task) => outcomeOf(dataset, model, task),
    }),
  );
  return {
    solvedPct: (100 * runs.filter((run) => run.solved).length) / runs.length,
    costUsd: runs.reduce((sum, run) => sum + run.costUsd, 0),
  };
}

/**
 * The oracle over some models: per task the cheapest of them that solves it, else the cheapest
 * attempt. No router over these models can do better.
 *
 * @example
 * oracle(dataset, benchModels.map(datasetModel)); // { solvedPct: 85.2, costUsd: 55.73 } on the real data
 */
export function oracle(
  dataset: Dataset,
  models: readonly string[],
): { solvedPct: number; costUsd: number } {
  let solved = 0;
  let costUsd = 0;
  for (const instance of dataset.instances) {
    const outcomes = models.map((model) => outcomeOf(dataset, model, instance));
    const solving = outcomes.filter((o) => o.resolved);
    if (solving.length > 0) solved += 1;
    costUsd += Math.min(...(solving.length > 0 ? solving : outcomes).map((o) => o.costUsd));
  }
  return { solvedPct: (100 * solved) / dataset.instances.length, costUsd };
}
