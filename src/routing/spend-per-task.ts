import type { PerformanceRow } from '../store/performance-row.js';

/**
 * What the tasks of a type have cost so far, per task: the history's dollars over its first
 * attempts (each task has one). Null before the first task.
 *
 * @example
 * spendPerTask(history, 'coding'); // 0.0021: 42 tasks, $0.088 over all their attempts
 */
export function spendPerTask(history: readonly PerformanceRow[], taskType: string): number | null {
  let spent = 0;
  let tasks = 0;
  for (const row of history) {
    if (row.taskType !== taskType) continue;
    spent += row.costUsd;
    tasks += row.attempts - row.laterAttempts;
  }
  return tasks > 0 ? spent / tasks : null;
}
