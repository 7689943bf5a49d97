import type { z } from 'zod';
import type { ResolvedModel } from '../src/config/resolved-model.js';
import {
  type ClassifyCall,
  type ClassifyResult,
  ModelCallError,
  type ReportedUsage,
  type ReviewCall,
  type ReviewResult,
} from '../src/runtime/model-ports.js';
import { classificationAnswerSchema, readAnswer, reviewAnswerSchema } from './cto-answers.js';
import { classifyPrompt, ctoSystemPrompt, repairPrompt, reviewPrompt } from './cto-prompts.js';
import { addUsage } from './openai-chat.js';

export interface ConversationMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** A text conversation with one model, whatever its transport. */
export type CompleteText = (
  model: ResolvedModel,
  system: string,
  conversation: ConversationMessage[],
  signal: AbortSignal,
) => Promise<{ text: string; usage: ReportedUsage }>;

/**
 * Asks the CTO, reads its JSON answer, and when it cannot be read asks once more saying what was
 * wrong. A second unreadable answer fails the step (not worth a retry), with the reason: the
 * runtime then falls back to the heuristic classification, or counts the review as a rejection.
 */
async function askForAnswer<T extends z.ZodType>(
  complete: CompleteText,
  model: ResolvedModel,
  prompt: string,
  schema: T,
  what: string,
  signal: AbortSignal,
): Promise<{ value: z.infer<T>; usage: ReportedUsage }> {
  const conversation: ConversationMessage[] = [{ role: 'user', content: prompt }];
  const first = await complete(model, ctoSystemPrompt, conversation, signal);
  const read = readAnswer(schema, first.text);
  if (read.ok) return { value: read.value, usage: first.usage };
  conversation.push(
    { role: 'assistant', content: first.text },
    { role: 'user', content: repairPrompt(read.problem) },
  );
  const second = await complete(model, ctoSystemPrompt, conversation, signal);
  const again = readAnswer(schema, second.text);
  if (again.ok) return { value: again.value, usage: addUsage(first.usage, second.usage) };
  throw new ModelCallError(
    `the CTO's ${what} could not be read, even after a repair request: ${again.problem}`,
    { transient: false, usage: addUsage(first.usage, second.usage) },
  );
}

/**
 * The CTO's classification on any kind of model.
 *
 * @example
 * const result = await classifyWith(completeText, call);
 */
export async function classifyWith(
  complete: CompleteText,
  call: ClassifyCall,
): Promise<ClassifyResult> {
  const { value, usage } = await askForAnswer(
    complete,
    call.model,
    classifyPrompt(call.task, call.models),
    classificationAnswerSchema,
    'classification',
    call.signal,
  );
  return { classification: value, usage };
}

/**
 * The CTO's review on any kind of model.
 *
 * @example
 * const result = await reviewWith(completeText, call);
 */
export async function reviewWith(complete: CompleteText, call: ReviewCall): Promise<ReviewResult> {
  const { value, usage } = await askForAnswer(
    complete,
    call.model,
    reviewPrompt(call.task, call.classification, call.worker, call.output),
    reviewAnswerSchema,
    'review',
    call.signal,
  );
  return { ...value, usage };
}
