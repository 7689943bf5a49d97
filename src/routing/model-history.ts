import { addPerformance, emptyPerformance, type PerformanceRow } from '../store/performance-row.js';

/**
 * A model's history added up, over one task type or (without `type`) all of them.
 *
 * @example
 * historyOf(view.history, 'deepseek', 'coding').approvals; // 41
 */
export function historyOf(
  history: readonly PerformanceRow[],
  model: string,
  type?: string,
): PerformanceRow {
  let total = emptyPerformance(model, type ?? '*');
  for (const row of history) {
    if (row.model === model && (type === undefined || row.taskType === type))
      total = addPerformance(total, { ...row, taskType: total.taskType });
  }
  return total;
}
