import { existsSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { Tracer } from '@opentelemetry/api';
import { type ActorOptions, type AnyActorLogic, createActor } from 'xstate';
import { taskMachine } from '../../machines/task.machine.js';
import { type TaskContext, taskContextSchema } from '../../machines/task-context.js';
import { type TaskInput, taskInputSchema } from '../../machines/task-types.js';
import { processEnvironment } from '../config/config-environment.js';
import { type ConfigSource, createConfigSource } from '../config/config-source.js';
import type { LoadedConfig } from '../config/load-config.js';
import type { Logger } from '../log/logger.js';
import { routingViewFrom } from '../routing/routing-view-from-config.js';
import type { BudgetUsage } from '../store/budget-records.js';
import { openStore } from '../store/open-store.js';
import {
  finalStatuses,
  type Store,
  type StoredTask,
  type TaskListEntry,
  type TaskListFilter,
  type TaskStatus,
  type TaskSummary,
} from '../store/store.js';
import { taskTracing } from '../telemetry/task-tracing.js';
import { createBudgetLedger } from './budget-ledger.js';
import { type CallActivity, createCallRunner } from './call-runner.js';
import { type Clock, systemClock } from './clock.js';
import { CommitBatcher, SourceKeyTakenError } from './commit-batcher.js';
import { createHistoryCache } from './history-cache.js';
import { createLeaseKeeper } from './lease-keeper.js';
import { leaseOwnerId } from './lease-owner.js';
import type { ModelPorts } from './model-ports.js';
import { createOutputCache } from './output-cache.js';
import { createResumer } from './resumer.js';
import { type CallTimeouts, defaultRetryPolicy, type RetryPolicy } from './retry-policy.js';
import { reviewedTasks } from './reviewed-tasks.js';
import { taskIds } from './task-id.js';
import {
  createTaskRegistry,
  statusOf,
  type TaskActor,
  type TaskChange,
  type TaskHandle,
} from './task-registry.js';
import { createTimerSet } from './timer-set.js';

export interface OrchestratorOptions {
  /** Implementations of classify, execute and review (the real transports, or scripted ones). */
  ports: ModelPorts;
  /** Where the configuration comes from; read again at every task pickup. */
  config?: ConfigSource;
  /** A Store, or its location (`sqlite:PATH`, a path); default `CTO_STORE`, else `./.cto/state.db`. */
  store?: Store | string;
  /** An XState inspection observer, given to every actor: tasks, the CTO and each worker. */
  inspect?: ActorOptions<AnyActorLogic>['inspect'];
  clock?: Clock;
  logger?: Logger;
  retry?: Partial<RetryPolicy>;
  timeouts?: Partial<CallTimeouts>;
  /** An OpenTelemetry tracer: spans for each task, phase and model call (see `startTracing`). */
  tracer?: Tracer;
  /** Hears what model calls are doing (tool calls, turns) as they go: for live views. */
  onProgress?: (activity: CallActivity) => void;
  /** Classify and review calls at once. */
  ctoConcurrency?: number;
  /** Base for a relative store path. */
  cwd?: string;
  /**
   * Who this process is, in the leases it holds on tasks (several processes may share one
   * store); default host, pid and a random suffix.
   */
  owner?: string;
  /** How long a lease on a task lasts unless renewed; the heartbeat renews it every third. */
  leaseMs?: number;
  /** Hears of each task step once it is stored (for live views such as the HTTP API's streams). */
  onChange?: (change: TaskChange) => void;
}

export type { CallActivity } from './call-runner.js';

export type { TaskChange, TaskHandle } from './task-registry.js';

/** A stored task as `get` shows it. */
export interface TaskView extends Omit<StoredTask, 'snapshot'> {
  context: TaskContext;
}

export interface OrchestratorStatus {
  tasks: Partial<Record<TaskStatus, number>>;
  live: number;
  models: {
    id: string;
    enabled: boolean;
    kind: string;
    queued: number;
    active: number;
    coolingDownUntil: number | null;
  }[];
  config: ReturnType<ConfigSource['status']>;
  /** Tokens settled and reserved in the current budget window, per group. */
  usedToday: { claude: number; external: number };
  /** The current budget window (a day) and every scope's use in it. */
  budgetWindow: string;
  budgets: BudgetUsage[];
  /** Tasks `resume` could not restore, and why. */
  notResumed: { id: string; reason: string }[];
}

export interface Orchestrator {
  spawn(input: TaskInput | string): Promise<TaskHandle>;
  /**
   * Stores a task without starting it; `resume` (here or in a `cto serve`) runs it. With a
   * `sourceKey` (the item it is made from), at most one task is ever stored for that key, by
   * any process: the id of the one stored first comes back.
   */
  submit(input: TaskInput | string, options?: { sourceKey?: string }): Promise<string>;
  /**
   * Replaces the input of a stored task that no process has taken on yet (its item was edited
   * while it waited); false once one has (it has started).
   */
  replaceQueued(id: string, input: TaskInput): Promise<boolean>;
  get(id: string): Promise<TaskView | null>;
  /** Runs a blocked, cancelled (or done) task's input again as a new task linked to it. */
  retry(id: string): Promise<TaskHandle>;
  /**
   * Tasks newest first. With `withUnreadable`, a stored row that cannot be read is listed in
   * its place (an UnreadableTaskSummary, with why) instead of failing the whole list.
   */
  list(filter: TaskListFilter & { withUnreadable: true }): Promise<TaskListEntry[]>;
  list(filter?: TaskListFilter): Promise<TaskSummary[]>;
  status(): Promise<OrchestratorStatus>;
  /**
   * Claims unfinished tasks no other process holds (queued, interrupted, or whose process's
   * lease expired), until this process has `maxTasks` under way (those it runs already count),
   * restores each from its latest snapshot and re-sends what it waited for. Gives back the
   * tasks it took on.
   */
  resume(options?: { maxTasks?: number }): Promise<TaskHandle[]>;
  /**
   * Cancels a task and gives back its status after that (null for an unknown id): one this
   * process runs at once; a stored one no process holds is claimed, restored and cancelled
   * here. A final task is left as it is. Rejects when another process holds the task.
   */
  cancel(id: string, reason?: string): Promise<TaskStatus | null>;
  /** Stops taking work, lets stored state settle and closes what it opened. Idempotent. */
  stop(): Promise<void>;
  readonly store: Store;
}

/** A lease lasts this long unless renewed: a dead process's tasks are taken over after it. */
export const defaultLeaseMs = 30_000;

/** What a task's `result` rejects with when the orchestrator stops before the task ends. */
export class OrchestratorStoppedError extends Error {
  constructor() {
    super('the orchestrator stopped before the task ended; resume() continues it');
    this.name = 'OrchestratorStoppedError';
  }
}

/** No task with this id in the store. */
export class TaskNotFoundError extends Error {
  constructor(id: string) {
    super(`no task ${id}`);
    this.name = 'TaskNotFoundError';
  }
}

/** A bad task input, told in one line. */
export class TaskInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskInputError';
  }
}

