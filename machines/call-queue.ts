import { and, emit, enqueueActions, setup } from 'xstate';

export interface CallQueueInput {
  /** The actor's systemId: `cto` or `worker:<model>`. */
  name: string;
  /** Calls at once to this model; more wait in the mailbox. */
  concurrency: number;
  /** Retries of one call on transient errors (429, 5xx, timeouts) before it fails. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Failed calls in a row (after their retries) that put the model in cooldown. */
  cooldownAfter: number;
  cooldownMs: number;
}

export interface CallQueueContext extends CallQueueInput {
  queue: string[];
  /** The requests in `queue`, for a membership test that stays cheap with a long mailbox. */
  waiting: Record<string, true>;
  /** Calls under way (including those waiting for a retry), with the tries made so far. */
  active: Record<string, number>;
  /** How many calls are in `active`. */
  running: number;
  consecutiveFailures: number;
  cooldownUntil: number | null;
}

export type CallQueueEvent =
  | { type: 'ENQUEUE'; requestId: string; now: number }
  | { type: 'SUCCEEDED'; requestId: string }
  | {
      type: 'FAILED';
      requestId: string;
      transient: boolean;
      retryAfterMs: number | null;
      error: string;
      /** Not the model's doing (see `settled`); transient failures always are. */
      infrastructure?: boolean;
      now: number;
    }
  /** The call never reached its provider (its budget had no room): no sign of trouble there. */
  | { type: 'DECLINED'; requestId: string; error: string }
  | { type: 'RETRY_DUE'; requestId: string }
  | { type: 'CANCEL'; requestId: string }
  | { type: 'COOLDOWN_OVER' }
  | { type: 'SET_CONCURRENCY'; concurrency: number };

export type CallQueueEmitted =
  | { type: 'start'; requestId: string; try: number }
  | { type: 'retry'; requestId: string; delayMs: number; error: string }
  | { type: 'settled'; requestId: string; ok: true }
  /**
   * `infrastructure`: the call failed for reasons around the model (no budget, no key, the
   * provider down, a cooldown), which say nothing of how well it works.
   */
  | { type: 'settled'; requestId: string; ok: false; error: string; infrastructure: boolean }
  | { type: 'abort'; requestId: string }
  | { type: 'cooldown'; until: number };

function backoff(context: CallQueueContext, tries: number, retryAfterMs: number | null): number {
  const exponential = Math.min(context.maxDelayMs, context.baseDelayMs * 2 ** (tries - 1));
  return Math.max(retryAfterMs ?? 0, exponential);
}

/** Removes a call from `active` (see `actions` on why in place). */
function dropActive(context: CallQueueContext, requestId: string): void {
  if (!(requestId in context.active)) return;
  delete context.active[requestId];
  context.running -= 1;
}

/**
 * The mailbox of one model, shared by the CTO actor and every worker actor: at most
 * `concurrency` calls at once, retry with exponential backoff on transient errors (honouring
 * retry-after), and a cooldown after `cooldownAfter` failed calls in a row, during which new
 * requests fail at once (so their tasks escalate). Pure: the runtime makes the calls, owns the
 * timers, and reports back with events; time arrives in the events.
 *
 * @example
 * const worker = createActor(workerMachine, { input: { name: 'worker:deepseek', concurrency: 4, … } });
 * worker.on('start', ({ requestId }) => call(requestId));
 */
