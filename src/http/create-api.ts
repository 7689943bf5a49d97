import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { packageVersion } from '../package-info.js';
import type { ApiContext } from './api-context.js';
import { ApiError, errorResponse } from './api-error.js';
import { openApiDocument } from './api-reference.js';
import { serveConsole } from './console-assets.js';
import { type RequestGuardOptions, requestGuard } from './request-guard.js';
import { registerOverviewRoutes } from './routes/overview-routes.js';
import { registerStreamRoutes } from './routes/stream-routes.js';
import { registerTaskRoutes } from './routes/task-routes.js';

/** The largest request body: a task's description is at most 200,000 characters. */
export const maxBodyBytes = 1_048_576;

export interface HttpApi {
  /**
   * The application: add routes with `app.openapi(createRoute(…), handler)` (they are checked
   * like the others and appear in /openapi.json) before `finish()`.
   */
  app: OpenAPIHono;
  /** Adds the console page and the catch-all 404: call once every route is added. */
  finish(options?: { console?: boolean }): OpenAPIHono;
}

/**
 * The HTTP API over an orchestrator: tasks (submit, list, one, cancel, outputs, replay), live
 * streams, status, performance history and costs, and `/openapi.json` generated from the same
 * zod schemas that check every request. Every error is one line of JSON with its status; no
 * key ever appears in a response.
 *
 * @example
 * const api = createApi({ orchestrator, source, feed }, { token: process.env.CTO_HTTP_TOKEN });
 * const server = await startHttpServer({ app: api.finish(), port: 3700 });
 */
export function createApi(context: ApiContext, guard: RequestGuardOptions = {}): HttpApi {
  const app = new OpenAPIHono({
    // A request that fails its schema: the first problem, in one line.
    defaultHook: (result, c) => {
      if (result.success) return;
      const issue = result.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      return errorResponse(c, 400, `${where}${issue?.message ?? 'invalid request'}`);
    },
  });
  app.use('*', requestGuard(guard));
  app.use('/api/*', async (c, next) => {
    const type = c.req.header('content-type');
    if (
      c.req.method === 'POST' &&
      c.req.header('content-length') !== '0' &&
      type !== undefined &&
      !/^application\/json\b/i.test(type)
    )
      return errorResponse(c, 415, 'expected a JSON body (Content-Type: application/json)');
    await next();
  });
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) => errorResponse(c, 413, `the request body is over ${maxBodyBytes} bytes`),
    }),
  );
  registerTaskRoutes(app, context);
  registerStreamRoutes(app, context);
  registerOverviewRoutes(app, context);
  app.onError((error, c) => {
    if (error instanceof ApiError) return errorResponse(c, error.status, error.message);
    if (error instanceof HTTPException)
      return errorResponse(c, error.status as ContentfulStatusCode, error.message || 'bad request');
    return errorResponse(c, 500, error.message);
  });
  return {
    app,
    finish({ console = true } = {}) {
      const document = openApiDocument(app, packageVersion());
      app.get('/openapi.json', (c) => c.json(document));
      app.notFound((c) => errorResponse(c, 404, `no ${c.req.method} ${c.req.path} here`));
      if (console) serveConsole(app);
      return app;
    },
  };
}
