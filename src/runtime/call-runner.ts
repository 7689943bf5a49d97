import { type Actor, type ActorOptions, type AnyActorLogic, createActor } from 'xstate';
import type { createCallQueueMachine } from '../../machines/call-queue.js';
import { ctoMachine } from '../../machines/cto.machine.js';
import type { TaskContext } from '../../machines/task-context.js';
import type { PendingRequest, TaskEmitted, TaskEvent } from '../../machines/task-events.js';
import { workerMachine } from '../../machines/worker.machine.js';
import type { ConfigSource } from '../config/config-source.js';
import type { LoadedConfig } from '../config/load-config.js';
import type { ResolvedModel } from '../config/resolved-model.js';
import type { Logger } from '../log/logger.js';
import type { RoutingView } from '../routing/routing-view.js';
import type { JournalEntry, Store } from '../store/store.js';
import type { CallEnd, TaskTracing } from '../telemetry/task-tracing.js';
import type { BudgetLedger, CallUsage, Reservation } from './budget-ledger.js';
import { type CallAbort, callAbort } from './call-abort.js';
import { callModel, costOf } from './call-model.js';
import type { Clock } from './clock.js';
import type { CommitBatcher } from './commit-batcher.js';
import type { LeaseKeeper } from './lease-keeper.js';
import { ModelCallError, type ModelPorts, type StepJournal } from './model-ports.js';
import type { OutputCache } from './output-cache.js';
import { type CallOutcome, replyEvent } from './reply-event.js';
import { type CallTimeouts, callTimeouts, type RetryPolicy } from './retry-policy.js';
import type { TimerSet } from './timer-set.js';
import { tokenAllowance } from './token-allowance.js';

type QueueActor = Actor<ReturnType<typeof createCallQueueMachine>>;

/** A note from a model call under way. */
export interface CallActivity {
  taskId: string;
  requestId: string;
  model: string;
  phase: PendingRequest['kind'];
  note: string;
}

/** The tasks, as the calls made for them see them. */
export interface CallTasks {
  /** A task live here (null once it ended, was dropped or stopped): its context as it is now. */
  taskOf(taskId: string): { context(): TaskContext } | null;
  /** Gives a task the event its call's reply makes. */
  deliver(taskId: string, event: TaskEvent): Promise<void>;
  /** Ends a task whose reply could not be made (a bug, a broken config source). */
  fail(taskId: string, error: unknown): void;
}

export interface CallRunnerDeps {
  ports: ModelPorts;
  config: ConfigSource;
  store: Pick<Store, 'journal'>;
  batcher: Pick<CommitBatcher, 'stage' | 'failure'>;
  clock: Clock;
  timers: TimerSet;
  ledger: BudgetLedger;
  leases: Pick<LeaseKeeper, 'fenceOf'>;
  outputs: OutputCache;
  tasks: CallTasks;
  /** Reads budget use and history again, before a reply is made from them. */
  refresh(): Promise<void>;
  /** What routing sees now. */
  view(loaded: LoadedConfig): RoutingView;
  isStopping(): boolean;
  /** The store failed: stop without sending anything more. */
  crash(error: unknown): void;
  retryPolicy: RetryPolicy;
  timeouts?: Partial<CallTimeouts> | undefined;
  ctoConcurrency?: number | undefined;
  inspect?: ActorOptions<AnyActorLogic>['inspect'] | undefined;
  tracing: TaskTracing | null;
  logger?: Logger | undefined;
  onProgress?: ((activity: CallActivity) => void) | undefined;
}

/**
 * The model calls the tasks' requests become: each waits in its model's queue (the CTO's, or
 * a worker's), reserves its budget, runs with a timeout, journals its turns, is retried or
 * cooled down by the queue, and its reply goes back to its task as an event.
 */
