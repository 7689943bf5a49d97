import { z } from 'zod';
import type { RecordedRequest } from './recorded-request.js';

/** Token counts a reply reports, in either provider's words; a missing count is estimated. */
export const scriptedUsageSchema = z.union([
  z.strictObject({
    input_tokens: z.int().nonnegative().optional(),
    output_tokens: z.int().nonnegative().optional(),
  }),
  z.strictObject({
    prompt_tokens: z.int().nonnegative().optional(),
    completion_tokens: z.int().nonnegative().optional(),
  }),
]);
export type ScriptedUsage = z.infer<typeof scriptedUsageSchema>;

/**
 * A tool call the model makes. A string `arguments` is sent verbatim (so it may be invalid
 * JSON on purpose), an object is sent as its JSON; the name is not checked against the tools
 * the request offered.
 */
export const scriptedToolCallSchema = z.strictObject({
  name: z.string().min(1),
  arguments: z.union([z.string(), z.record(z.string(), z.unknown())]),
  id: z.string().min(1).optional(),
});
export type ScriptedToolCall = z.infer<typeof scriptedToolCallSchema>;

export const scriptedTextReplySchema = z.strictObject({
  text: z.string(),
  usage: scriptedUsageSchema.optional(),
});

export const scriptedToolCallsReplySchema = z.strictObject({
  toolCalls: z.array(scriptedToolCallSchema).min(1),
  text: z.string().optional(),
  usage: scriptedUsageSchema.optional(),
});

/**
 * A provider failure on demand: `rate_limit` (429 with `retry-after`, 1 s unless
 * `retryAfterSeconds` says otherwise), `server_error` (500), `hang` (never answers until the
 * client aborts or the server closes), `malformed` (200 with a body that is not JSON), `cut`
 * (the connection drops in the middle of the body or stream).
 */
export const scriptedFaultSchema = z.strictObject({
  fault: z.enum(['rate_limit', 'server_error', 'hang', 'malformed', 'cut']),
  /** Only for `rate_limit`. */
  retryAfterSeconds: z.number().nonnegative().optional(),
});
export type ScriptedFault = z.infer<typeof scriptedFaultSchema>;

/** One answer of a scripted model: text, tool calls (with optional text) or a fault. */
export const scriptedReplySchema = z.union([
  scriptedTextReplySchema,
  scriptedToolCallsReplySchema,
  scriptedFaultSchema,
]);
export type ScriptedReply = z.infer<typeof scriptedReplySchema>;

/**
 * What a model answers: a queue of replies consumed in order (a request after the last one
 * gets a 500 saying the script ran out), or a function that picks the reply for each request.
 */
export type Script =
  | readonly ScriptedReply[]
  | ((request: RecordedRequest) => ScriptedReply | Promise<ScriptedReply>);

/**
 * Which requests a script answers: a model name (each server documents how names match the
 * model ids clients send) or a predicate on the requested model id.
 */
export type ModelMatcher = string | ((model: string) => boolean);

/** A reply that answers with content rather than a fault. */
export type ScriptedContent = Exclude<ScriptedReply, ScriptedFault>;

/**
 * A tool call's arguments as sent on the wire: a string as it is, an object as JSON.
 *
 * @example
 * argumentsText({ name: 'read', arguments: { path: 'a.txt' } }); // '{"path":"a.txt"}'
 */
export function argumentsText(call: ScriptedToolCall): string {
  return typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
}