export function createCallQueueMachine(id: string) {
  return setup({
    types: {
      context: {} as CallQueueContext,
      input: {} as CallQueueInput,
      events: {} as CallQueueEvent,
      emitted: {} as CallQueueEmitted,
    },
    guards: {
      isActive: ({ context, event }) => 'requestId' in event && event.requestId in context.active,
      canRetry: ({ context, event }) => {
        if (event.type !== 'FAILED' || !event.transient) return false;
        const tries = context.active[event.requestId];
        return tries !== undefined && tries <= context.maxRetries;
      },
      reachesCooldown: ({ context }) => context.consecutiveFailures + 1 >= context.cooldownAfter,
    },
    // The context is changed in place, by plain actions, never through `assign`: the mailbox
    // can hold tens of thousands of requests (a resume), and a copy per event made that
    // quadratic; and every `assign` copies the context and the snapshot, which for two events
    // per model call was most of what a call through the queue allocated. Queue actors are
    // never persisted, and nothing keeps their old contexts.
    actions: {
      enqueue: ({ context, event }) => {
        const { active, waiting } = context;
        if (event.type !== 'ENQUEUE' || event.requestId in active || event.requestId in waiting)
          return;
        context.queue.push(event.requestId);
        waiting[event.requestId] = true;
      },
      startWaiting: enqueueActions(({ context, enqueue }) => {
        const { queue, waiting, active } = context;
        while (queue.length > 0 && context.running < context.concurrency) {
          const requestId = queue.shift() as string;
          delete waiting[requestId];
          active[requestId] = 1;
          context.running += 1;
          enqueue.emit({ type: 'start', requestId, try: 1 });
        }
      }),
      succeed: ({ context, event }) => {
        if (event.type !== 'SUCCEEDED') return;
        dropActive(context, event.requestId);
        context.consecutiveFailures = 0;
      },
      emitSucceeded: emit(({ event }) => {
        if (event.type !== 'SUCCEEDED') throw new Error('emitSucceeded needs SUCCEEDED');
        return { type: 'settled' as const, requestId: event.requestId, ok: true as const };
      }),
      scheduleRetry: emit(({ context, event }) => {
        if (event.type !== 'FAILED') throw new Error('scheduleRetry needs FAILED');
        const tries = context.active[event.requestId] ?? 1;
        return {
          type: 'retry' as const,
          requestId: event.requestId,
          delayMs: backoff(context, tries, event.retryAfterMs),
          error: event.error,
        };
      }),
      countRetry: ({ context, event }) => {
        if (event.type !== 'RETRY_DUE') return;
        context.active[event.requestId] = (context.active[event.requestId] ?? 0) + 1;
      },
      restart: emit(({ context, event }) => {
        if (event.type !== 'RETRY_DUE') throw new Error('restart needs RETRY_DUE');
        return {
          type: 'start' as const,
          requestId: event.requestId,
          try: context.active[event.requestId] ?? 1,
        };
      }),
      // Emitted before `fail` drops the call: its tries are read here.
      emitFailed: emit(({ context, event }): CallQueueEmitted => {
        if (event.type !== 'FAILED') throw new Error('emitFailed needs FAILED');
        const tries = context.active[event.requestId] ?? 1;
        return {
          type: 'settled',
          requestId: event.requestId,
          ok: false,
          error: `${event.error}${event.transient ? ` (after ${tries} tries)` : ''}`,
          infrastructure: event.transient || event.infrastructure === true,
        };
      }),
      fail: ({ context, event }) => {
        if (event.type !== 'FAILED') return;
        dropActive(context, event.requestId);
        context.consecutiveFailures += 1;
      },
      decline: ({ context, event }) => {
        if (event.type === 'DECLINED') dropActive(context, event.requestId);
      },
      emitDeclined: emit(({ event }): CallQueueEmitted => {
        if (event.type !== 'DECLINED') throw new Error('emitDeclined needs DECLINED');
        return {
          type: 'settled',
          requestId: event.requestId,
          ok: false,
          error: event.error,
          infrastructure: true,
        };
      }),
      startCooldown: enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== 'FAILED') return;
        const until = event.now + context.cooldownMs;
        const waiting = context.queue;
        context.cooldownUntil = until;
        context.queue = [];
        context.waiting = {};
        enqueue.emit({ type: 'cooldown', until });
        // Waiting requests would only fail one by one: fail them now, so their tasks escalate.
        for (const requestId of waiting) {
          enqueue.emit({
            type: 'settled',
            requestId,
            ok: false,
            error: `${context.name} is cooling down after repeated failures`,
            infrastructure: true,
          });
        }
      }),
      refuseInCooldown: emit(({ context, event }) => {
        if (event.type !== 'ENQUEUE') throw new Error('refuseInCooldown needs ENQUEUE');
        return {
          type: 'settled' as const,
          requestId: event.requestId,
          ok: false as const,
          error: `${context.name} is cooling down after repeated failures until ${new Date(context.cooldownUntil ?? 0).toISOString()}`,
          infrastructure: true,
        };
      }),
      endCooldown: ({ context }) => {
        context.cooldownUntil = null;
        context.consecutiveFailures = 0;
      },
      cancel: enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== 'CANCEL') return;
        if (event.requestId in context.active) {
          dropActive(context, event.requestId);
          enqueue.emit({ type: 'abort', requestId: event.requestId });
        } else if (event.requestId in context.waiting) {
          delete context.waiting[event.requestId];
          context.queue = context.queue.filter((queued) => queued !== event.requestId);
        }
      }),
      setConcurrency: ({ context, event }) => {
        if (event.type === 'SET_CONCURRENCY') context.concurrency = event.concurrency;
      },
    },
  }).createMachine({
    id,
    context: ({ input }) => ({
      ...input,
      queue: [],
      waiting: {},
      active: {},
      running: 0,
      consecutiveFailures: 0,
      cooldownUntil: null,
    }),
    initial: 'available',
    on: {
      SUCCEEDED: { guard: 'isActive', actions: ['succeed', 'emitSucceeded', 'startWaiting'] },
      RETRY_DUE: { guard: 'isActive', actions: ['countRetry', 'restart'] },
      DECLINED: { guard: 'isActive', actions: ['decline', 'emitDeclined', 'startWaiting'] },
      CANCEL: { actions: ['cancel', 'startWaiting'] },
      SET_CONCURRENCY: { actions: ['setConcurrency', 'startWaiting'] },
    },
    states: {
      available: {
        on: {
          ENQUEUE: { actions: ['enqueue', 'startWaiting'] },
          FAILED: [
            { guard: 'canRetry', actions: 'scheduleRetry' },
            {
              guard: and(['isActive', 'reachesCooldown']),
              target: 'coolingDown',
              actions: ['emitFailed', 'fail', 'startCooldown'],
            },
            { guard: 'isActive', actions: ['emitFailed', 'fail', 'startWaiting'] },
          ],
        },
      },
      coolingDown: {
        on: {
          ENQUEUE: { actions: 'refuseInCooldown' },
          FAILED: [
            { guard: 'canRetry', actions: 'scheduleRetry' },
            { guard: 'isActive', actions: ['emitFailed', 'fail'] },
          ],
          COOLDOWN_OVER: { target: 'available', actions: ['endCooldown', 'startWaiting'] },
        },
      },
    },
  });
}

export type CallQueueMachine = ReturnType<typeof createCallQueueMachine>;
