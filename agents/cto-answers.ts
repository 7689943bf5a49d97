import { z } from 'zod';
import { complexitySchema, taskTypeSchema } from '../machines/task-types.js';

// Models write "Simple" or "bash command" as often as the exact enum value; both are read.
const word = (value: unknown) =>
  typeof value === 'string'
    ? value
        .trim()
        .toLowerCase()
        .replace(/[\s-]+/g, '_')
    : value;

/** What the CTO answers when asked to classify a task. */
export const classificationAnswerSchema = z.object({
  complexity: z.preprocess(word, complexitySchema),
  type: z.preprocess(word, taskTypeSchema),
  model: z.string().trim().min(1),
  reason: z.string().default(''),
});
export type ClassificationAnswer = z.infer<typeof classificationAnswerSchema>;

/** What the CTO answers when asked to review a worker's output. */
export const reviewAnswerSchema = z.object({
  verdict: z.preprocess(
    (value) => (value === 'approved' ? 'approve' : value === 'rejected' ? 'reject' : word(value)),
    z.enum(['approve', 'reject']),
  ),
  quality: z.coerce.number().int().min(1).max(10),
  feedback: z.string().default(''),
});
export type ReviewAnswer = z.infer<typeof reviewAnswerSchema>;

/** The JSON object in a model's answer: a fenced block, else the outermost braces. */
function jsonIn(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text)?.[1];
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (fenced === undefined && start === -1) throw new Error('no JSON object in the answer');
  const candidate = fenced ?? text.slice(start, end > start ? end + 1 : undefined);
  try {
    return JSON.parse(candidate);
  } catch (error) {
    throw new Error(`the JSON in the answer does not parse: ${(error as Error).message}`);
  }
}

/**
 * Reads a structured answer out of a model's free text, in one line when it cannot: no JSON,
 * JSON that does not parse, or a field that is missing or out of range.
 *
 * @example
 * readAnswer(reviewAnswerSchema, 'Here: {"verdict":"approve","quality":8,"feedback":"ok"}');
 * // { ok: true, value: { verdict: 'approve', quality: 8, feedback: 'ok' } }
 */
export function readAnswer<T extends z.ZodType>(
  schema: T,
  text: string,
): { ok: true; value: z.infer<T> } | { ok: false; problem: string } {
  let json: unknown;
  try {
    json = jsonIn(text);
  } catch (error) {
    return { ok: false, problem: (error as Error).message };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  return { ok: false, problem: `${issue?.path.join('.') || 'answer'}: ${issue?.message}` };
}
