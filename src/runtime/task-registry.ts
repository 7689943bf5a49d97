import type { Actor } from 'xstate';
import type { taskMachine } from '../../machines/task.machine.js';
import { taskMachineVersion } from '../../machines/task.machine.js';
import type { TaskContext } from '../../machines/task-context.js';
import type { TaskEmitted, TaskEvent } from '../../machines/task-events.js';
import type { TaskInput } from '../../machines/task-types.js';
import type { Logger } from '../log/logger.js';
import type { PerformanceRow } from '../store/performance-row.js';
import {
  finalStatuses,
  type TaskCommit,
  type TaskStatus,
  taskStatusSchema,
} from '../store/store.js';
import type { TaskTracing } from '../telemetry/task-tracing.js';
import { attemptPerformance } from './attempt-performance.js';
import type { CallRunner } from './call-runner.js';
import type { Clock } from './clock.js';
import { type CommitBatcher, LeaseLostError } from './commit-batcher.js';
import type { HistoryCache } from './history-cache.js';
import type { LeaseKeeper } from './lease-keeper.js';
import type { OutputCache } from './output-cache.js';
import { reviewedAttemptOf } from './reviewed-attempt-of.js';
import type { ReviewedTasks } from './reviewed-tasks.js';
import { outcomeOf, type TaskOutcome } from './task-outcome.js';

export type TaskActor = Actor<typeof taskMachine>;
type Snapshot = ReturnType<TaskActor['getSnapshot']>;

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

/** A task step that is stored: the task, and the status it is in now. */
export interface TaskChange {
  taskId: string;
  status: TaskStatus;
}

/** A task this process runs: its actor, what it emitted since its last step, and its result. */
export interface LiveTask {
  actor: TaskActor;
  outbox: TaskEmitted[];
  handle: TaskHandle;
  settle(outcome: TaskOutcome): void;
  fail(error: unknown): void;
}

const statuses: ReadonlySet<string> = new Set(taskStatusSchema.options);

/** The status a task's snapshot stands for (a set lookup: it is asked at every step). */
export function statusOf(snapshot: Snapshot): TaskStatus {
  const value = typeof snapshot.value === 'string' ? snapshot.value : 'blocked';
  if (!statuses.has(value)) throw new Error(`task machine state ${value} is not a task status`);
  return value as TaskStatus;
}

/**
 * The tasks this process runs. Every event a task takes is a step: the new snapshot (with
 * the event, an attempt's history and its lease's fence) is stored, and only then are the
 * requests it implies sent. A final step settles the task's result.
 */
export interface TaskRegistry {
  /** Makes a task actor (not started yet) live here. */
  register(id: string, actor: TaskActor): LiveTask;
  get(id: string): LiveTask | undefined;
  size(): number;
  /** The row a task's step writes: its snapshot, and the event (or the input) that led to it. */
  commitOf(id: string, actor: TaskActor, event: TaskEvent | null, input?: TaskInput): TaskCommit;
  /** Stores a task's step (`claim`: its creation, held here), then sends its requests. */
  persist(
    id: string,
    live: LiveTask,
    event: TaskEvent | null,
    extra?: { input?: TaskInput; performance?: PerformanceRow | null; claim?: boolean },
  ): Promise<void>;
  /** Gives a live task an event (a reply, a cancel) and stores the step it makes. */
  deliver(id: string, event: TaskEvent): Promise<void>;
  /** Lets go of a task another process has taken over: nothing more is written or sent. */
  drop(id: string): void;
  /** Ends a live task's result with `error` here (its reply could not be made). */
  fail(id: string, error: unknown): void;
  /** Forgets a registered task that never ran (it could not be restored). */
  forget(id: string): void;
  /** Ends every live task's result with `error` (the runtime stops). */
  failAll(error: unknown): void;
}

export interface TaskRegistryDeps {
  batcher: Pick<CommitBatcher, 'stage'>;
  clock: Pick<Clock, 'now'>;
  leases: Pick<LeaseKeeper, 'create' | 'fenceOf' | 'release' | 'forget'>;
  calls: Pick<CallRunner, 'dispatch' | 'dropTask'>;
  history: Pick<HistoryCache, 'add'>;
  reviewed: Pick<ReviewedTasks, 'record'>;
  outputs: OutputCache;
  tracing: TaskTracing | null;
  logger?: Logger | undefined;
  onChange?: ((change: TaskChange) => void) | undefined;
  isStopping(): boolean;
  /** The store failed: stop without sending anything more. */
  crash(error: unknown): void;
}

/**
 * Creates the task registry.
 *
 * @example
 * const registry = createTaskRegistry({ batcher, clock, leases, calls, history, reviewed, outputs, tracing: null, isStopping, crash });
 * const live = registry.register(id, createActor(taskMachine, { input }));
 * live.actor.start();
 * await registry.persist(id, live, null, { input, claim: true }); // stored, then classify is sent
 */
export function createTaskRegistry(deps: TaskRegistryDeps): TaskRegistry {
  const { batcher, clock, leases, calls, outputs, tracing, logger, isStopping } = deps;
  const tasks = new Map<string, LiveTask>();

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

  function commitOf(
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

  async function persist(
    id: string,
    live: LiveTask,
    event: TaskEvent | null,
    extra: { input?: TaskInput; performance?: PerformanceRow | null; claim?: boolean } = {},
  ): Promise<void> {
    const snapshot = live.actor.getSnapshot();
    const effects = live.outbox.splice(0);
    const task = {
      ...commitOf(id, live.actor, event, extra.input),
      ...(extra.claim ? { claim: leases.create(id) } : {}),
    };
    const status = task.status;
    // An attempt's outcome goes into the history in the transaction that records it.
    const performance = extra.performance ? [extra.performance] : [];
    await batcher.stage({ task, performance, ...leases.fenceOf(id) });
    for (const delta of performance) deps.history.add(delta);
    deps.onChange?.({ taskId: id, status });
    if (isStopping()) return;
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
    outputs.forget(id);
    const outcome = outcomeOf(context, text);
    tracing?.taskEnded(id, outcome);
    live.settle(outcome);
  }

  async function deliver(id: string, event: TaskEvent): Promise<void> {
    const live = tasks.get(id);
    // A task whose final step is being stored takes no more events (a late cancel).
    if (!live || isStopping() || live.actor.getSnapshot().status !== 'active') return;
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
        await deps.reviewed.record([
          reviewedAttemptOf(performance, pending.attempt, context, clock.now()),
        ]);
      }
    } catch (error) {
      if (error instanceof LeaseLostError) drop(id);
      else deps.crash(error);
    }
  }

  function drop(id: string): void {
    leases.forget(id);
    outputs.forget(id);
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

  return {
    register,
    get: (id) => tasks.get(id),
    size: () => tasks.size,
    commitOf,
    persist,
    deliver,
    drop,
    fail(id, error) {
      const live = tasks.get(id);
      if (!live) return;
      tasks.delete(id);
      outputs.forget(id);
      live.actor.stop();
      live.fail(error);
    },
    forget: (id) => void tasks.delete(id),
    failAll(error) {
      for (const task of tasks.values()) {
        task.actor.stop();
        task.fail(error);
      }
      tasks.clear();
    },
  };
}
