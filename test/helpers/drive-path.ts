import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InspectionEvent } from 'xstate';
import { taskMachine } from '../../machines/task.machine.js';
import type { TaskEvent } from '../../machines/task-events.js';
import { type LoadedConfig, loadConfig } from '../../src/config/load-config.js';
import { staticConfigSource } from '../../src/config/static-config-source.js';
import {
  createOrchestrator,
  defaultLeaseMs,
  type TaskHandle,
} from '../../src/runtime/create-orchestrator.js';
import { ModelCallError } from '../../src/runtime/model-ports.js';
import { SimulatedClock } from '../../src/runtime/simulated-clock.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { crashingStore } from './crashing-store.js';
import type { TaskPath } from './task-paths.js';
import { deferred } from './test-orchestrator.js';

/** Configuration the generated paths assume: no cost overrides, default ladders. */
export const pathConfig = {
  cto_model: 'sonnet',
  model_selection_strategy: 'quality',
  worker_models: {
    claude: { haiku: { enabled: true }, sonnet: { enabled: true }, opus: { enabled: true } },
    external: {
      deepseek: { enabled: false },
      minimax: { enabled: false },
      kimi: { enabled: true },
      glm: { enabled: false },
      gemini: { enabled: false },
    },
  },
  cost_optimization: { enabled: false },
  max_attempts: 4,
};

let loaded: LoadedConfig | null = null;

/** The paths' configuration, read once (from a real file, as a user's would be). */
function pathLoadedConfig(): LoadedConfig {
  if (loaded) return loaded;
  const root = mkdtempSync(join(tmpdir(), 'cto-path-config-'));
  mkdirSync(join(root, 'home'));
  writeFileSync(join(root, 'orchestrator_config.json'), JSON.stringify(pathConfig));
  const result = loadConfig({ env: {}, cwd: root, homeDir: join(root, 'home') });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  loaded = result.loaded;
  return loaded;
}

const never = new Promise<never>(() => {});
const output = (key: string) => `output of ${key}`;

/** The path's replies, keyed by request (`classify:1`, `execute:2` …), in the order they come. */
function repliesByRequest(path: TaskPath): Map<string, TaskEvent> {
  const replies = new Map<string, TaskEvent>();
  let previous = path.steps[0]?.state;
  for (const step of path.steps.slice(1)) {
    const pending = previous?.context.pending;
    if (pending) replies.set(`${pending.kind}:${pending.attempt}`, step.event);
    previous = step.state;
  }
  return replies;
}

export interface PathRun {
  /** The initial state, then the resting state after each event, as the runtime went through them. */
  states: string[];
  /** Transitions taken, by `source|event|index` (see `allTransitions`). */
  transitions: Set<string>;
  outcome: Awaited<TaskHandle['result']> | null;
  taskId: string;
  store: Store;
  /** Model calls made, by request key. */
  calls: Map<string, number>;
  /** Commits the first runtime made (all of them, when it did not crash). */
  commits: number;
  /** Whether a second runtime had to resume the task. */
  resumed: boolean;
}

function transitionKey(
  source: { id: string; transitions: Map<string, unknown[]>; always?: unknown[] },
  eventType: string,
  definition: unknown,
): string {
  const list = eventType === '' ? (source.always ?? []) : (source.transitions.get(eventType) ?? []);
  return `${source.id}|${eventType || 'always'}|${list.indexOf(definition)}`;
}

/** Every transition of the task machine, by the same key the runs record. */
export function allTransitions(): string[] {
  const keys: string[] = [];
  const nodes = [taskMachine.root, ...Object.values(taskMachine.root.states)];
  for (const node of nodes) {
    for (const [eventType, definitions] of node.transitions) {
      for (const index of definitions.keys()) keys.push(`${node.id}|${eventType}|${index}`);
    }
    for (const index of (node.always ?? []).keys()) keys.push(`${node.id}|always|${index}`);
  }
  return keys;
}

/**
 * Drives one generated path through the real runtime, with ports that give each request the
 * reply the path has for it. With `crashAfter`, the first runtime dies after that many
 * commits and a second one, on the same SQLite file, resumes and finishes the task.
 */
