import { z } from 'zod';
import { classificationSchema, modelRefSchema, routeSchema } from './task-types.js';

/** Tokens, money and time one model call used. */
export const usageSchema = z.object({
  inputTokens: z.int().nonnegative(),
  outputTokens: z.int().nonnegative(),
  costUsd: z.number().nonnegative(),
  latencyMs: z.number().nonnegative(),
});
export type Usage = z.infer<typeof usageSchema>;

const reply = { requestId: z.string().min(1) };

/**
 * The events a task actor receives: replies to the requests it emitted (each echoing the
 * request's id), and CANCEL. Routing decisions arrive inside the replies, made by the
 * runtime's policy, so that the machine stays pure and a replay of the log is exact.
 */
export const taskEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('CLASSIFIED'),
    ...reply,
    classification: classificationSchema,
    route: routeSchema,
    /** What the classification cost (absent in events stored before it was recorded). */
    usage: usageSchema.optional(),
  }),
  z.object({
    type: z.literal('CLASSIFY_FAILED'),
    ...reply,
    error: z.string(),
    /** The heuristic classification used instead. */
    classification: classificationSchema,
    route: routeSchema,
  }),
  z.object({
    type: z.literal('EXECUTED'),
    ...reply,
    /** The output, stored once in the store's blobs and referenced by hash. */
    outputRef: z.string().min(1),
    summary: z.string(),
    usage: usageSchema,
  }),
  z.object({
    type: z.literal('EXECUTE_FAILED'),
    ...reply,
    error: z.string(),
    /** Not the model's doing (no key, no budget, provider down): kept out of its history. */
    infrastructure: z.boolean().optional(),
    escalation: routeSchema,
  }),
  z.object({
    type: z.literal('REVIEWED'),
    ...reply,
    verdict: z.enum(['approve', 'reject']),
    quality: z.int().min(1).max(10),
    feedback: z.string(),
    usage: usageSchema,
    /** Where the task goes if the verdict is a rejection. */
    escalation: routeSchema,
  }),
  z.object({
    type: z.literal('REVIEW_FAILED'),
    ...reply,
    error: z.string(),
    /** The review could not run (no budget, no key, provider down): the work is not judged. */
    infrastructure: z.boolean().optional(),
    escalation: routeSchema,
  }),
  z.object({ type: z.literal('CANCEL'), reason: z.string().default('cancelled') }),
]);
export type TaskEvent = z.infer<typeof taskEventSchema>;

/** A request the task is waiting on; its id is deterministic, so resume re-sends the same one. */
export const pendingRequestSchema = z.object({
  kind: z.enum(['classify', 'execute', 'review']),
  requestId: z.string(),
  attempt: z.int().positive(),
  /** The worker model for `execute`; for `review`, the model whose work is reviewed. */
  model: modelRefSchema.nullable(),
});
export type PendingRequest = z.infer<typeof pendingRequestSchema>;

/** What the task machine emits for the runtime to carry out once the new snapshot is stored. */
export type TaskEmitted =
  | { type: 'request'; request: PendingRequest }
  | { type: 'cancel'; requestId: string };
