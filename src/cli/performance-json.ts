import { addPerformance, emptyPerformance, type PerformanceRow } from '../store/performance-row.js';

/**
 * One model's (or one model and task type's) figures as the original's
 * `model_performance.json` has them. A "task" there is one attempt the CTO reviewed (or that
 * failed): `total_tasks` counts attempts, `successful_tasks` the approved ones. Rates are in
 * 0..1, rounded to 4 places, and null where there is nothing to divide.
 */
export interface PerformanceStats {
  total_tasks: number;
  successful_tasks: number;
  failed_tasks: number;
  /** The CTO's approval rate: approvals / attempts. */
  success_rate: number | null;
  /** Mean review quality (1–10), over the attempts that were reviewed. */
  avg_quality_score: number | null;
  escalations: number;
  escalation_rate: number | null;
  avg_time_seconds: number | null;
  total_tokens: number;
  total_cost_usd: number;
}

export interface ModelPerformance extends PerformanceStats {
  task_types: Record<string, PerformanceStats>;
}

/** The whole file: every model, and a summary over all of them. */
export interface PerformanceJson {
  models: Record<string, ModelPerformance>;
  summary: {
    total_tasks: number;
    successful_tasks: number;
    overall_success_rate: number | null;
    total_tokens: number;
    total_cost_usd: number;
    /** How many models have history. */
    models_used: number;
    best_model_by_success_rate: string | null;
    /** When this export was made (ISO 8601). */
    last_updated: string;
  };
}

const round = (value: number, places: number) => {
  const factor = 10 ** places;
  return Math.round(value * factor) / factor;
};
const ratio = (part: number, whole: number, places: number) =>
  whole > 0 ? round(part / whole, places) : null;

/**
 * The original's figures for one row (a model's total, or one task type of it).
 *
 * @example
 * performanceStats({ ...emptyPerformance('deepseek', 'coding'), attempts: 4, approvals: 3 }).success_rate; // 0.75
 */
export function performanceStats(row: PerformanceRow): PerformanceStats {
  return {
    total_tasks: row.attempts,
    successful_tasks: row.approvals,
    failed_tasks: row.attempts - row.approvals,
    success_rate: ratio(row.approvals, row.attempts, 4),
    avg_quality_score: ratio(row.qualitySum, row.reviews, 2),
    escalations: row.escalations,
    escalation_rate: ratio(row.escalations, row.attempts, 4),
    avg_time_seconds: ratio(row.latencyMs / 1000, row.attempts, 3),
    total_tokens: row.inputTokens + row.outputTokens,
    total_cost_usd: round(row.costUsd, 6),
  };
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The performance history in the original's `model_performance.json` shape, so that jq
 * one-liners written for it keep working: models and task types in name order, and a summary
 * whose best model has the highest approval rate (more attempts, then the name, break ties).
 *
 * @example
 * performanceJson(
 *   [{ ...emptyPerformance('deepseek', 'coding'), attempts: 4, approvals: 3, escalations: 1 }],
 *   new Date('2026-11-24T12:00:00Z'),
 * );
 * // { models: { deepseek: { total_tasks: 4, successful_tasks: 3, failed_tasks: 1, success_rate: 0.75,
 * //   escalation_rate: 0.25, …, task_types: { coding: { total_tasks: 4, … } } } },
 * //   summary: { total_tasks: 4, successful_tasks: 3, overall_success_rate: 0.75, models_used: 1,
 * //   best_model_by_success_rate: 'deepseek', last_updated: '2026-11-24T12:00:00.000Z', … } }
 */
export function performanceJson(rows: readonly PerformanceRow[], now: Date): PerformanceJson {
  const perModel = new Map<string, PerformanceRow[]>();
  for (const row of rows) perModel.set(row.model, [...(perModel.get(row.model) ?? []), row]);
  const models: Record<string, ModelPerformance> = {};
  let all = emptyPerformance('*', '*');
  for (const model of [...perModel.keys()].sort(byName)) {
    const own = perModel.get(model) ?? [];
    const perType = new Map<string, PerformanceRow>();
    for (const row of own)
      perType.set(
        row.taskType,
        addPerformance(perType.get(row.taskType) ?? emptyPerformance(model, row.taskType), row),
      );
    const total = own.reduce(
      (sum, row) => addPerformance(sum, { ...row, taskType: '*' }),
      emptyPerformance(model, '*'),
    );
    all = addPerformance(all, { ...total, model: '*' });
    const task_types: Record<string, PerformanceStats> = {};
    for (const type of [...perType.keys()].sort(byName))
      task_types[type] = performanceStats(perType.get(type) as PerformanceRow);
    models[model] = { ...performanceStats(total), task_types };
  }
  const ranked = Object.entries(models)
    .filter(([, stats]) => stats.success_rate !== null)
    .sort(
      ([a, x], [b, y]) =>
        (y.success_rate ?? 0) - (x.success_rate ?? 0) ||
        y.total_tasks - x.total_tasks ||
        byName(a, b),
    );
  const overall = performanceStats(all);
  return {
    models,
    summary: {
      total_tasks: overall.total_tasks,
      successful_tasks: overall.successful_tasks,
      overall_success_rate: overall.success_rate,
      total_tokens: overall.total_tokens,
      total_cost_usd: overall.total_cost_usd,
      models_used: Object.keys(models).length,
      best_model_by_success_rate: ranked[0]?.[0] ?? null,
      last_updated: now.toISOString(),
    },
  };
}
