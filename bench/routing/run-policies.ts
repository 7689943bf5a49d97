import type { LoadedConfig } from '../../src/config/load-config.js';
import { loadBenchConfig } from './bench-config.js';
import { type Dataset, type Item, outcomeOf } from './dataset.js';
import type { DatasetSpec } from './dataset-spec-schema.js';
import { itemClassification } from './item-classification.js';
import { rngFor, shuffled } from './prng.js';
import { type ProductionRouter, productionRouter } from './production-policy.js';
import { replayTask, type TaskPolicy, type TaskRun } from './replay.js';
import { noisyReviewer, type Review, shipAsIs } from './reviewer.js';
import { sequencePolicy } from './sequence-policy.js';
import { streamOrder } from './stream-order.js';

/** The policies compared, in the order the table lists them. */
export const policyKeys = [
  'strongest',
  'cheapest',
  'best single',
  'best cascade',
  'ours by type',
  'ours with text',
  'control',
] as const;
export type PolicyKey = (typeof policyKeys)[number];

/** A policy that learns as the items stream by: asked for each item in turn. */
export type StreamPolicy = (item: Item) => TaskPolicy;

/** What the replays of one dataset share, fixed before any seed runs. */
export interface BenchSetup {
  spec: DatasetSpec;
  dataset: Dataset;
  loaded: LoadedConfig;
  /** Our ids of the single-model baselines. */
  strongest: string;
  cheapest: string;
  bestSingle: string;
}

/**
 * Ours: the production routing (routeTask, escalate) under the bench configuration with the
 * reviewer's error rate set (`reviewerErrorRate`, as the user would), learning online from
 * every attempt, one router per task type (learned routing conditions on the type). By type
 * only, or (`text`) also conditioning on reviewed past items whose text reads like this one's.
 *
 * @example
 * const policy = ours(setup, 1, { text: true, reviewerErrorRate: 0.1 });
 * replayTask({ instance: item.id, policy: policy(item), … });
 */
export function ours(
  setup: BenchSetup,
  seed: number,
  { text, reviewerErrorRate }: { text: boolean; reviewerErrorRate: number },
): StreamPolicy {
  const routers = new Map<string, ProductionRouter>();
  const loaded = loadBenchConfig(setup.spec, reviewerErrorRate);
  return (item) => {
    const router =
      routers.get(item.type) ??
      productionRouter(loaded, itemClassification(setup.spec, item), { text });
    routers.set(item.type, router);
    return router.task(`seed${seed}:${item.id}`, item.text ?? undefined);
  };
}

export interface PolicyRunsInput {
  setup: BenchSetup;
  seed: number;
  /** The reviewer's error probability. */
  errorRate: number;
  /** The two-step cascade chosen in hindsight for this error rate (our ids). */
  cascade: readonly string[];
}

/**
 * Replays every policy over the dataset's items, streamed in the seed's order; each policy's
 * runs come in that order (ours with text only where the data has text). Single-model policies run once and ship as is; the others are
 * judged by a reviewer erring with `errorRate`. The control runs ours' model sequences (with
 * text when it is there) dealt out to other items, each model of a sequence run and paid for
 * (the first approved result ships): ours' mix of models and, in expectation, ours' spend,
 * without ours' choice of which item gets which models.
 *
 * @example
 * runPolicies({ setup, seed: 1, errorRate: 0.1, cascade: ['mixtral', 'gpt-4'] })['ours by type'][0].solved;
 */
export function runPolicies({
  setup,
  seed,
  errorRate,
  cascade,
}: PolicyRunsInput): Partial<Record<PolicyKey, TaskRun[]>> {
  const order = streamOrder(setup.dataset, seed);
  const stream = (policy: StreamPolicy, review: Review, stopAtApproval = true) =>
    streamRuns(setup, order, policy, review, stopAtApproval);
  const reviewer = noisyReviewer(errorRate, seed);
  const single = (model: string) => stream(() => sequencePolicy([model]), shipAsIs);
  const runs: Partial<Record<PolicyKey, TaskRun[]>> = {
    strongest: single(setup.strongest),
    cheapest: single(setup.cheapest),
    'best single': single(setup.bestSingle),
    'best cascade': stream(() => sequencePolicy(cascade), reviewer),
    'ours by type': stream(
      ours(setup, seed, { text: false, reviewerErrorRate: errorRate }),
      reviewer,
    ),
  };
  // Without text in the data, ours with text would be ours by type under another name.
  if (setup.spec.text) {
    runs['ours with text'] = stream(
      ours(setup, seed, { text: true, reviewerErrorRate: errorRate }),
      reviewer,
    );
  }
  const headline = runs['ours with text'] ?? (runs['ours by type'] as TaskRun[]);
  const dealt = shuffled(
    headline.map((run) => run.attempts.map((a) => a.model)),
    rngFor(seed, 'shuffled control'),
  );
  let at = 0;
  runs.control = stream(() => sequencePolicy(dealt[at++] ?? []), reviewer, false);
  return runs;
}

/**
 * Replays one policy over items in the given order, with the configuration's attempt limit.
 *
 * @example
 * streamRuns(setup, streamOrder(dataset, 1), () => sequencePolicy(['opus']), shipAsIs, true);
 */
export function streamRuns(
  setup: BenchSetup,
  order: readonly Item[],
  policy: StreamPolicy,
  review: Review,
  stopAtApproval: boolean,
): TaskRun[] {
  const outcome = (model: string, item: string) => outcomeOf(setup.dataset, model, item);
  return order.map((item) =>
    replayTask({
      instance: item.id,
      policy: policy(item),
      review,
      maxAttempts: Math.max(setup.loaded.config.max_attempts, 1),
      outcome,
      stopAtApproval,
    }),
  );
}
