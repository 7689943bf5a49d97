import type { TaskRun } from './replay.js';

/** A policy over several seeds: means, with the range of the solved share. */
export interface PolicySummary {
  solvedPct: number;
  solvedPctMin: number;
  solvedPctMax: number;
  /** Worker cost over all the tasks, from the data. */
  costUsd: number;
  /** Total cost over tasks solved (null when none is). */
  costPerSolvedUsd: number | null;
}

const solvedPct = (runs: readonly TaskRun[]) =>
  (100 * runs.filter((run) => run.solved).length) / runs.length;
const cost = (runs: readonly TaskRun[]) => runs.reduce((sum, run) => sum + run.costUsd, 0);
const mean = (values: readonly number[]) =>
  values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * Sums up one policy's replays, one list of task runs per seed.
 *
 * @example
 * summarize([seed1Runs, seed2Runs]).solvedPct; // the mean of the two seeds' solved shares
 */
export function summarize(perSeed: readonly (readonly TaskRun[])[]): PolicySummary {
  const solved = perSeed.map(solvedPct);
  const costUsd = mean(perSeed.map(cost));
  const solvedTasks = (mean(solved) / 100) * (perSeed[0]?.length ?? 0);
  return {
    solvedPct: mean(solved),
    solvedPctMin: Math.min(...solved),
    solvedPctMax: Math.max(...solved),
    costUsd,
    costPerSolvedUsd: solvedTasks > 0 ? costUsd / solvedTasks : null,
  };
}

/**
 * Per task, how much more often policy A solved it than policy B (1, 0 or -1 for one seed,
 * averaged over seeds): the values a paired bootstrap over tasks resamples.
 *
 * @example
 * solvedDifferences([oursSeed1], [controlSeed1]); // [0, 1, 0, -1, …], one per task
 */
export function solvedDifferences(
  a: readonly (readonly TaskRun[])[],
  b: readonly (readonly TaskRun[])[],
): number[] {
  const byTask = new Map<string, number>();
  const add = (runs: readonly (readonly TaskRun[])[], sign: number) => {
    for (const seedRuns of runs) {
      for (const run of seedRuns) {
        const value = run.solved ? sign / runs.length : 0;
        byTask.set(run.instance, (byTask.get(run.instance) ?? 0) + value);
      }
    }
  };
  add(a, 1);
  add(b, -1);
  return [...byTask.keys()].sort().map((task) => byTask.get(task) ?? 0);
}
