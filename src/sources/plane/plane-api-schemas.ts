import { z } from 'zod';

// What Plane's REST API (v1) answers, as far as the orchestrator reads it. Objects are loose:
// Plane adds fields between versions, and a field nobody reads must not break a poll.

export const planeProjectSchema = z.object({
  id: z.string().min(1),
  identifier: z.string().min(1),
  name: z.string(),
});
export type PlaneProjectRecord = z.infer<typeof planeProjectSchema>;

export const planeStateSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  group: z.string().nullish(),
});
export type PlaneStateRecord = z.infer<typeof planeStateSchema>;

export const planeLabelSchema = z.object({ id: z.string().min(1), name: z.string() });
export type PlaneLabelRecord = z.infer<typeof planeLabelSchema>;

export const planeWorkItemSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  sequence_id: z.int(),
  project: z.string().min(1),
  state: z.string().nullish(),
  labels: z.array(z.string()).nullish(),
  description_html: z.string().nullish(),
  description_stripped: z.string().nullish(),
  updated_at: z.string().nullish(),
  archived_at: z.string().nullish(),
  deleted_at: z.string().nullish(),
});
export type PlaneWorkItemRecord = z.infer<typeof planeWorkItemSchema>;

export const planeCommentSchema = z.object({
  id: z.string().min(1),
  external_id: z.string().nullish(),
  external_source: z.string().nullish(),
});
export type PlaneCommentRecord = z.infer<typeof planeCommentSchema>;

/**
 * One page of a list: Plane's cursor pagination (`next_cursor` with `next_page_results`).
 *
 * @example
 * planePageSchema(planeStateSchema).parse(await response.json());
 */
export function planePageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    results: z.array(item),
    next_cursor: z.string().nullish(),
    next_page_results: z.boolean().nullish(),
  });
}
