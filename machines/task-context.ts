import { z } from 'zod';
import { pendingRequestSchema, usageSchema } from './task-events.js';
import {
  classificationSchema,
  modelRefSchema,
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
export const taskContextSchema = taskMachineInputSchema.extend({
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
export type TaskContext = z.infer<typeof taskContextSchema>;
