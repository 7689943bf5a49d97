import { type Dataset, outcomeOf } from './dataset.js';
import { noisyReviewer } from './reviewer.js';
import type { BenchSetup } from './run-policies.js';
import { streamRuns } from './run-policies.js';
import { sequencePolicy } from './sequence-policy.js';
import { streamOrder } from './stream-order.js';
import { type PolicySummary, summarize } from './summary.js';

/** Solved share and total cost of one model over every item, shipped as is. */
function alone(dataset: Dataset, model: string): { solved: number; costUsd: number } {
  let solved = 0;
  let costUsd = 0;
  for (const item of dataset.items) {
    const outcome = outcomeOf(dataset, model, item.id);
    solved += outcome.resolved ? 1 : 0;
    costUsd += outcome.costUsd;
  }
  return { solved: solved / dataset.items.length, costUsd };
}

/** Most solved within the budget, ties to the cheaper; the cheapest when none fits. */
function bestWithin<T>(
  options: readonly T[],
  figures: (option: T) => { solved: number; costUsd: number },
  budgetUsd: number,
): T {
  const scored = options.map((option) => ({ option, ...figures(option) }));
  const within = scored.filter((s) => s.costUsd <= budgetUsd);
  const ranked =
    within.length > 0
      ? within.sort((a, b) => b.solved - a.solved || a.costUsd - b.costUsd)
      : scored.sort((a, b) => a.costUsd - b.costUsd);
  const best = ranked[0];
  if (!best) throw new Error('bestWithin needs at least one option');
  return best.option;
}

/**
 * The strongest model (highest tier; ties to the one solving most in the data) and the
 * cheapest (lowest total cost in the data), our ids.
 *
 * @example
 * singleBaselines(dataset, benchModels(spec)); // { strongest: 'opus', cheapest: 'deepseek' }
 */
export function singleBaselines(
  dataset: Dataset,
  models: readonly { id: string; tier: number }[],
): { strongest: string; cheapest: string } {
  const figures = new Map(models.map((m) => [m.id, alone(dataset, m.id)]));
  const of = (id: string) => figures.get(id) as { solved: number; costUsd: number };
  const strongest = [...models].sort(
    (a, b) => b.tier - a.tier || of(b.id).solved - of(a.id).solved,
  )[0];
  const cheapest = [...models].sort((a, b) => of(a.id).costUsd - of(b.id).costUsd)[0];
  if (!strongest || !cheapest) throw new Error('singleBaselines needs at least one model');
  return { strongest: strongest.id, cheapest: cheapest.id };
}

/**
 * The best single model in hindsight: the one solving most items, shipped as is, for at most
 * `budgetUsd` over the dataset (the target's budget); the cheapest when none fits.
 *
 * @example
 * bestSingleModel(dataset, 90); // 'deepseek' on SWE-bench (60.0% for $14.04)
 */
export function bestSingleModel(dataset: Dataset, budgetUsd: number): string {
  return bestWithin(dataset.models, (model) => alone(dataset, model), budgetUsd);
}

/**
 * The best two-step cascade chosen in hindsight at one reviewer error rate: of every ordered
 * pair of models (the second runs when the reviewer rejects the first's work), the one solving
 * most on average over the seeds for at most `budgetUsd`. An upper baseline: the router cannot
 * know it in advance.
 *
 * @example
 * bestCascade(setup, 0.1, 5, 2.83).models; // ['mixtral', 'gpt-4']
 */
export function bestCascade(
  setup: BenchSetup,
  errorRate: number,
  seeds: number,
  budgetUsd: number,
  firstSeed = 1,
): { models: [string, string]; summary: PolicySummary } {
  const pairs = setup.dataset.models.flatMap((a) =>
    setup.dataset.models.filter((b) => b !== a).map((b): [string, string] => [a, b]),
  );
  const summaries = new Map(
    pairs.map((pair) => {
      const perSeed = Array.from({ length: seeds }, (_, i) =>
        streamRuns(
          setup,
          streamOrder(setup.dataset, firstSeed + i),
          () => sequencePolicy(pair),
          noisyReviewer(errorRate, firstSeed + i),
          true,
        ),
      );
      return [pair, summarize(perSeed)] as const;
    }),
  );
  const summaryOf = (pair: [string, string]) => summaries.get(pair) as PolicySummary;
  const models = bestWithin(
    pairs,
    (pair) => ({ solved: summaryOf(pair).solvedPct, costUsd: summaryOf(pair).costUsd }),
    budgetUsd,
  );
  return { models, summary: summaryOf(models) };
}