/**
 * What can be known of a task before anything is classified or stored: a model it asks for
 * is known, enabled and usable; its working directory exists.
 */
function checkRunnable(input: TaskInput, loaded: LoadedConfig, cwd: string): void {
  if (input.model !== undefined) {
    const model = loaded.models.find((m) => m.id === input.model);
    const enabled = loaded.models.filter((m) => m.enabled).map((m) => m.id);
    if (!model?.enabled)
      throw new TaskInputError(
        `task model: "${input.model}" is not ${model ? 'enabled' : 'a known model'}; enabled models: ${enabled.join(', ')}`,
      );
    if (model.unusable_reason)
      throw new TaskInputError(
        `task model: "${input.model}" cannot be used: ${model.unusable_reason}`,
      );
  }
  if (input.workdir !== undefined) {
    const dir = resolvePath(cwd, input.workdir);
    if (!existsSync(dir) || !statSync(dir).isDirectory())
      throw new TaskInputError(`task workdir: ${dir} is not a directory`);
  }
}

/**
 * Creates the orchestrator: one actor per task (each its own root, restored from its own
 * row), a CTO actor and a worker actor per model, and the router between them that stores
 * every transition before sending the request it implies.
 *
 * @example
 * const orchestrator = createOrchestrator({ ports, store: '.cto/state.db' });
 * const task = await orchestrator.spawn('Add a --json flag to the status command');
 * const outcome = await task.result; // { status: 'done', model: 'deepseek', … }
 * await orchestrator.stop();
 */
