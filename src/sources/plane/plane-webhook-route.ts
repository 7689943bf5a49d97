import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { ConfigSource } from '../../config/config-source.js';
import { ApiError, apiErrorSchema, errorResponse } from '../../http/api-error.js';
import type { Logger } from '../../log/logger.js';
import type { PlaneSource } from './plane-source.js';
import { DeliveryMemory, verifyPlaneDelivery } from './verify-plane-delivery.js';

/** Where Plane delivers: the address to give it is `https://<your host>/hooks/plane`. */
export const planeWebhookPath = '/hooks/plane';

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: apiErrorSchema } },
});

const route = createRoute({
  method: 'post',
  path: planeWebhookPath,
  summary:
    "Plane's webhook deliveries (work item created, updated, deleted): the item is looked at at once",
  description:
    'Signed by Plane: X-Plane-Signature is the HMAC-SHA256 of the raw body with the webhook secret. No bearer token: the signature is the credential.',
  responses: {
    200: {
      description: 'a delivery of an event the orchestrator does not act on (comments, projects …)',
      content: { 'application/json': { schema: z.object({ ignored: z.string() }) } },
    },
    202: {
      description: 'verified; the item is looked at now',
      content: { 'application/json': { schema: z.object({ accepted: z.string() }) } },
    },
    400: error('not a Plane payload, or stale (its change is older than max_age_seconds)'),
    401: error('unsigned, or the signature does not match'),
    404: error('webhooks are not configured (task_sources.plane.webhook)'),
    409: error('replayed: the same delivery was taken already'),
    413: error('the request body is too large'),
  },
});

/**
 * Adds `POST /hooks/plane` to the API (before its `finish()`): each delivery is verified
 * (`verifyPlaneDelivery`), answered at once, and its work item looked at by the Plane source
 * (created, edited, moved or deleted); a refused one is counted in the source's health and
 * logged with why.
 *
 * @example
 * registerPlaneWebhook(api.app, { source: config, plane });
 * const server = await startHttpServer({ app: api.finish(), port: 3700 });
 */
export function registerPlaneWebhook(
  app: OpenAPIHono,
  parts: { config: ConfigSource; plane: PlaneSource; logger?: Logger; now?: () => number },
): void {
  const memory = new DeliveryMemory();
  const now = parts.now ?? Date.now;
  app.use(
    planeWebhookPath,
    bodyLimit({
      maxSize: 1_048_576,
      onError: (c) => errorResponse(c, 413, 'the request body is over 1048576 bytes'),
    }),
  );
  app.openapi(route, async (c) => {
    const webhook = parts.config.current().taskSources.plane?.webhook;
    if (!webhook) throw new ApiError(404, 'Plane webhooks are not configured here');
    const verdict = verifyPlaneDelivery({
      body: await c.req.text(),
      signature: c.req.header('x-plane-signature'),
      deliveryId: c.req.header('x-plane-delivery'),
      secret: webhook.secret,
      now: now(),
      maxAgeMs: webhook.maxAgeMs,
      memory,
    });
    if (!verdict.ok) {
      parts.plane.webhook(false);
      parts.logger?.warn(
        { source: 'plane', delivery: c.req.header('x-plane-delivery') ?? null },
        `Plane webhook refused: ${verdict.reason}`,
      );
      throw new ApiError(verdict.status, verdict.reason);
    }
    parts.plane.webhook(true);
    if (!['issue', 'work_item'].includes(verdict.event) || !verdict.itemId)
      return c.json({ ignored: `event ${verdict.event}` }, 200);
    const { itemId, projectId } = verdict;
    parts.plane.itemChanged(itemId, projectId ?? undefined).catch((failure: Error) => {
      parts.logger?.warn(
        { source: 'plane', err: failure.message },
        'could not look at the webhook’s item; the next poll will',
      );
    });
    return c.json({ accepted: itemId }, 202);
  });
}
