import { loadBenchConfig } from './bench-config.js';
import { type BenchModel, benchModels } from './bench-models.js';
import { loadDataset } from './dataset.js';
import { bestSingleModel, singleBaselines } from './hindsight.js';
import { readDatasetSpec } from './read-dataset-spec.js';
import type { BenchSetup } from './run-policies.js';

export type SetupLoad =
  | { ok: true; setup: BenchSetup; models: BenchModel[]; budgetUsd: number }
  | { ok: false; message: string };

/**
 * Everything one dataset's replays share, from its spec file: the spec, the data, our
 * configuration through the production loader, the single-model baselines and the target's
 * budget (its share of always-strongest's cost), which the hindsight baselines must keep to.
 * A bad spec, dataset or configuration comes back as one line.
 *
 * @example
 * const load = benchSetup('bench/routing/specs/routerbench-arc-mbpp.jsonc');
 * if (load.ok) load.setup.strongest; // 'gpt-4'
 */
export function benchSetup(specPath: string): SetupLoad {
  const read = readDatasetSpec(specPath);
  if (!read.ok) return read;
  const load = loadDataset(read.spec, read.dataFile);
  if (!load.ok) return load;
  const { dataset } = load;
  const models = benchModels(read.spec);
  let loaded: ReturnType<typeof loadBenchConfig>;
  try {
    loaded = loadBenchConfig(read.spec);
  } catch (error) {
    return { ok: false, message: `${read.path}: ${(error as Error).message}` };
  }
  const { strongest, cheapest } = singleBaselines(dataset, models);
  const strongestCost = dataset.items.reduce(
    (sum, item) => sum + (dataset.outcomes.get(strongest)?.get(item.id)?.costUsd ?? 0),
    0,
  );
  const budgetUsd = read.spec.target.max_cost_share * strongestCost;
  const bestSingle = bestSingleModel(dataset, budgetUsd);
  return {
    ok: true,
    setup: { spec: read.spec, dataset, loaded, strongest, cheapest, bestSingle },
    models,
    budgetUsd,
  };
}
