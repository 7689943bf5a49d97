import { z } from 'zod';
import { pendingRequestSchema, usageSchema } from './task-events.js';
import {
  classificationSchema,
  modelRefSchema,
  type Route,
  routeSchema,
  taskInputSchema,
} from './task-types.js';

/** One try at the work: which model, why, what it produced, and what the review said. */
export const attemptSchema = z.object({
  n: z.int().positive(),
  model: modelRefSchema,
  /** Why this model: the override or escalation reason. */
  reason: z.string(),
  outputRef: z.string().nullable(),
  summary: z.string().nullable(),
  usage: usageSchema.nullable(),
  review: z
    .object({
      verdict: z.enum(['approve', 'reject']),
      quality: z.int(),
      feedback: z.string(),
      usage: usageSchema.nullable(),
    })
    .nullable(),
  error: z.string().nullable(),
  /** The attempt failed for reasons around the model, not through it (see `TaskEvent`). */
  infrastructure: z.boolean().optional(),
});
export type Attempt = z.infer<typeof attemptSchema>;

export const taskMachineInputSchema = z.object({
  taskId: z.string().min(1),
  input: taskInputSchema,
  maxAttempts: z.int().positive(),
});
export type TaskMachineInput = z.infer<typeof taskMachineInputSchema>;

/**
 * A task's whole state, kept small: large outputs are referenced by hash, feedback is capped,
 * and there are at most `maxAttempts` attempts.
 */
const fullContextSchema = taskMachineInputSchema.extend({
  classification: classificationSchema.nullable(),
  route: routeSchema.nullable(),
  /** What the CTO's classification cost; absent in snapshots stored before it was recorded. */
  classifyUsage: usageSchema.nullish(),
  /** The decision waiting to be applied when the task is in `escalated`. */
  escalation: routeSchema.nullable(),
  attempts: z.array(attemptSchema),
  pending: pendingRequestSchema.nullable(),
  outcome: z
    .object({ status: z.enum(['done', 'blocked', 'cancelled']), reason: z.string() })
    .nullable(),
  /** Every decision taken, in words, in order: what `cto status <task>` shows. */
  decisions: z.array(z.string()),
});
export type TaskContext = z.infer<typeof fullContextSchema>;

/** The decision that records the route, as `decisions` keeps it. */
function routeDecision(reason: string): string {
  return `route: ${reason}`;
}

/**
 * A context as it is stored: the route's reason, often the longest text in it (learned
 * routing's estimates in words), once. The route keeps the index of the decision that says it
 * (`decision`) instead of the reason, and an attempt whose reason is the route's has none
 * (`storedContextOf`); the parse (`taskContextSchema`) puts both back. Contexts stored before
 * this (the reason three times) read as they are.
 */
export type StoredTaskContext = Omit<TaskContext, 'route' | 'attempts'> & {
  route: (Omit<Route, 'reason'> & { decision: number }) | Route | null;
  attempts: (Omit<Attempt, 'reason'> & { reason?: string })[];
};

/**
 * The stored form of `context` (see `StoredTaskContext`); it shares what it does not change
 * with `context`, which is never changed in place.
 *
 * @example
 * storedContextOf(context).route; // { model, decision: 1, estimates } — its reason is decisions[1]
 */
export function storedContextOf(context: TaskContext): StoredTaskContext {
  const route = context.route;
  if (route === null) return context;
  const decision = context.decisions.indexOf(routeDecision(route.reason));
  if (decision < 0) return context;
  const { reason, ...rest } = route;
  return {
    ...context,
    route: { ...rest, decision },
    attempts: context.attempts.map((attempt) => {
      if (attempt.reason !== reason) return attempt;
      const { reason: _same, ...withoutReason } = attempt;
      return withoutReason;
    }),
  };
}

const routePrefix = routeDecision('');

/** A stored attempt with its reason, built field by field (a shape the parse reads fast). */
function withReason(attempt: Record<string, unknown>, reason: string): Record<string, unknown> {
  const { n, model, outputRef, summary, usage, review, error } = attempt;
  const whole = { n, model, reason, outputRef, summary, usage, review, error };
  return 'infrastructure' in attempt ? { ...whole, infrastructure: attempt.infrastructure } : whole;
}

/** A stored context with the route's reason put back where `storedContextOf` left it out. */
export function expandStoredContext(stored: unknown): unknown {
  if (typeof stored !== 'object' || stored === null) return stored;
  const context = stored as Record<string, unknown>;
  const route = context.route as Record<string, unknown> | null | undefined;
  if (typeof route !== 'object' || route === null || 'reason' in route) return stored;
  const { decisions, attempts } = context;
  const said =
    Array.isArray(decisions) && typeof route.decision === 'number'
      ? decisions[route.decision]
      : undefined;
  if (typeof said !== 'string' || !said.startsWith(routePrefix)) return stored;
  const reason = said.slice(routePrefix.length);
  const { model, estimates } = route;
  return {
    ...context,
    route: estimates === undefined ? { model, reason } : { model, reason, estimates },
    attempts: Array.isArray(attempts)
      ? attempts.map((attempt: unknown) =>
          typeof attempt === 'object' && attempt !== null && !('reason' in attempt)
            ? withReason(attempt as Record<string, unknown>, reason)
            : attempt,
        )
      : attempts,
  };
}

/**
 * A task's context, stored (`StoredTaskContext`, or the older shape with the route's reason
 * three times) or live, checked and whole.
 */
export const taskContextSchema = z.preprocess(expandStoredContext, fullContextSchema);
