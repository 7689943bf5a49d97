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
  // Rows are read, never changed, so a single match is returned as it is: routing asks this
  // for every candidate model several times per decision.
  let total: PerformanceRow | undefined;
  for (const row of history) {
    if (row.model !== model || (type !== undefined && row.taskType !== type)) continue;
    total = total === undefined ? row : addPerformance(total, row);
  }
  if (total === undefined) return emptyPerformance(model, type ?? '*');
  return total.taskType === (type ?? '*') ? total : { ...total, taskType: type ?? '*' };
}
