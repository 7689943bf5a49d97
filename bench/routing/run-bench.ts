import type { LoadedConfig } from '../../src/config/load-config.js';
import { bootstrapMean, type Interval } from './bootstrap.js';
import type { Dataset } from './dataset.js';
import { rngFor } from './prng.js';
import type { TaskRun } from './replay.js';
import { type PolicyName, policyNames, runPolicies } from './run-policies.js';
import { type PolicySummary, solvedDifferences, summarize } from './summary.js';

/** The bootstrap's own seed: the interval is the same on every run. */
const bootstrapSeed = 1;

/** The results for one reviewer error rate. */
export interface ErrorRateResult {
  errorRate: number;
  summaries: Record<PolicyName, PolicySummary>;
  /** Ours minus the shuffled control, in solved percentage points, with a 95% bootstrap CI. */
  margin: Interval;
  /** Share of ours' tasks that started on each model, over all seeds. */
  oursFirstModels: Record<string, number>;
  /** Mean attempts per task for ours. */
  oursAttempts: number;
}

export interface BenchInput {
  dataset: Dataset;
  configs: { learned: LoadedConfig; rotation: LoadedConfig };
  seeds: number;
  errorRates: readonly number[];
}

/**
 * The whole benchmark: every policy, for every reviewer error rate, over seeds 1..`seeds`.
 *
 * @example
 * runBench({ dataset, configs, seeds: 5, errorRates: [0, 0.1, 0.2] })[1].summaries['ours (learned)'];
 */
export function runBench({ dataset, configs, seeds, errorRates }: BenchInput): ErrorRateResult[] {
  return errorRates.map((errorRate) => {
    const bySeed = Array.from({ length: seeds }, (_, i) =>
      runPolicies({ dataset, configs, seed: i + 1, errorRate }),
    );
    const runsOf = (name: PolicyName) => bySeed.map((runs) => runs[name]);
    const summaries = Object.fromEntries(
      policyNames.map((name) => [name, summarize(runsOf(name))]),
    ) as Record<PolicyName, PolicySummary>;
    const ours = runsOf('ours (learned)');
    const differences = solvedDifferences(ours, runsOf('shuffled control'));
    const margin = bootstrapMean(differences, rngFor(bootstrapSeed, `bootstrap:p=${errorRate}`));
    return {
      errorRate,
      summaries,
      margin: { estimate: 100 * margin.estimate, low: 100 * margin.low, high: 100 * margin.high },
      oursFirstModels: firstModelShares(ours.flat()),
      oursAttempts:
        ours.flat().reduce((sum, run) => sum + run.attempts.length, 0) / ours.flat().length,
    };
  });
}

function firstModelShares(runs: readonly TaskRun[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const run of runs) {
    const first = run.attempts[0]?.model ?? 'none';
    counts[first] = (counts[first] ?? 0) + 1 / runs.length;
  }
  return counts;
}