export interface CallRunner {
  /**
   * Sends a request to its queue, or cancels one. A request re-sent by resume (`resumed`) may
   * have run before: it comes with what it journaled then, or 'unread' to read that itself.
   */
  dispatch(taskId: string, effect: TaskEmitted, resumed?: ResumedJournal): void;
  /** Cancels every call of a task that another process holds now. */
  dropTask(taskId: string): void;
  /** Aborts every call under way (the runtime stops). */
  abortAll(): void;
  /** Models cooling down after repeated failures, and until when. */
  cooldowns(): Record<string, string>;
  /** A worker's queue as it stands, if it has one yet. */
  queueOf(modelId: string): { queued: number; active: number; coolingDownUntil: number | null };
  /** Whether any queue is still up. */
  hasQueues(): boolean;
  /** Stops every queue. */
  stopQueues(): void;
}

/** What a request re-sent by resume journaled before, or 'unread': its first try reads it. */
export type ResumedJournal = readonly JournalEntry[] | 'unread';

interface LiveCall {
  taskId: string;
  /** Re-sent by `resume`: what it journaled when it ran before; null for a new request. */
  resumed: ResumedJournal | null;
  request: PendingRequest;
  queue: QueueActor;
  /** How the try under way is stopped, once it has started. */
  abort: CallAbort | null;
  outcome: CallOutcome | null;
  cancelled: boolean;
}

/**
 * Creates the call runner.
 *
 * @example
 * const calls = createCallRunner({ ports, config, store, batcher, clock, timers, ledger, leases, outputs, tasks, ... });
 * calls.dispatch(taskId, { type: 'request', request: context.pending });
 */
