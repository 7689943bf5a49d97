import { and, assign, emit, enqueueActions, setup } from 'xstate';

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

/** Removes a call from `active`, in place like the mailbox (see `enqueue`). */
function without(
  context: CallQueueContext,
  requestId: string,
): Pick<CallQueueContext, 'active' | 'running'> {
  if (!(requestId in context.active)) return { active: context.active, running: context.running };
  delete context.active[requestId];
  return { active: context.active, running: context.running - 1 };
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
    actions: {
      // The mailbox and the active calls are changed in place: the mailbox can hold tens of
      // thousands of requests (a resume), and a copy per event made that quadratic. Queue
      // actors are never persisted, and nothing keeps their old contexts.
      enqueue: enqueueActions(({ context, event, enqueue }) => {
        const { queue, waiting } = context;
        if (
          event.type !== 'ENQUEUE' ||
          event.requestId in context.active ||
          event.requestId in waiting
        )
          return;
        queue.push(event.requestId);
        waiting[event.requestId] = true;
        enqueue.assign({ queue, waiting });
      }),
      startWaiting: enqueueActions(({ context, enqueue }) => {
        const { queue, waiting, active } = context;
        let { running } = context;
        if (queue.length === 0 || running >= context.concurrency) return;
        while (queue.length > 0 && running < context.concurrency) {
          const requestId = queue.shift() as string;
          delete waiting[requestId];
          active[requestId] = 1;
          running += 1;
          enqueue.emit({ type: 'start', requestId, try: 1 });
        }
        enqueue.assign({ queue, waiting, active, running });
      }),
      succeed: enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== 'SUCCEEDED') return;
        enqueue.assign({ ...without(context, event.requestId), consecutiveFailures: 0 });
        enqueue.emit({ type: 'settled', requestId: event.requestId, ok: true });
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
      countRetry: assign({
        active: ({ context, event }) =>
          event.type === 'RETRY_DUE'
            ? Object.assign(context.active, {
                [event.requestId]: (context.active[event.requestId] ?? 0) + 1,
              })
            : context.active,
      }),
      restart: emit(({ context, event }) => {
        if (event.type !== 'RETRY_DUE') throw new Error('restart needs RETRY_DUE');
        return {
          type: 'start' as const,
          requestId: event.requestId,
          try: context.active[event.requestId] ?? 1,
        };
      }),
      fail: enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== 'FAILED') return;
        const tries = context.active[event.requestId] ?? 1;
        enqueue.assign({
          ...without(context, event.requestId),
          consecutiveFailures: context.consecutiveFailures + 1,
        });
        enqueue.emit({
          type: 'settled',
          requestId: event.requestId,
          ok: false,
          error: `${event.error}${event.transient ? ` (after ${tries} tries)` : ''}`,
          infrastructure: event.transient || event.infrastructure === true,
        });
      }),
      decline: enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== 'DECLINED') return;
        enqueue.assign(without(context, event.requestId));
        enqueue.emit({
          type: 'settled',
          requestId: event.requestId,
          ok: false,
          error: event.error,
          infrastructure: true,
        });
      }),
      startCooldown: enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== 'FAILED') return;
        const until = event.now + context.cooldownMs;
        enqueue.assign({ cooldownUntil: until, queue: [], waiting: {} });
        enqueue.emit({ type: 'cooldown', until });
        // Waiting requests would only fail one by one: fail them now, so their tasks escalate.
        for (const requestId of context.queue) {
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
      endCooldown: assign({ cooldownUntil: null, consecutiveFailures: 0 }),
      cancel: enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== 'CANCEL') return;
        if (event.requestId in context.active) {
          enqueue.assign(without(context, event.requestId));
          enqueue.emit({ type: 'abort', requestId: event.requestId });
        } else if (event.requestId in context.waiting) {
          delete context.waiting[event.requestId];
          enqueue.assign({
            queue: context.queue.filter((queued) => queued !== event.requestId),
            waiting: context.waiting,
          });
        }
      }),
      setConcurrency: assign({
        concurrency: ({ context, event }) =>
          event.type === 'SET_CONCURRENCY' ? event.concurrency : context.concurrency,
      }),
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
      SUCCEEDED: { guard: 'isActive', actions: ['succeed', 'startWaiting'] },
      RETRY_DUE: { guard: 'isActive', actions: ['countRetry', 'restart'] },
      DECLINED: { guard: 'isActive', actions: ['decline', 'startWaiting'] },
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
              actions: ['fail', 'startCooldown'],
            },
            { guard: 'isActive', actions: ['fail', 'startWaiting'] },
          ],
        },
      },
      coolingDown: {
        on: {
          ENQUEUE: { actions: 'refuseInCooldown' },
          FAILED: [
            { guard: 'canRetry', actions: 'scheduleRetry' },
            { guard: 'isActive', actions: 'fail' },
          ],
          COOLDOWN_OVER: { target: 'available', actions: ['endCooldown', 'startWaiting'] },
        },
      },
    },
  });
}

export type CallQueueMachine = ReturnType<typeof createCallQueueMachine>;
