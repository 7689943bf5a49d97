import { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import { ModelCallError } from '../src/runtime/model-ports.js';
import { IdleTimeoutError } from './idle-timeout-fetch.js';
import { oneLine } from './short-text.js';

/** Seconds or an HTTP date in `retry-after`, as milliseconds; null when absent or unreadable. */
function retryAfterMs(headers: Headers | undefined, now: number): number | null {
  const value = headers?.get('retry-after-ms') ?? null;
  if (value !== null && Number.isFinite(Number(value))) return Math.max(0, Number(value));
  const after = headers?.get('retry-after') ?? null;
  if (after === null) return null;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(after);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * Turns what the OpenAI SDK threw into a `ModelCallError` saying whether a retry on the same
 * model is worth it: rate limits, 5xx, 408/409, dropped connections and bodies that are not the
 * protocol are transient; other 4xx (a bad key, an unknown model, a rejected request) are not,
 * and the task escalates.
 *
 * @example
 * try { await client.chat.completions.create(body); } catch (error) { throw providerError(error, 'deepseek'); }
 */
export function providerError(error: unknown, modelId: string, now = Date.now()): ModelCallError {
  if (error instanceof ModelCallError) return error;
  const idle = idleCause(error);
  if (idle) return new ModelCallError(`${modelId}: ${idle.message}`, { transient: true });
  if (error instanceof APIUserAbortError) {
    return new ModelCallError(`${modelId}: call aborted`, { transient: false });
  }
  if (error instanceof APIConnectionError) {
    return new ModelCallError(`${modelId}: connection failed: ${error.message}`, {
      transient: true,
    });
  }
  if (error instanceof APIError && error.status !== undefined) {
    const status = error.status;
    const transient = status === 408 || status === 409 || status === 429 || status >= 500;
    const message = oneLine(error.message);
    return new ModelCallError(`${modelId}: HTTP ${status}: ${message}`, {
      transient,
      // A key the provider refuses is the configuration's doing, not the model's.
      infrastructure: status === 401 || status === 403,
      retryAfterMs: transient ? retryAfterMs(error.headers, now) : null,
    });
  }
  // A body that is not JSON, a stream cut mid-way, a reply missing its fields.
  const message = error instanceof Error ? error.message : String(error);
  return new ModelCallError(`${modelId}: unreadable reply: ${oneLine(message)}`, {
    transient: true,
  });
}

/** The idle timeout behind an SDK error (it wraps what fetch threw), if that is what it was. */
function idleCause(error: unknown): IdleTimeoutError | null {
  for (let cause = error, depth = 0; cause && depth < 5; depth++) {
    if (cause instanceof IdleTimeoutError) return cause;
    cause = (cause as { cause?: unknown }).cause;
  }
  return null;
}