export async function drivePath(
  path: TaskPath,
  options: { crashAfter?: number; file?: string } = {},
): Promise<PathRun> {
  const { crashAfter } = options;
  const replies = repliesByRequest(path);
  const needsNoRoute = path.steps.some(
    (s) => s.event.type === 'CLASSIFIED' && s.event.route.model === null,
  );
  const file = options.file ?? join(mkdtempSync(join(tmpdir(), 'cto-path-')), 'state.db');
  const calls = new Map<string, number>();
  const states: string[] = [];
  const transitions = new Set<string>();
  let handle: TaskHandle | null = null;
  // The handle of the runtime now running the task: a resumed call may start before resume()
  // has returned it, so a cancel waits for it.
  let current = deferred<TaskHandle>();
  // A path may end in a state that waits on a request: its run ends when that request comes.
  let reachEnd: () => void = () => {};
  const reachedEnd = new Promise<null>((resolve) => {
    reachEnd = () => resolve(null);
  });

  const reply = (requestId: string) => {
    const key = requestId.split(':').slice(1).join(':');
    calls.set(key, (calls.get(key) ?? 0) + 1);
    const event = replies.get(key);
    if (!event) {
      reachEnd();
      return { event: { type: 'CANCEL' } as TaskEvent, result: never };
    }
    if (event.type === 'CANCEL') {
      const ready = current.promise;
      void ready.then((h) => h.cancel('cancelled by the test'));
      return { event, result: never };
    }
    return { event, result: null };
  };
  const usage = { inputTokens: 1, outputTokens: 1 };
  const ports = {
    async classify({ requestId }: { requestId: string }) {
      const { event, result } = reply(requestId);
      if (result) return result;
      if (event.type === 'CLASSIFY_FAILED')
        throw new ModelCallError('scripted failure', { transient: false });
      return {
        classification: {
          complexity: 'simple' as const,
          type: 'coding' as const,
          model: 'haiku',
          reason: 'scripted',
        },
        usage,
      };
    },
    async execute({ requestId }: { requestId: string }) {
      const { event, result } = reply(requestId);
      if (result) return result;
      if (event.type === 'EXECUTE_FAILED')
        throw new ModelCallError('scripted failure', { transient: false });
      return { output: output(requestId.split(':').slice(1).join(':')), usage };
    },
    async review({ requestId }: { requestId: string }) {
      const { event, result } = reply(requestId);
      if (result) return result;
      if (event.type === 'REVIEW_FAILED')
        throw new ModelCallError('scripted failure', { transient: false });
      if (event.type !== 'REVIEWED') throw new Error(`unexpected ${event.type}`);
      return { verdict: event.verdict, quality: event.quality, feedback: event.feedback, usage };
    },
  };
  const inspect = (inspection: InspectionEvent) => {
    if (inspection.type === '@xstate.microstep') {
      for (const t of inspection._transitions) {
        if (t.source.machine === taskMachine)
          transitions.add(transitionKey(t.source as never, t.eventType, t));
      }
    }
    const { type } = inspection.type === '@xstate.snapshot' ? inspection.event : { type: '' };
    if (
      inspection.type === '@xstate.snapshot' &&
      (type === 'xstate.init' || !type.startsWith('xstate.'))
    ) {
      const snapshot = inspection.snapshot as { value?: unknown; machine?: unknown };
      if (snapshot.machine === taskMachine) states.push(String(snapshot.value));
    }
  };
  const start = (store: Store, now = 1_000) =>
    createOrchestrator({
      ports: ports as never,
      config: staticConfigSource(pathLoadedConfig()),
      store,
      clock: new SimulatedClock(now),
      // Scripted failures are the work falling short, not a provider going down.
      retry: { cooldownAfter: 1_000 },
      inspect,
    });

  let store: Store = openSqliteStore(file);
  const first = crashingStore(store, crashAfter ?? Number.POSITIVE_INFINITY);
  let orchestrator = start(first);
  let resumed = false;
  handle = await orchestrator.spawn(
    needsNoRoute ? { description: 'generated path', model: 'kimi' } : 'generated path',
  );
  const taskId = handle.id;
  current.resolve(handle);
  let outcome = await Promise.race([handle.result.catch(() => null), reachedEnd]);
  if (crashAfter !== undefined && outcome === null) {
    // The first process is gone without a goodbye; a new one opens the same file and resumes,
    // once the dead one's leases have expired.
    store = openSqliteStore(file);
    orchestrator = start(store, 1_000 + defaultLeaseMs);
    resumed = true;
    current = deferred<TaskHandle>();
    const handles = await orchestrator.resume();
    handle = handles.find((h) => h.id === taskId) ?? null;
    if (handle) current.resolve(handle);
    outcome = handle ? await Promise.race([handle.result, reachedEnd]) : null;
  }
  await orchestrator.stop();
  return { states, transitions, outcome, taskId, store, calls, commits: first.commits, resumed };
}
