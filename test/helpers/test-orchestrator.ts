import { createConfigSource } from '../../src/config/config-source.js';
import {
  createOrchestrator,
  type OrchestratorOptions,
} from '../../src/runtime/create-orchestrator.js';
import { SimulatedClock } from '../../src/runtime/simulated-clock.js';
import { createSandbox } from './sandbox.js';
import { type Script, scriptedPorts } from './scripted-ports.js';

/** An orchestrator on an in-memory store, a simulated clock and scripted ports. */
export function testOrchestrator(
  options: {
    script?: Script;
    configFile?: unknown;
    env?: Record<string, string>;
  } & Partial<OrchestratorOptions> = {},
) {
  const { script, configFile, env, ...rest } = options;
  const sandbox = createSandbox(env);
  if (configFile) sandbox.write('orchestrator_config.json', configFile);
  const ports = scriptedPorts(script);
  const clock = new SimulatedClock(Date.UTC(2026, 10, 24));
  const orchestrator = createOrchestrator({
    store: ':memory:',
    clock,
    config: createConfigSource({ environment: () => sandbox.io() }),
    ...rest,
    ports,
  });
  return { orchestrator, ports, clock, sandbox };
}

/** Lets the runtime work (promises, group commits) until `condition` holds; never sleeps. */
export async function eventually(condition: () => boolean, turns = 1_000): Promise<void> {
  for (let turn = 0; turn < turns; turn++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('the condition never held');
}

/** A promise the test settles when it likes. */
export function deferred<T>() {
  let resolve: (value: T) => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}
