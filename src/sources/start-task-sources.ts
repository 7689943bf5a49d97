import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ConfigSource } from '../config/config-source.js';
import type { Logger } from '../log/logger.js';
import type { Clock } from '../runtime/clock.js';
import type { Orchestrator, TaskChange } from '../runtime/create-orchestrator.js';
import { createPlaneSource } from './plane/plane-source.js';
import { registerPlaneWebhook } from './plane/plane-webhook-route.js';

/** The task sources a serving process runs beside its queue: today a Plane workspace. */
export interface TaskSources {
  /** Give it the orchestrator's `onChange`: write-backs follow each stored step. */
  changed(change: TaskChange): void;
  /** Adds the sources' webhook routes to the HTTP API (call before the API's `finish()`). */
  routes(app: OpenAPIHono): void;
  /** Stops polling, lets write-backs under way end, stores the last health. */
  stop(): Promise<void>;
}

/**
 * Starts the configured task sources of a serving process. A source that is not configured
 * (yet) polls nothing, and starts working once the configuration names it: no restart needed.
 * A source that fails (a refused key, an unreachable Plane) says so in its health, shown by
 * `cto status`, and never stops the process.
 *
 * @example
 * const sources = startTaskSources({ orchestrator, config, owner, leaseMs, onSubmitted: wake });
 * registerRoutes: sources.routes(api.app); … await sources.stop();
 */
export function startTaskSources(parts: {
  orchestrator: Orchestrator;
  config: ConfigSource;
  owner: string;
  leaseMs: number;
  logger?: Logger;
  clock?: Clock;
  onSubmitted?: () => void;
}): TaskSources {
  const plane = createPlaneSource(parts);
  plane.start();
  return {
    changed: (change) => plane.changed(change),
    routes: (app) =>
      registerPlaneWebhook(app, {
        config: parts.config,
        plane,
        ...(parts.logger ? { logger: parts.logger } : {}),
        ...(parts.clock ? { now: () => parts.clock?.now() ?? Date.now() } : {}),
      }),
    stop: () => plane.stop(),
  };
}
