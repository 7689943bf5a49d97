import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Every error the API gives: one line of JSON, `{ "error": "…" }`, with its status code. */
export const apiErrorSchema = z
  .object({ error: z.string().openapi({ example: 'no task nope' }) })
  .openapi('Error');

/** A refusal a route throws; the API turns it into its status and one line. */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  constructor(status: ContentfulStatusCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

/** The first line of a message, at most 500 characters: an error is one line, never a trace. */
export function oneLine(message: string): string {
  const line = message.split('\n')[0]?.trim() || 'error';
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}

/**
 * Answers with an error: `{ "error": "…" }` and the status.
 *
 * @example
 * return errorResponse(c, 404, `no task ${id}`);
 */
export function errorResponse(c: Context, status: ContentfulStatusCode, message: string) {
  return c.json({ error: oneLine(message) }, status);
}

/** The OpenAPI description of the errors a route may answer with. */
export function errorResponses(...statuses: ContentfulStatusCode[]) {
  const described: Record<number, string> = {
    400: 'bad input (malformed JSON, unknown or invalid fields)',
    401: 'a token is required and was missing or wrong',
    403: 'a request from another origin, or for a host this server does not serve',
    404: 'no such task or output',
    409: 'the task cannot be cancelled here (held by another process)',
    413: 'the request body is too large',
    415: 'the request body is not JSON',
  };
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: described[status] ?? 'error',
        content: { 'application/json': { schema: apiErrorSchema } },
      },
    ]),
  );
}