export function createOrchestrator(options: OrchestratorOptions): Orchestrator {
  const clock = options.clock ?? systemClock;
  const nextTaskId = taskIds();
  const logger = options.logger;
  const retryPolicy = { ...defaultRetryPolicy, ...options.retry };
  const config = options.config ?? createConfigSource({ environment: processEnvironment, logger });
  config.current(); // a configuration that was never valid stops us here, with its problems
  const ownsStore = typeof options.store !== 'object';
  const store =
    typeof options.store === 'object'
      ? options.store
      : openStore(options.store ?? process.env.CTO_STORE, options.cwd ?? process.cwd());
  const batcher = new CommitBatcher(store);
  const inspect = options.inspect ? { inspect: options.inspect } : {};
  const tracing = options.tracer ? taskTracing(options.tracer) : null;

  let stopping = false;
  const timers = createTimerSet(clock, () => stopping);
  const leases = createLeaseKeeper({
    store,
    clock,
    timers,
    owner: options.owner ?? leaseOwnerId(),
    leaseMs: options.leaseMs ?? defaultLeaseMs,
    logger,
    isStopping: () => stopping,
    onLost: (id) => tasks.drop(id),
  });
  const outputs = createOutputCache(store);
  const history = createHistoryCache(store, clock);
  const reviewed = reviewedTasks(store);
  const ledger = createBudgetLedger({ store, batcher, clock, config, history: history.rows });
  const calls = createCallRunner({
    ports: options.ports,
    config,
    store,
    batcher,
    clock,
    timers,
    ledger,
    leases,
    outputs,
    tasks: {
      taskOf(id) {
        const live = tasks.get(id);
        return live ? { context: () => live.actor.getSnapshot().context } : null;
      },
      deliver: (id, event) => tasks.deliver(id, event),
      fail: (id, error) => tasks.fail(id, error),
    },
    refresh: () => refreshSharedState(),
    view: (loaded) => routingView(loaded),
    isStopping: () => stopping,
    crash: (error) => crash(error),
    retryPolicy,
    timeouts: options.timeouts,
    ctoConcurrency: options.ctoConcurrency,
    inspect: options.inspect,
    tracing,
    logger,
    onProgress: options.onProgress,
  });
  const tasks = createTaskRegistry({
    batcher,
    clock,
    leases,
    calls,
    history,
    reviewed,
    outputs,
    tracing,
    logger,
    onChange: options.onChange,
    isStopping: () => stopping,
    crash: (error) => crash(error),
  });
  const resumer = createResumer({
    tasks,
    leases,
    calls,
    store,
    inspect: options.inspect,
    tracing,
    logger,
    isStopping: () => stopping,
  });

  /** Ends every live task's result with `error`, and stops all work: nothing more is sent. */
  function halt(error: unknown): void {
    stopping = true;
    timers.clear();
    calls.abortAll();
    tasks.failAll(error);
  }

  function crash(error: unknown): void {
    logger?.error(
      { err: String(error) },
      'the store failed; stopping without sending anything more',
    );
    halt(error);
  }

  // ---- configuration and routing -------------------------------------------------------

  /** Reads budget use and history again when they may have changed (here or elsewhere). */
  async function refreshSharedState(force = false): Promise<void> {
    await ledger.refresh({ force });
    // Similar reviewed tasks are caught up as often as the history is read again.
    if (await history.refresh()) await reviewed.catchUp();
  }

  function routingView(loaded: LoadedConfig) {
    return routingViewFrom(loaded, {
      unavailable: calls.cooldowns(),
      usage: ledger.usage(),
      history: history.rows(),
      reviewedTasks: reviewed.index,
    });
  }

  // ---- the public surface ---------------------------------------------------------------

  /** A new task actor for a checked input, not started yet. */
  function newTask(
    raw: TaskInput | string,
    id = nextTaskId(clock.now()),
  ): { id: string; input: TaskInput; actor: TaskActor } {
    if (stopping) throw new Error('the orchestrator is stopped');
    const parsed = taskInputSchema.safeParse(typeof raw === 'string' ? { description: raw } : raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TaskInputError(`task ${issue?.path.join('.') || 'input'}: ${issue?.message}`);
    }
    const loaded = config.current();
    checkRunnable(parsed.data, loaded, options.cwd ?? process.cwd());
    const actor = createActor(taskMachine, {
      input: { taskId: id, input: parsed.data, maxAttempts: loaded.config.max_attempts },
      ...inspect,
    });
    return { id, input: parsed.data, actor };
  }

  async function spawn(raw: TaskInput | string): Promise<TaskHandle> {
    const { id, input, actor } = newTask(raw);
    const live = tasks.register(id, actor);
    actor.start();
    tracing?.taskStarted(id);
    try {
      // Created held by this process, with the first token: no other process claims it.
      await tasks.persist(id, live, null, { input, claim: true });
    } catch (error) {
      crash(error);
      throw error;
    } finally {
      leases.created(id);
    }
    return live.handle;
  }

  async function submit(
    raw: TaskInput | string,
    { sourceKey }: { sourceKey?: string } = {},
  ): Promise<string> {
    const { id, input, actor } = newTask(raw);
    actor.start();
    // Stored exactly as a spawned task's first step, its request not sent: `resume` (in this
    // process or any other on the same store) picks it up.
    const task = { ...tasks.commitOf(id, actor, null, input), ...(sourceKey ? { sourceKey } : {}) };
    actor.stop();
    try {
      await batcher.stage({ task });
    } catch (error) {
      const existing =
        error instanceof SourceKeyTakenError && sourceKey
          ? await store.taskBySource(sourceKey)
          : null;
      if (!existing) throw error;
      return existing.id;
    }
    options.onChange?.({ taskId: id, status: task.status });
    logger?.info(
      { taskId: id, requestId: null, model: null, phase: task.status },
      `${task.status}: submitted`,
    );
    return id;
  }

  async function resume({ maxTasks = Number.MAX_SAFE_INTEGER } = {}): Promise<TaskHandle[]> {
    return resumer.resume(maxTasks);
  }

  async function replaceQueued(id: string, raw: TaskInput): Promise<boolean> {
    const { input, actor } = newTask(raw, id);
    actor.start();
    const snapshot = actor.getPersistedSnapshot() as unknown as Record<string, unknown>;
    actor.stop();
    const replaced = await store.replaceQueued({ taskId: id, input, snapshot, at: clock.now() });
    if (replaced) {
      options.onChange?.({ taskId: id, status: 'classifying' });
      logger?.info(
        { taskId: id, requestId: null, model: null, phase: 'classifying' },
        'classifying: input replaced before the task started',
      );
    }
    return replaced;
  }

  /**
   * Runs an ended task's input again as a new task, linked to the old one (`retryOf`): a new
   * chain of attempts that starts from classification.
   */
  async function retryTask(id: string): Promise<TaskHandle> {
    const stored = await store.getTask(id);
    if (!stored) throw new TaskNotFoundError(id);
    if (!finalStatuses.has(stored.status))
      throw new TaskInputError(
        `task ${id} is still ${stored.status}; cancel it first, or let it end`,
      );
    return spawn({ ...stored.input, retryOf: id });
  }

  async function get(id: string): Promise<TaskView | null> {
    const stored = await store.getTask(id);
    if (!stored) return null;
    const { snapshot, ...rest } = stored;
    const context = taskContextSchema.safeParse((snapshot as { context?: unknown }).context);
    if (!context.success)
      throw new Error(
        `task ${id}: its stored snapshot is invalid: ${context.error.issues[0]?.message}`,
      );
    return { ...rest, context: context.data };
  }

  async function status(): Promise<OrchestratorStatus> {
    const loaded = config.current();
    await refreshSharedState(true);
    const groupTokens = (group: string) => {
      const use = ledger.usage().find((u) => u.scope === `group:${group}`);
      return use ? use.tokens + use.reservedTokens : 0;
    };
    return {
      tasks: await store.countByStatus(),
      live: tasks.size(),
      models: loaded.models.map((model) => {
        return {
          id: model.id,
          enabled: model.enabled,
          kind: model.kind,
          ...calls.queueOf(model.id),
        };
      }),
      config: config.status(),
      usedToday: { claude: groupTokens('claude'), external: groupTokens('external') },
      budgetWindow: ledger.window(),
      budgets: ledger.usage(),
      notResumed: resumer.notResumed(),
    };
  }

  async function cancel(id: string, reason?: string): Promise<TaskStatus | null> {
    let live = tasks.get(id);
    if (!live) {
      const [claim] = await leases.claim({ limit: 1, taskId: id });
      if (claim) live = resumer.restore(claim) ?? undefined;
      if (!live) {
        const stored = await store.getTask(id);
        if (!stored || finalStatuses.has(stored.status)) return stored?.status ?? null;
        throw new Error(
          claim
            ? `task ${id} cannot be restored here: ${resumer.whyNotResumed(id)}`
            : `task ${id} is held by another process; cancel it there, or once its lease lapses`,
        );
      }
    }
    await live.handle.cancel(reason);
    return statusOf(live.actor.getSnapshot());
  }

  async function stop(): Promise<void> {
    if (stopping && tasks.size() === 0 && !calls.hasQueues()) return;
    stopping = true;
    calls.abortAll();
    await batcher.drain().catch(() => {});
    await reviewed.drain();
    // What was stored stays: a later resume(), here or in another process, carries these tasks
    // on, at once since their leases are given up.
    await leases.releaseAll();
    halt(new OrchestratorStoppedError());
    calls.stopQueues();
    if (ownsStore) await store.close();
  }

  return {
    spawn,
    submit,
    replaceQueued,
    get,
    retry: retryTask,
    list: ((filter?: TaskListFilter) => store.listTasks(filter)) as Orchestrator['list'],
    status,
    resume,
    cancel,
    stop,
    store,
  };
}
