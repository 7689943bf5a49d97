import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { taskMachine } from '../../../machines/task.machine.js';
import { performanceStats } from '../../cli/performance-json.js';
import { machineGraph } from '../../diagram/machine-to-mermaid.js';
import { budgetWindow } from '../../routing/budget-window.js';
import { statusReport, statusReportSchema } from '../../runtime/status-report.js';
import { performanceRowSchema } from '../../store/performance-row.js';
import type { ApiContext } from '../api-context.js';
import { errorResponses } from '../api-error.js';
import { maskSecrets } from '../mask-secrets.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const dayMs = 86_400_000;

const routes = {
  status: createRoute({
    method: 'get',
    path: '/api/status',
    summary:
      'Tasks by state, models and cooldowns, budgets today against their limits, the config in effect',
    responses: { 200: json(statusReportSchema, 'the status'), ...errorResponses(401, 403) },
  }),
  performance: createRoute({
    method: 'get',
    path: '/api/performance',
    summary: 'The performance history: per model and task type, approval rate, quality, cost',
    responses: {
      200: json(
        z.object({
          rows: z.array(
            performanceRowSchema.extend({
              approvalRate: z.number().nullable(),
              avgQuality: z.number().nullable(),
            }),
          ),
        }),
        'the history',
      ),
      ...errorResponses(401, 403),
    },
  }),
  costs: createRoute({
    method: 'get',
    path: '/api/costs',
    summary: 'Tokens and dollars per budget day, per model, for the last days',
    request: {
      query: z.strictObject({ days: z.coerce.number().int().min(1).max(90).default(14) }),
    },
    responses: {
      200: json(
        z.object({
          days: z.array(
            z.object({
              window: z.string(),
              tokens: z.number(),
              usd: z.number(),
              models: z.record(z.string(), z.object({ tokens: z.number(), usd: z.number() })),
            }),
          ),
        }),
        'oldest day first',
      ),
      ...errorResponses(400, 401, 403),
    },
  }),
  machine: createRoute({
    method: 'get',
    path: '/api/machines/task',
    summary: "The task machine's states and transitions, to draw its diagram",
    responses: {
      200: json(
        z.object({
          initial: z.string().nullable(),
          states: z.array(z.object({ id: z.string(), final: z.boolean() })),
          edges: z.array(z.object({ from: z.string(), to: z.string(), label: z.string() })),
        }),
        'the graph',
      ),
      ...errorResponses(401, 403),
    },
  }),
};

/**
 * The orchestrator's status, the performance history, cost per day and the task machine's
 * graph.
 *
 * @example
 * registerOverviewRoutes(app, { orchestrator, source, feed });
 */
export function registerOverviewRoutes(app: OpenAPIHono, context: ApiContext): void {
  const { orchestrator, source } = context;
  const now = context.now ?? Date.now;

  app.openapi(routes.status, async (c) =>
    c.json(maskSecrets(await statusReport(orchestrator, source)), 200),
  );

  app.openapi(routes.performance, async (c) => {
    const rows = (await orchestrator.store.performance()).map((row) => {
      const stats = performanceStats(row);
      return { ...row, approvalRate: stats.success_rate, avgQuality: stats.avg_quality_score };
    });
    return c.json({ rows }, 200);
  });

  app.openapi(routes.costs, async (c) => {
    const { days } = c.req.valid('query');
    const offset = source.current().config.cost_optimization.budget_utc_offset;
    const today = now();
    const windows = Array.from({ length: days }, (_, i) =>
      budgetWindow(today - (days - 1 - i) * dayMs, offset),
    );
    const result = await Promise.all(
      windows.map(async (window) => {
        const usage = await orchestrator.store.budgetUsage(window, today);
        const models: Record<string, { tokens: number; usd: number }> = {};
        for (const use of usage) {
          if (use.scope.startsWith('model:'))
            models[use.scope.slice('model:'.length)] = { tokens: use.tokens, usd: use.usd };
        }
        const all = Object.values(models);
        return {
          window,
          tokens: all.reduce((sum, m) => sum + m.tokens, 0),
          usd: all.reduce((sum, m) => sum + m.usd, 0),
          models,
        };
      }),
    );
    return c.json({ days: result }, 200);
  });

  const graph = machineGraph(taskMachine);
  app.openapi(routes.machine, (c) => c.json(graph, 200));
}
