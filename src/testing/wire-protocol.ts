import type { RecordedRequest } from './recorded-request.js';
import type { ScriptedContent } from './scripted-reply.js';

/** The errors a scripted server answers, each in the provider's own shape. */
export type ProviderErrorKind = 'rate_limit' | 'server_error' | 'not_found' | 'invalid_request';

/** A model call: a recorded request whose body names its model. */
export type ModelRequest = RecordedRequest & { model: string };

/**
 * What one provider's protocol adds to the shared scripted server: which requests are model
 * calls, how script names match model ids, and the bodies of replies and errors.
 */
export interface WireProtocol {
  /** Whether a request is a model call (it consumes a scripted reply) or a side request. */
  isModelCall(request: RecordedRequest): boolean;
  /** Whether a script given by `name` answers a request for `model`. */
  matches(name: string, model: string): boolean;
  /** Whether a model call asks for server-sent events. */
  streams(request: ModelRequest): boolean;
  /** A reply: the JSON text of a plain answer, or the complete SSE frames of a stream. */
  render(content: ScriptedContent, request: ModelRequest, sequence: number): string | string[];
  error(kind: ProviderErrorKind, message: string): unknown;
  /** The answer to a request that is not a model call. */
  answerOther(request: RecordedRequest, scriptedNames: string[]): { status: number; body: unknown };
}
