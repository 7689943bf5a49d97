import { z } from 'zod';
import type { ConfigSource } from '../config/config-source.js';
import { budgetLimits } from '../routing/budget-limits.js';
import { sourceHealthSchema } from '../sources/source-health.js';
import { budgetUsageSchema } from '../store/budget-records.js';
import { taskStatusSchema } from '../store/store.js';
import type { Orchestrator } from './create-orchestrator.js';

/** The orchestrator at a glance: what `cto status --json` and the HTTP API's status give. */
export const statusReportSchema = z.object({
  config: z.object({
    file: z.string().nullable(),
    loadedAt: z.string().nullable(),
    /** The problems of the newest edit, while the last good configuration stays in use. */
    error: z.array(z.string()).nullable(),
  }),
  tasks: z.partialRecord(taskStatusSchema, z.int()),
  models: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      enabled: z.boolean(),
      usable: z.boolean(),
      /** Why it cannot be used (no key, no CLI …), else null. */
      note: z.string().nullable(),
      queued: z.int(),
      active: z.int(),
      coolingDownUntil: z.number().nullable(),
    }),
  ),
  budgets: z.object({
    perDay: z.object({ claude: z.number(), external: z.number() }),
    usedToday: z.object({ claude: z.number(), external: z.number() }),
    /** The budget day, `YYYY-MM-DD`. */
    window: z.string(),
    utcOffset: z.string(),
    whenOverBudget: z.enum(['wait', 'block']),
    scopes: z.array(
      budgetUsageSchema.extend({
        limitTokens: z.number().nullable(),
        limitUsd: z.number().nullable(),
      }),
    ),
  }),
  /** Each task source as each process serving it saw it last (within the last day), newest first. */
  sources: z.array(
    z.object({
      source: z.string(),
      owner: z.string(),
      at: z.number(),
      health: sourceHealthSchema,
    }),
  ),
});
export type StatusReport = z.infer<typeof statusReportSchema>;

/**
 * Tasks by state, each model (usable or why not, queue, cooldown), every budget's use today
 * against its limits, and the configuration in effect with any error in its newest edit.
 *
 * @example
 * const report = await statusReport(orchestrator, source);
 * report.budgets.usedToday.claude; // 12840
 */
export async function statusReport(
  orchestrator: Orchestrator,
  source: ConfigSource,
): Promise<StatusReport> {
  const status = await orchestrator.status();
  const { config, models } = source.current();
  // Every scope's limits, as the models' calls reserve against them.
  const limits = new Map(
    models.flatMap((m) => budgetLimits(config, m)).map((l) => [l.scope, l] as const),
  );
  const { cost_optimization: costs } = config;
  const dayAgo = Date.now() - 86_400_000;
  const sources = (await orchestrator.store.sourceHealth()).flatMap((record) => {
    const health = sourceHealthSchema.safeParse(record.health);
    return health.success && record.at > dayAgo ? [{ ...record, health: health.data }] : [];
  });
  return {
    config: { ...status.config, loadedAt: status.config.loadedAt?.toISOString() ?? null },
    tasks: status.tasks,
    models: models.map((m) => {
      const live = status.models.find((s) => s.id === m.id);
      return {
        id: m.id,
        kind: m.kind,
        enabled: m.enabled,
        usable: m.unusable_reason === null,
        note: m.unusable_reason,
        queued: live?.queued ?? 0,
        active: live?.active ?? 0,
        coolingDownUntil: live?.coolingDownUntil ?? null,
      };
    }),
    budgets: {
      perDay: costs.token_budget_per_day,
      usedToday: status.usedToday,
      window: status.budgetWindow,
      utcOffset: costs.budget_utc_offset,
      whenOverBudget: costs.when_over_budget,
      scopes: status.budgets.map((use) => ({
        ...use,
        limitTokens: limits.get(use.scope)?.tokens ?? null,
        limitUsd: limits.get(use.scope)?.usd ?? null,
      })),
    },
    sources,
  };
}