export function createCallRunner(deps: CallRunnerDeps): CallRunner {
  const { config, clock, timers, ledger, logger, isStopping } = deps;
  const calls = new Map<string, LiveCall>();
  const queues = new Map<string, QueueActor>();

  function queueFor(name: string, concurrency: number): QueueActor {
    const existing = queues.get(name);
    if (existing) {
      if (existing.getSnapshot().context.concurrency !== concurrency)
        existing.send({ type: 'SET_CONCURRENCY', concurrency });
      return existing;
    }
    const logic = name === 'cto' ? ctoMachine : workerMachine;
    const queue = createActor(logic, {
      systemId: name,
      input: { name, concurrency, ...deps.retryPolicy },
      ...(deps.inspect ? { inspect: deps.inspect } : {}),
    });
    queue.on('start', (start) => void runCall(start.requestId, start.try, queue));
    queue.on('retry', ({ requestId, delayMs, error }) => {
      logger?.warn({ ...aboutCall(requestId), delayMs, error }, 'transient error; retrying');
      timers.later(delayMs, () => queue.send({ type: 'RETRY_DUE', requestId }));
    });
    queue.on('settled', (settled) => {
      const call = calls.get(settled.requestId);
      if (!call) return;
      calls.delete(settled.requestId);
      const outcome: CallOutcome =
        settled.ok && call.outcome
          ? call.outcome
          : settled.ok
            ? { ok: false, error: 'no result', infrastructure: true }
            : { ok: false, error: settled.error, infrastructure: settled.infrastructure };
      // Settled inside the queue's own transition: reply from a fresh turn.
      queueMicrotask(() => void reply(call, outcome).catch(deps.crash));
    });
    queue.on('abort', ({ requestId }) => calls.get(requestId)?.abort?.abort('cancelled'));
    queue.on('cooldown', ({ until }) => {
      logger?.warn(
        { actor: name, until: new Date(until).toISOString() },
        'cooling down after repeated failures',
      );
      timers.later(until - clock.now(), () => queue.send({ type: 'COOLDOWN_OVER' }));
    });
    queue.start();
    queues.set(name, queue);
    return queue;
  }

  /** What every log line about a call carries: its task, request, model and phase. */
  function aboutCall(requestId: string, call: LiveCall | undefined = calls.get(requestId)) {
    const request = call?.request;
    const model =
      request?.kind === 'execute' ? (request.model?.id ?? null) : config.current().config.cto_model;
    return {
      taskId: call?.taskId ?? requestId.split(':')[0],
      requestId,
      model,
      phase: request?.kind ?? null,
    };
  }

  function cancelCall(call: LiveCall, abortReason?: string): void {
    call.cancelled = true;
    if (abortReason) call.abort?.abort(abortReason);
    // The queue drops the request, or emits `abort` for the call under way.
    call.queue.send({ type: 'CANCEL', requestId: call.request.requestId });
    calls.delete(call.request.requestId);
  }

  function dispatch(taskId: string, effect: TaskEmitted, resumed?: ResumedJournal): void {
    if (effect.type === 'cancel') {
      const call = calls.get(effect.requestId);
      if (call) cancelCall(call);
      return;
    }
    const { request } = effect;
    if (calls.has(request.requestId)) return; // already under way (a duplicate delivery)
    const loaded = config.current();
    const queue =
      request.kind === 'execute'
        ? queueFor(
            `worker:${request.model?.id}`,
            loaded.models.find((m) => m.id === request.model?.id)?.max_concurrency ?? 1,
          )
        : queueFor('cto', deps.ctoConcurrency ?? 8);
    calls.set(request.requestId, {
      taskId,
      resumed: resumed ?? null,
      request,
      queue,
      abort: null,
      outcome: null,
      cancelled: false,
    });
    queue.send({ type: 'ENQUEUE', requestId: request.requestId, now: clock.now() });
  }

  async function reply(call: LiveCall, outcome: CallOutcome): Promise<void> {
    if (!deps.tasks.taskOf(call.taskId) || call.cancelled) return;
    await deps.refresh();
    const task = deps.tasks.taskOf(call.taskId);
    if (!task || call.cancelled || isStopping()) return;
    let event: TaskEvent;
    try {
      event = replyEvent({
        request: call.request,
        outcome,
        context: task.context(),
        view: () => deps.view(config.current()),
      });
    } catch (error) {
      // A bug or a broken ConfigSource must not take the process down or leave the task hanging.
      logger?.error(
        { ...aboutCall(call.request.requestId, call), err: String(error) },
        'could not make the reply event',
      );
      deps.tasks.fail(call.taskId, error);
      return;
    }
    await deps.tasks.deliver(call.taskId, event);
  }

  function journalFor(
    taskId: string,
    requestId: string,
    entries: StepJournal['entries'],
  ): StepJournal {
    return {
      entries,
      append: (kind, data) =>
        deps.batcher.stage({
          journal: [{ taskId, requestId, kind, data, at: clock.now() }],
          ...deps.leases.fenceOf(taskId),
        }),
    };
  }

  /** The call's whole-call limit: the option given, else the config's `timeouts`. */
  function timeoutFor(kind: PendingRequest['kind']): number {
    const timeouts = { ...callTimeouts(config.current().config), ...deps.timeouts };
    return {
      classify: timeouts.classifyMs,
      execute: timeouts.executeMs,
      review: timeouts.reviewMs,
    }[kind];
  }

  function modelFor(loaded: LoadedConfig, request: PendingRequest): ResolvedModel {
    const id = request.kind === 'execute' ? request.model?.id : loaded.config.cto_model;
    const model = loaded.models.find((m) => m.id === id);
    if (!model)
      throw new ModelCallError(`model ${id} is no longer configured`, {
        transient: false,
        infrastructure: true,
      });
    return model;
  }

  /** Reserves what the call is estimated to use: the reservation, or why there is no room. */
  async function reserveFor(
    loaded: LoadedConfig,
    model: ResolvedModel,
    request: PendingRequest,
    context: TaskContext,
  ): Promise<Reservation | { refused: string }> {
    const reviewed = request.kind === 'review' ? context.attempts.at(-1)?.outputRef : null;
    const reviewedChars = reviewed ? ((await deps.outputs.get(reviewed))?.length ?? 0) : 0;
    return ledger.reserve({
      requestId: request.requestId,
      kind: request.kind,
      loaded,
      model,
      taskType: context.classification?.type ?? null,
      promptChars: context.input.description.length + reviewedChars,
      timeoutMs: timeoutFor(request.kind),
    });
  }

  /**
   * A call whose budget has no room, under `when_over_budget: wait`: it keeps its place and
   * tries again when the ledger says (settlements free what was reserved, a new window starts).
   */
  function waitForBudget(
    loaded: LoadedConfig,
    call: LiveCall,
    why: string,
    attemptTry: number,
    queue: QueueActor,
  ): void {
    const { requestId } = call.request;
    const { delayMs, note } = ledger.recheck(why);
    logger?.warn({ ...aboutCall(requestId) }, note);
    deps.onProgress?.({
      taskId: call.taskId,
      requestId,
      model: call.request.model?.id ?? loaded.config.cto_model,
      phase: call.request.kind,
      note,
    });
    timers.later(delayMs, () => void runCall(requestId, attemptTry, queue));
  }

  /**
   * Runs one try of a call: its journal so far, its model, its budget; then the model, under
   * its timeout. What it used is settled however it ends; the queue hears how it ended.
   */
  async function runCall(requestId: string, attemptTry: number, queue: QueueActor): Promise<void> {
    const call = calls.get(requestId);
    const task = call && deps.tasks.taskOf(call.taskId);
    if (!call || !task || isStopping()) return;
    const { request, taskId } = call;
    let model: ResolvedModel | null = null;
    let endSpan: ((end: CallEnd) => void) | undefined;
    // What this call set aside, settled with what it really used however it ends.
    let reserved: Reservation | null = null;
    const settlement = (usage?: CallUsage) => ledger.settlementOf(reserved, usage);
    const gone = () => call.cancelled || isStopping();
    try {
      // A retry, or a request re-sent by resume, may have run before; a first try of a new
      // request has no journal yet. The transport continues from what it journaled inside
      // the step (turns, tool calls). A resumed request's journal usually came with its claim
      // (since then only this process, which holds the lease, may write to it).
      const entries =
        attemptTry > 1 || call.resumed === 'unread'
          ? await deps.store.journal(taskId, requestId)
          : (call.resumed ?? []);
      if (gone()) return;
      const loaded = config.current();
      const chosen = modelFor(loaded, request);
      model = chosen;
      const reservation = await reserveFor(loaded, chosen, request, task.context());
      if ('refused' in reservation) {
        const why = reservation.refused;
        if (loaded.config.cost_optimization.when_over_budget === 'wait') {
          waitForBudget(loaded, call, why, attemptTry, queue);
          return;
        }
        // Under `block` the call is declined (the provider is not at fault: no cooldown); the
        // task escalates to a model with budget, or is blocked, with the reason.
        logger?.warn({ ...aboutCall(requestId), error: why }, 'over budget; the call is declined');
        queue.send({ type: 'DECLINED', requestId, error: why });
        return;
      }
      reserved = reservation;
      if (gone()) return;
      endSpan = deps.tracing?.callStarted(taskId, {
        requestId,
        kind: request.kind,
        model: chosen.id,
        modelId: chosen.model_id,
        provider: chosen.provider,
      });
      const step = await callWithTimeout(call, task, { loaded, chosen, reservation, entries });
      if (gone()) {
        endSpan?.({ error: 'cancelled' });
        if (call.cancelled) ledger.release(settlement(step.data.usage));
        return;
      }
      // The step's result is recorded by the reply's event, staged in this same turn of the
      // event loop and so written in the same transaction: with the output it refers to and
      // its budget settlement, or not at all (then the step was in flight at a crash, and runs
      // again on resume, reserving again under the same id).
      const output = step.data.kind === 'execute' ? step.output : undefined;
      if (step.data.kind === 'execute' && output !== undefined)
        deps.outputs.put(taskId, step.data.outputRef, output);
      deps.batcher
        .stage({
          blobs:
            step.data.kind === 'execute' && output !== undefined
              ? [[step.data.outputRef, output]]
              : [],
          settlements: settlement(step.data.usage),
        })
        .catch(() => {});
      call.outcome = { ok: true, step: step.data };
      endSpan?.({ usage: step.data.usage });
      queue.send({ type: 'SUCCEEDED', requestId });
    } catch (error) {
      if (gone()) {
        endSpan?.({ error: 'cancelled' });
        if (call.cancelled) ledger.release(settlement());
        return;
      }
      if (deps.batcher.failure) return deps.crash(deps.batcher.failure);
      failed(call, queue, error, model, settlement, endSpan);
    }
  }

  /** The model, called under the call's timeout and its budget's token allowance. */
  async function callWithTimeout(
    call: LiveCall,
    task: { context(): TaskContext },
    run: {
      loaded: LoadedConfig;
      chosen: ResolvedModel;
      reservation: Reservation;
      entries: StepJournal['entries'];
    },
  ) {
    const { loaded, chosen, reservation, entries } = run;
    const { request, taskId } = call;
    const { requestId } = request;
    const abort = callAbort();
    call.abort = abort;
    const timeoutMs = timeoutFor(request.kind);
    const timer = timers.later(timeoutMs, () => abort.abort('timeout'));
    return callModel({
      ports: deps.ports,
      request,
      model: chosen,
      context: task.context(),
      journal: journalFor(taskId, requestId, entries),
      abort,
      allowance: tokenAllowance(reservation.estimate.tokens, (tokens) =>
        ledger.reserveMore(reservation, tokens),
      ),
      timeoutMs,
      now: () => clock.now(),
      getBlob: deps.outputs.get,
      models: () => deps.view(loaded).models,
      progress: (note) => {
        const about = { taskId, requestId, model: chosen.id, phase: request.kind };
        logger?.info(about, note);
        deps.onProgress?.({ ...about, note });
      },
    }).finally(() => timers.cancel(timer));
  }

  /** A try that failed: what it used is settled, the failure journaled, the queue told. */
  function failed(
    call: LiveCall,
    queue: QueueActor,
    error: unknown,
    model: ResolvedModel | null,
    settlement: (usage?: CallUsage) => ReturnType<BudgetLedger['settlementOf']>,
    endSpan: ((end: CallEnd) => void) | undefined,
  ): void {
    const { taskId, request } = call;
    const { requestId } = request;
    const failure =
      error instanceof ModelCallError
        ? error
        : new ModelCallError(error instanceof Error ? error.message : String(error), {
            transient: false,
          });
    logger?.warn(
      { ...aboutCall(requestId), error: failure.message, transient: failure.transient },
      'model call failed',
    );
    const spent = failure.usage && model ? costOf(model, failure.usage) : null;
    const used = failure.usage && spent !== null ? { ...failure.usage, costUsd: spent } : undefined;
    endSpan?.({ error: failure.message, ...(used ? { usage: used } : {}) });
    // What a failed call used (turns before the failure) counts against the budget too.
    deps.batcher
      .stage({
        settlements: settlement(used),
        journal: [
          {
            taskId,
            requestId,
            kind: 'failed',
            data: {
              error: failure.message,
              transient: failure.transient,
              ...(failure.usage ? { usage: { ...failure.usage, costUsd: spent } } : {}),
            },
            at: clock.now(),
          },
        ],
      })
      .catch(() => {});
    queue.send({
      type: 'FAILED',
      requestId,
      transient: failure.transient,
      retryAfterMs: failure.retryAfterMs,
      error: failure.message,
      infrastructure: failure.infrastructure,
      now: clock.now(),
    });
  }

  return {
    dispatch,
    dropTask(taskId) {
      for (const call of calls.values()) {
        if (call.taskId !== taskId) continue;
        cancelCall(call, 'lease lost');
      }
    },
    abortAll() {
      for (const call of calls.values()) call.abort?.abort('stopped');
    },
    cooldowns() {
      const unavailable: Record<string, string> = {};
      for (const [name, queue] of queues) {
        const until = queue.getSnapshot().context.cooldownUntil;
        if (name.startsWith('worker:') && until !== null)
          unavailable[name.slice('worker:'.length)] =
            `cooling down until ${new Date(until).toISOString()}`;
      }
      return unavailable;
    },
    queueOf(modelId) {
      const queue = queues.get(`worker:${modelId}`)?.getSnapshot().context;
      return {
        queued: queue?.queue.length ?? 0,
        active: queue?.running ?? 0,
        coolingDownUntil: queue?.cooldownUntil ?? null,
      };
    },
    hasQueues: () => queues.size > 0,
    stopQueues() {
      for (const queue of queues.values()) queue.stop();
      queues.clear();
    },
  };
}
