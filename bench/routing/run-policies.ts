import type { LoadedConfig } from '../../src/config/load-config.js';
import { type Dataset, outcomeOf } from './dataset.js';
import { benchModels, cheapestModel, datasetModel, strongestModel } from './model-mapping.js';
import { type Rng, randomIndex, rngFor, shuffled } from './prng.js';
import { benchClassification, productionRouter } from './production-policy.js';
import { replayTask, type TaskPolicy, type TaskRun } from './replay.js';
import { noisyReviewer, type Review, shipAsIs } from './reviewer.js';
import { sequencePolicy } from './sequence-policy.js';

/** The policies compared, in the order the table lists them. */
export const policyNames = [
  'always strongest (opus)',
  'always cheapest (deepseek)',
  'random model',
  'fixed cost-aware cascade (rotation)',
  'ours (learned)',
  'shuffled control',
] as const;
export type PolicyName = (typeof policyNames)[number];

export interface PolicyRunsInput {
  dataset: Dataset;
  /** The configurations of the two production policies, loaded once. */
  configs: { learned: LoadedConfig; rotation: LoadedConfig };
  seed: number;
  /** The reviewer's error probability. */
  errorRate: number;
}

/**
 * Replays every policy over all the dataset's tasks, streamed in an order fixed by the seed;
 * each policy's runs come in that order. Single-model policies run once and ship as is; the
 * others are judged by a reviewer erring with `errorRate`. The shuffled control runs ours'
 * model sequences dealt out to other tasks, every model of a sequence run and paid for (the
 * first approved result ships): ours' mix of models and, in expectation, ours' spend, without
 * ours' choice of which task gets which models.
 *
 * @example
 * runPolicies({ dataset, configs, seed: 1, errorRate: 0.1 })['ours (learned)'][0].solved;
 */
export function runPolicies({
  dataset,
  configs,
  seed,
  errorRate,
}: PolicyRunsInput): Record<PolicyName, TaskRun[]> {
  const order = shuffled(dataset.instances, rngFor(seed, 'order'));
  const maxAttempts = configs.learned.config.max_attempts;
  const outcome = (model: string, instance: string) =>
    outcomeOf(dataset, datasetModel(model), instance);
  const reviewer = (name: PolicyName) => noisyReviewer(errorRate, rngFor(seed, `review:${name}`));
  const stream = (
    policyFor: (instance: string, index: number) => TaskPolicy,
    review: Review,
    stopAtApproval = true,
  ) =>
    order.map((instance, index) =>
      replayTask({
        instance,
        policy: policyFor(instance, index),
        review,
        maxAttempts,
        outcome,
        stopAtApproval,
      }),
    );
  const production = (loaded: LoadedConfig, name: PolicyName) => {
    const router = productionRouter(loaded, benchClassification);
    return stream((instance) => router.task(`seed${seed}:${instance}`), reviewer(name));
  };
  const randomRng: Rng = rngFor(seed, 'random model');
  const ours = production(configs.learned, 'ours (learned)');
  const dealt = shuffled(
    ours.map((run) => run.attempts.map((a) => a.model)),
    rngFor(seed, 'shuffled control'),
  );
  return {
    'always strongest (opus)': stream(() => sequencePolicy([strongestModel]), shipAsIs),
    'always cheapest (deepseek)': stream(() => sequencePolicy([cheapestModel]), shipAsIs),
    'random model': stream(
      () => sequencePolicy([benchModels[randomIndex(benchModels.length, randomRng)] as string]),
      shipAsIs,
    ),
    'fixed cost-aware cascade (rotation)': production(
      configs.rotation,
      'fixed cost-aware cascade (rotation)',
    ),
    'ours (learned)': ours,
    'shuffled control': stream(
      (_, index) => sequencePolicy(dealt[index] ?? []),
      reviewer('shuffled control'),
      false,
    ),
  };
}
