import { createConfigSource } from '../../src/config/config-source.js';
import { type Clock, systemClock } from '../../src/runtime/clock.js';
import type { TaskChange } from '../../src/runtime/create-orchestrator.js';
import { createPlaneSource } from '../../src/sources/plane/plane-source.js';
import { type PlaneServer, startPlaneServer } from '../../src/testing/plane-server.js';
import type { Script } from './scripted-ports.js';
import { testOrchestrator } from './test-orchestrator.js';

/** The `task_sources.plane` section for a local Plane, fast enough for tests. */
export function planeSection(plane: PlaneServer, extra: Record<string, unknown> = {}) {
  return {
    base_url: plane.url,
    workspace: 'acme',
    projects: ['WEB'],
    poll_interval_seconds: 1,
    max_requests_per_minute: 6000,
    ...extra,
  };
}

/**
 * A local Plane with a project WEB, an orchestrator on scripted models (simulated clock,
 * in-memory store) and a Plane source over both, polled by hand. Close with `close()`.
 *
 * @example
 * const f = await planeFixture();
 * f.plane.fileItem(f.web, { name: 'Fix the footer', state: 'Todo' });
 * await f.source.poll();
 */
export async function planeFixture(
  options: {
    script?: Script;
    section?: Record<string, unknown>;
    leaseMs?: number;
    owner?: string;
    /** The source's clock (the real one unless given). */
    clock?: Clock;
  } = {},
) {
  const plane = await startPlaneServer({ workspace: 'acme' });
  const web = plane.addProject('WEB', 'Website');
  let hear: (change: TaskChange) => void = () => {};
  const { orchestrator, sandbox, ports } = testOrchestrator({
    ...(options.script ? { script: options.script } : {}),
    configFile: { task_sources: { plane: planeSection(plane, options.section) } },
    env: { PLANE_API_KEY: 'plane-test-key', PLANE_WEBHOOK_SECRET: 'whsec-test-secret' },
    onChange: (change) => hear(change),
  });
  const config = createConfigSource({ environment: () => sandbox.io() });
  const source = createPlaneSource({
    orchestrator,
    config,
    owner: options.owner ?? 'process-1',
    leaseMs: options.leaseMs ?? 30_000,
    clock: options.clock ?? systemClock,
  });
  hear = (change) => source.changed(change);
  return {
    plane,
    web,
    orchestrator,
    config,
    source,
    sandbox,
    ports,
    async close() {
      await source.stop();
      await orchestrator.stop();
      await plane.close();
    },
  };
}
