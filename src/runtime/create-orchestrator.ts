import { existsSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { Tracer } from '@opentelemetry/api';
import { nanoid } from 'nanoid';
import { type Actor, type ActorOptions, type AnyActorLogic, createActor } from 'xstate';
import { taskMachine, taskMachineVersion } from '../../machines/task.machine.js';
import { type TaskContext, taskContextSchema } from '../../machines/task-context.js';
import type { TaskEmitted, TaskEvent } from '../../machines/task-events.js';
import { type TaskInput, taskInputSchema } from '../../machines/task-types.js';
import { processEnvironment } from '../config/config-environment.js';
import { type ConfigSource, createConfigSource } from '../config/config-source.js';
import type { LoadedConfig } from '../config/load-config.js';
import type { Logger } from '../log/logger.js';
import { routingViewFrom } from '../routing/routing-view-from-config.js';
import type { BudgetUsage } from '../store/budget-records.js';
import { openStore } from '../store/open-store.js';
import type { PerformanceRow } from '../store/performance-row.js';
import {
  finalStatuses,
  type Store,
  type StoredTask,
  type TaskCommit,
  type TaskListFilter,
  type TaskStatus,
  type TaskSummary,
  taskStatusSchema,
} from '../store/store.js';
import { taskTracing } from '../telemetry/task-tracing.js';
import { attemptPerformance } from './attempt-performance.js';
import { createBudgetLedger } from './budget-ledger.js';
import { type CallActivity, createCallRunner } from './call-runner.js';
import { type Clock, systemClock } from './clock.js';
import { CommitBatcher, LeaseLostError, SourceKeyTakenError } from './commit-batcher.js';
import { createHistoryCache } from './history-cache.js';
import { createLeaseKeeper } from './lease-keeper.js';
import { leaseOwnerId } from './lease-owner.js';
import type { ModelPorts } from './model-ports.js';
import { createOutputCache } from './output-cache.js';
import { type CallTimeouts, defaultRetryPolicy, type RetryPolicy } from './retry-policy.js';
import { reviewedAttemptOf } from './reviewed-attempt-of.js';
import { reviewedTasks } from './reviewed-tasks.js';
import { outcomeOf, type TaskOutcome } from './task-outcome.js';
import { createTimerSet } from './timer-set.js';

type TaskActor = Actor<typeof taskMachine>;
type Snapshot = ReturnType<TaskActor['getSnapshot']>;

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

/** A task step that is stored: the task, and the status it is in now. */
export interface TaskChange {
  taskId: string;
  status: TaskStatus;
}

export type { CallActivity } from './call-runner.js';

/** What `spawn` and `resume` give back for each task. */
export interface TaskHandle {
  id: string;
  /** The live XState actor of the task. */
  actor: TaskActor;
  subscribe(observer: (snapshot: Snapshot) => void): { unsubscribe(): void };
  /** Settles when the task is done, blocked or cancelled. */
  result: Promise<TaskOutcome>;
  cancel(reason?: string): Promise<void>;
}

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

interface LiveTask {
  actor: TaskActor;
  outbox: TaskEmitted[];
  handle: TaskHandle;
  settle(outcome: TaskOutcome): void;
  fail(error: unknown): void;
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

function statusOf(snapshot: Snapshot): TaskStatus {
  return taskStatusSchema.parse(typeof snapshot.value === 'string' ? snapshot.value : 'blocked');
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

  const tasks = new Map<string, LiveTask>();
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
    onLost: (id) => drop(id),
  });
  const notResumed = new Map<string, string>();
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
      deliver: (id, event) => deliver(id, event),
      fail(id, error) {
        const live = tasks.get(id);
        if (!live) return;
        tasks.delete(id);
        live.actor.stop();
        live.fail(error);
      },
    },
    refresh: () => refreshSharedState(),
    view: (loaded) => routingView(loaded),
    isStopping: () => stopping,
    crash: (error) => crash(error),
    retryPolicy,
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
    ...(options.ctoConcurrency === undefined ? {} : { ctoConcurrency: options.ctoConcurrency }),
    ...(options.inspect ? { inspect: options.inspect } : {}),
    tracing,
    ...(logger ? { logger } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });

  /** Ends every live task's result with `error`, and stops all work: nothing more is sent. */
  function halt(error: unknown): void {
    stopping = true;
    timers.clear();
    calls.abortAll();
    for (const task of tasks.values()) {
      task.actor.stop();
      task.fail(error);
    }
    tasks.clear();
  }

  /**
   * Lets go of a task another process has taken over (its lease expired here, or a write was
   * fenced): nothing more is written or sent for it; that process carries it on.
   */
  function drop(id: string): void {
    leases.forget(id);
    const live = tasks.get(id);
    if (!live) return;
    logger?.warn(
      {
        taskId: id,
        requestId: live.actor.getSnapshot().context.pending?.requestId ?? null,
        model: null,
        phase: statusOf(live.actor.getSnapshot()),
      },
      'lease lost: another process has taken this task over; dropping it here',
    );
    tasks.delete(id);
    calls.dropTask(id);
    live.actor.stop();
    live.fail(new LeaseLostError(id));
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

  // ---- tasks ---------------------------------------------------------------------------

  function register(id: string, actor: TaskActor): LiveTask {
    let settle: (outcome: TaskOutcome) => void = () => {};
    let fail: (error: unknown) => void = () => {};
    const result = new Promise<TaskOutcome>((resolve, reject) => {
      settle = resolve;
      fail = reject;
    });
    // The caller may never await the result; a crash must not become an unhandled rejection.
    result.catch(() => {});
    const outbox: TaskEmitted[] = [];
    actor.on('request', (emitted) => outbox.push(emitted));
    actor.on('cancel', (emitted) => outbox.push(emitted));
    const handle: TaskHandle = {
      id,
      actor,
      subscribe: (observer) => actor.subscribe(observer),
      result,
      cancel: async (reason = 'cancelled by the user') => deliver(id, { type: 'CANCEL', reason }),
    };
    const live: LiveTask = { actor, outbox, handle, settle, fail };
    tasks.set(id, live);
    return live;
  }

  /** The row a task's step writes: its snapshot, and the event (or the input) that led to it. */
  function taskCommit(
    id: string,
    actor: TaskActor,
    event: TaskEvent | null,
    input?: TaskInput,
  ): TaskCommit {
    return {
      taskId: id,
      ...(input ? { input } : {}),
      event: event as Record<string, unknown> | null,
      snapshot: actor.getPersistedSnapshot() as unknown as Record<string, unknown>,
      status: statusOf(actor.getSnapshot()),
      machineVersion: taskMachineVersion,
      at: clock.now(),
    };
  }

  /** Stores the task's new snapshot (and the event that led to it), then sends its requests. */
  async function persist(
    id: string,
    live: LiveTask,
    event: TaskEvent | null,
    extra: { input?: TaskInput; performance?: PerformanceRow | null; claim?: boolean } = {},
  ): Promise<void> {
    const snapshot = live.actor.getSnapshot();
    const effects = live.outbox.splice(0);
    const task = {
      ...taskCommit(id, live.actor, event, extra.input),
      ...(extra.claim ? { claim: leases.create(id) } : {}),
    };
    const status = task.status;
    // An attempt's outcome goes into the history in the transaction that records it.
    const performance = extra.performance ? [extra.performance] : [];
    await batcher.stage({ task, performance, ...leases.fenceOf(id) });
    for (const delta of performance) history.add(delta);
    options.onChange?.({ taskId: id, status });
    if (stopping) return;
    // A final state is the end of the task's span, not a phase of its own.
    if (!finalStatuses.has(status)) tracing?.phase(id, status);
    const context = live.actor.getSnapshot().context;
    const pending = context.pending?.requestId;
    if (logger) {
      const model = context.pending?.model?.id ?? context.attempts.at(-1)?.model.id ?? null;
      const decision = event ? context.decisions.at(-1) : 'spawned';
      logger.info(
        { taskId: id, requestId: pending ?? null, model, phase: status },
        `${status}: ${decision}`,
      );
    }
    for (const effect of effects) {
      // A request the task no longer waits for (cancelled in the same batch) is not sent.
      if (effect.type === 'request' && effect.request.requestId !== pending) continue;
      calls.dispatch(id, effect);
    }
    if (finalStatuses.has(status)) await finish(id, live, snapshot.context);
  }

  async function finish(id: string, live: LiveTask, context: TaskContext): Promise<void> {
    tasks.delete(id);
    live.actor.stop();
    leases.release(id);
    const approved = context.outcome?.status === 'done' ? context.attempts.at(-1)?.outputRef : null;
    const text = approved ? await outputs.get(approved) : null;
    outputs.forget(context.attempts.flatMap((attempt) => attempt.outputRef ?? []));
    const outcome = outcomeOf(context, text);
    tracing?.taskEnded(id, outcome);
    live.settle(outcome);
  }

  async function deliver(id: string, event: TaskEvent): Promise<void> {
    const live = tasks.get(id);
    // A task whose final step is being stored takes no more events (a late cancel).
    if (!live || stopping || live.actor.getSnapshot().status !== 'active') return;
    const pending = live.actor.getSnapshot().context.pending;
    if ('requestId' in event && event.requestId !== pending?.requestId) {
      logger?.debug(
        {
          taskId: id,
          requestId: event.requestId,
          model: pending?.model?.id ?? null,
          phase: statusOf(live.actor.getSnapshot()),
        },
        'stale reply ignored',
      );
      return;
    }
    live.actor.send(event);
    try {
      const performance =
        pending && attemptPerformance(event, pending.attempt, live.actor.getSnapshot().context);
      await persist(id, live, event, { performance });
      if (pending && performance) {
        const context = live.actor.getSnapshot().context;
        await reviewed.record([
          reviewedAttemptOf(performance, pending.attempt, context, clock.now()),
        ]);
      }
    } catch (error) {
      if (error instanceof LeaseLostError) drop(id);
      else crash(error);
    }
  }

  // ---- the public surface ---------------------------------------------------------------

  /** A new task actor for a checked input, not started yet. */
  function newTask(
    raw: TaskInput | string,
    id = nanoid(12),
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
    const live = register(id, actor);
    actor.start();
    tracing?.taskStarted(id);
    try {
      // Created held by this process, with the first token: no other process claims it.
      await persist(id, live, null, { input, claim: true });
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
    const task = { ...taskCommit(id, actor, null, input), ...(sourceKey ? { sourceKey } : {}) };
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

  /**
   * A claimed task as a live actor, its request not sent yet; null when it cannot be restored
   * here (it keeps its lease unrenewed: it lapses, and a process that can, a newer version,
   * claims it then).
   */
  function restore({
    task: stored,
    lease,
  }: {
    task: StoredTask;
    lease: { token: number };
  }): LiveTask | null {
    if (stored.machineVersion !== taskMachineVersion) {
      notResumed.set(
        stored.id,
        `stored with task machine version ${stored.machineVersion}; this is version ${taskMachineVersion}`,
      );
      return null;
    }
    const context = taskContextSchema.safeParse((stored.snapshot as { context?: unknown }).context);
    if (!context.success) {
      notResumed.set(
        stored.id,
        `its stored snapshot is invalid: ${context.error.issues[0]?.message}`,
      );
      return null;
    }
    const actor = createActor(taskMachine, {
      snapshot: stored.snapshot as never,
      input: { taskId: stored.id, input: stored.input, maxAttempts: context.data.maxAttempts },
      ...inspect,
    });
    const live = register(stored.id, actor);
    actor.start();
    if (actor.getSnapshot().status !== 'active') {
      tasks.delete(stored.id);
      notResumed.set(stored.id, `its snapshot restores as ${actor.getSnapshot().status}`);
      return null;
    }
    notResumed.delete(stored.id);
    leases.hold(stored.id, lease.token);
    tracing?.taskStarted(stored.id, { 'cto.resumed': 'true' });
    tracing?.phase(stored.id, stored.status);
    return live;
  }

  async function resume({
    maxTasks = Number.MAX_SAFE_INTEGER,
  }: {
    maxTasks?: number;
  } = {}): Promise<TaskHandle[]> {
    if (stopping) throw new Error('the orchestrator is stopped');
    const handles: TaskHandle[] = [];
    const limit = maxTasks - tasks.size;
    if (limit <= 0) return handles;
    // A process of this host that died (killed, crashed) left leases nobody need wait out.
    await leases.takeOverDeadOwners();
    const claimed = await leases.claim({ limit });
    for (const claim of claimed) {
      const live = restore(claim);
      if (!live) continue;
      const pending = live.actor.getSnapshot().context.pending;
      if (pending) calls.dispatch(claim.task.id, { type: 'request', request: pending }, true);
      handles.push(live.handle);
    }
    // `cto serve` calls this at every poll: only a poll that took work on is worth a line.
    if (handles.length > 0 || claimed.length > 0) {
      logger?.info(
        { resumed: handles.length, notResumed: notResumed.size },
        'resumed unfinished tasks',
      );
    }
    return handles;
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
      live: tasks.size,
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
      notResumed: [...notResumed].map(([id, reason]) => ({ id, reason })),
    };
  }

  async function cancel(id: string, reason?: string): Promise<TaskStatus | null> {
    let live = tasks.get(id);
    if (!live) {
      const [claim] = await leases.claim({ limit: 1, taskId: id });
      if (claim) live = restore(claim) ?? undefined;
      if (!live) {
        const stored = await store.getTask(id);
        if (!stored || finalStatuses.has(stored.status)) return stored?.status ?? null;
        throw new Error(
          claim
            ? `task ${id} cannot be restored here: ${notResumed.get(id)}`
            : `task ${id} is held by another process; cancel it there, or once its lease lapses`,
        );
      }
    }
    await live.handle.cancel(reason);
    return statusOf(live.actor.getSnapshot());
  }

  async function stop(): Promise<void> {
    if (stopping && tasks.size === 0 && !calls.hasQueues()) return;
    stopping = true;
    calls.abortAll();
    await batcher.drain().catch(() => {});
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
    list: (filter) => store.listTasks(filter),
    status,
    resume,
    cancel,
    stop,
    store,
  };
}
