import type { IncomingMessage } from 'node:http';
import { z } from 'zod';

/** A request a local provider server received, as tests inspect it. */
export const recordedRequestSchema = z.object({
  method: z.string(),
  /** The path without its query, e.g. `/v1/messages`. */
  path: z.string(),
  /** The query string with its `?`, or `''`. */
  query: z.string(),
  /** The `model` of the body, or null when there is none. */
  model: z.string().nullable(),
  /** The body parsed as JSON; the raw text when it is not JSON; null when empty. */
  body: z.unknown(),
  /** Lower-case header names; credential headers are left out (see `authorized`). */
  headers: z.record(z.string(), z.string()),
  /** Whether the request carried a credential (`authorization`, `x-api-key` or `api-key`). */
  authorized: z.boolean(),
  /** `Date.now()` when the body had arrived. */
  time: z.number(),
});
export type RecordedRequest = z.infer<typeof recordedRequestSchema>;

const credentialHeaders = new Set(['authorization', 'x-api-key', 'api-key']);

function parseBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Records a request once its body has been read, keeping no credential value: a test log or
 * snapshot of recorded requests must never hold a key, even a fake one.
 *
 * @example
 * const recorded = recordRequest(request, '{"model":"gpt-test","messages":[]}');
 * recorded.model; // 'gpt-test'
 */
export function recordRequest(request: IncomingMessage, bodyText: string): RecordedRequest {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  let authorized = false;
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (credentialHeaders.has(name)) authorized = true;
    else headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const body = parseBody(bodyText);
  const model =
    typeof body === 'object' && body !== null && 'model' in body && typeof body.model === 'string'
      ? body.model
      : null;
  return {
    method: request.method ?? 'GET',
    path: url.pathname,
    query: url.search,
    model,
    body,
    headers,
    authorized,
    time: Date.now(),
  };
}
