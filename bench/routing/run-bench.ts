import { bootstrapMean, type Interval } from './bootstrap.js';
import { bestCascade } from './hindsight.js';
import { rngFor } from './prng.js';
import type { TaskRun } from './replay.js';
import { type BenchSetup, type PolicyKey, policyKeys, runPolicies } from './run-policies.js';
import { type PolicySummary, solvedDifferences, summarize } from './summary.js';

/** The bootstrap's own seed: the interval is the same on every run. */
const bootstrapSeed = 1;

/** The results for one reviewer error rate. */
export interface ErrorRateResult {
  errorRate: number;
  /** The policies that ran (ours with text only where production routing reads text). */
  summaries: Partial<Record<PolicyKey, PolicySummary>>;
  /** Each policy minus the control, in solved percentage points, with a 95% bootstrap CI. */
  margins: Partial<Record<PolicyKey, Interval>>;
  /** Ours with text minus ours by type only, when both ran. */
  textOverType: Interval | null;
  /** The two-step cascade chosen in hindsight at this error rate. */
  cascade: string[];
  /** Share of ours' items that started on each model, over all seeds, by policy. */
  firstModels: Partial<Record<PolicyKey, Record<string, number>>>;
}

export interface BenchInput {
  setup: BenchSetup;
  seeds: number;
  /** The first seed (1 by default): seeds `firstSeed` … `firstSeed + seeds − 1` run. */
  firstSeed?: number;
  errorRates: readonly number[];
  /** The budget of the hindsight baselines: the target's share of always-strongest's cost. */
  budgetUsd: number;
}

/**
 * The whole benchmark of one dataset: every policy, for every reviewer error rate, over seeds
 * `firstSeed`.. (1.. by default, `seeds` of them), with paired bootstrap margins over items.
 *
 * @example
 * runBench({ setup, seeds: 5, errorRates: [0, 0.1, 0.2], budgetUsd: 90 })[1].summaries['ours by type'];
 */
export function runBench({
  setup,
  seeds,
  firstSeed = 1,
  errorRates,
  budgetUsd,
}: BenchInput): ErrorRateResult[] {
  return errorRates.map((errorRate) => {
    const cascade = bestCascade(setup, errorRate, seeds, budgetUsd, firstSeed).models;
    const bySeed = Array.from({ length: seeds }, (_, i) =>
      runPolicies({ setup, seed: firstSeed + i, errorRate, cascade }),
    );
    const ran = policyKeys.filter((key) => bySeed[0]?.[key] !== undefined);
    const runsOf = (key: PolicyKey) => bySeed.map((runs) => runs[key] as TaskRun[]);
    const margin = (a: PolicyKey, b: PolicyKey) => {
      const m = bootstrapMean(
        solvedDifferences(runsOf(a), runsOf(b)),
        rngFor(bootstrapSeed, `bootstrap:${a}-${b}:p=${errorRate}`),
      );
      return { estimate: 100 * m.estimate, low: 100 * m.low, high: 100 * m.high };
    };
    const ours = ran.filter((key) => key.startsWith('ours'));
    return {
      errorRate,
      cascade,
      summaries: Object.fromEntries(ran.map((key) => [key, summarize(runsOf(key))])),
      margins: Object.fromEntries(
        ran.filter((key) => key !== 'control').map((key) => [key, margin(key, 'control')]),
      ),
      textOverType: ran.includes('ours with text')
        ? margin('ours with text', 'ours by type')
        : null,
      firstModels: Object.fromEntries(
        ours.map((key) => [key, firstModelShares(runsOf(key).flat())]),
      ),
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
