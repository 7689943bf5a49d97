import { z } from 'zod';
import { textFeaturesSchema } from './text-features.js';

/**
 * One reviewed attempt as text routing learns from it: which model did the task, whether its
 * work was approved, and the features of the task's text (not the text).
 */
export const reviewedAttemptSchema = z.object({
  taskId: z.string().min(1),
  /** The attempt's number in its task (1 for the first). */
  attempt: z.int().positive(),
  model: z.string().min(1),
  taskType: z.string().min(1),
  approved: z.boolean(),
  at: z.number(),
  features: textFeaturesSchema,
});
export type ReviewedAttempt = z.infer<typeof reviewedAttemptSchema>;
