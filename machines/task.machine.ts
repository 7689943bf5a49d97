import { and, assign, emit, setup } from 'xstate';
import {
  type Attempt,
  expandStoredContext,
  storedContextOf,
  type TaskContext,
  type TaskMachineInput,
} from './task-context.js';
import type { PendingRequest, TaskEmitted, TaskEvent } from './task-events.js';
import { canRun, type ModelRef, type Route } from './task-types.js';

/** Stored with every snapshot: a snapshot of another version is migrated or refused, never guessed. */
export const taskMachineVersion = 1;

const feedbackLimit = 2_000;

function failures(context: TaskContext): number {
  return context.attempts.filter((a) => a.error !== null || a.review?.verdict === 'reject').length;
}

function current(context: TaskContext): Attempt | undefined {
  return context.attempts.at(-1);
}

function requestId(taskId: string, kind: PendingRequest['kind'], attempt: number): string {
  return `${taskId}:${kind}:${attempt}`;
}

/** The request for an attempt's execution or review. */
function requestFor(
  context: TaskContext,
  kind: 'execute' | 'review',
  attempt: Attempt,
): PendingRequest {
  return {
    kind,
    requestId: requestId(context.taskId, kind, attempt.n),
    attempt: attempt.n,
    model: attempt.model,
  };
}

/** What a review changes: the attempt's review, the escalation if rejected, the decision. */
function reviewed(
  context: TaskContext,
  event: Extract<TaskEvent, { type: 'REVIEWED' }>,
): Pick<TaskContext, 'attempts' | 'escalation' | 'pending' | 'decisions'> {
  return {
    attempts: patchCurrent(context, {
      review: {
        verdict: event.verdict,
        quality: event.quality,
        feedback: event.feedback.slice(0, feedbackLimit),
        usage: event.usage,
      },
    }),
    escalation: event.verdict === 'reject' ? event.escalation : null,
    pending: null,
    decisions: [
      ...context.decisions,
      `attempt ${current(context)?.n}: review ${event.verdict === 'approve' ? 'approved' : 'rejected'} (quality ${event.quality})`,
    ],
  };
}

/** Replaces the current attempt with `patch` applied. */
function patchCurrent(context: TaskContext, patch: Partial<Attempt>): Attempt[] {
  const last = current(context);
  return last ? [...context.attempts.slice(0, -1), { ...last, ...patch }] : context.attempts;
}

function isAllowedEscalation(
  context: TaskContext,
  next: Route | null,
): next is Route & { model: ModelRef } {
  const from = current(context)?.model;
  if (!next?.model || !from || !context.classification) return false;
  return next.model.tier >= from.tier && canRun(next.model, context.classification);
}

/**
 * The lifecycle of one task: classifying → overriding → executing → reviewing → done, with
 * escalation on a failure or a rejection, `blocked` after `maxAttempts` failures, and
 * `cancelled` from anywhere. The machine calls no model and invokes nothing: it emits a
 * request, the runtime stores the new snapshot and only then delivers it (write-ahead), and the
 * reply comes back as an event carrying the request's id. Routing decisions arrive inside the
 * replies; the guards here hold the invariants whatever the policy says.
 *
 * @example
 * const actor = createActor(taskMachine, {
 *   input: { taskId: 't1', input: { description: 'Fix the build' }, maxAttempts: 3 },
 * });
 * actor.on('request', ({ request }) => deliver(request));
 * actor.start();
 */
const machine = setup({
  types: {
    context: {} as TaskContext,
    input: {} as TaskMachineInput,
    events: {} as TaskEvent,
    emitted: {} as TaskEmitted,
  },
  guards: {
    isReplyToPending: ({ context, event }) =>
      'requestId' in event && event.requestId === context.pending?.requestId,
    isApproval: ({ event }) => event.type === 'REVIEWED' && event.verdict === 'approve',
    routeIsRunnable: ({ context }) =>
      context.route?.model != null &&
      context.classification !== null &&
      canRun(context.route.model, context.classification),
    attemptsExhausted: ({ context }) => failures(context) >= context.maxAttempts,
    escalationIsAllowed: ({ context }) => isAllowedEscalation(context, context.escalation),
    hasReviewedOutput: ({ context }) => current(context)?.outputRef != null,
  },
  actions: {
    emitPending: emit(({ context }): TaskEmitted => {
      if (!context.pending) throw new Error('no pending request to emit');
      return { type: 'request', request: context.pending };
    }),
    recordClassification: assign(({ context, event }) => {
      if (event.type !== 'CLASSIFIED' && event.type !== 'CLASSIFY_FAILED') return {};
      const note =
        event.type === 'CLASSIFIED'
          ? `classified as ${event.classification.complexity} ${event.classification.type}; the CTO recommends ${event.classification.model}: ${event.classification.reason}`
          : `classification failed (${event.error}); heuristic: ${event.classification.complexity} ${event.classification.type}`;
      return {
        classification: event.classification,
        classifyUsage: event.type === 'CLASSIFIED' ? (event.usage ?? null) : null,
        route: event.route,
        pending: null,
        decisions: [...context.decisions, note, `route: ${event.route.reason}`],
      };
    }),
    startFirstAttempt: assign(({ context }) => {
      const model = context.route?.model;
      if (!model) return {};
      const attempt: Attempt = {
        n: 1,
        model,
        reason: context.route?.reason ?? '',
        outputRef: null,
        summary: null,
        usage: null,
        review: null,
        error: null,
      };
      return { attempts: [attempt], pending: requestFor(context, 'execute', attempt) };
    }),
    recordOutput: assign(({ context, event }) => {
      const attempt = current(context);
      if (event.type !== 'EXECUTED' || !attempt) return {};
      const { outputRef, summary, usage } = event;
      return {
        attempts: patchCurrent(context, { outputRef, summary, usage }),
        pending: requestFor(context, 'review', attempt),
      };
    }),
    recordFailure: assign(({ context, event }) => {
      if (event.type !== 'EXECUTE_FAILED' && event.type !== 'REVIEW_FAILED') return {};
      const infrastructure = event.infrastructure === true;
      const what =
        event.type === 'EXECUTE_FAILED'
          ? 'execution failed'
          : infrastructure
            ? 'review could not run'
            : 'review failed';
      const patch: Partial<Attempt> =
        event.type === 'EXECUTE_FAILED'
          ? { error: event.error, ...(infrastructure ? { infrastructure } : {}) }
          : infrastructure
            ? { error: `${what}: ${event.error}`, infrastructure }
            : {
                review: {
                  verdict: 'reject',
                  quality: 1,
                  feedback: `review failed: ${event.error}`,
                  usage: null,
                },
              };
      return {
        attempts: patchCurrent(context, patch),
        escalation: event.escalation,
        pending: null,
        decisions: [
          ...context.decisions,
          `attempt ${current(context)?.n}: ${what}${infrastructure ? " (not the model's doing)" : ''}: ${event.error}`,
        ],
      };
    }),
    recordReview: assign(({ context, event }) =>
      event.type === 'REVIEWED' ? reviewed(context, event) : {},
    ),
    // The review and the end of the task in one update.
    recordApproval: assign(({ context, event }) => {
      if (event.type !== 'REVIEWED') return {};
      const update = reviewed(context, event);
      return {
        ...update,
        outcome: { status: 'done' as const, reason: `approved on attempt ${current(context)?.n}` },
        decisions: [...update.decisions, 'done'],
      };
    }),
    startEscalatedAttempt: assign(({ context }) => {
      const next = context.escalation;
      const from = current(context);
      if (!next?.model || !from) return {};
      const attempt: Attempt = {
        n: from.n + 1,
        model: next.model,
        reason: next.reason,
        outputRef: null,
        summary: null,
        usage: null,
        review: null,
        error: null,
      };
      return {
        attempts: [...context.attempts, attempt],
        pending: requestFor(context, 'execute', attempt),
        escalation: null,
        decisions: [...context.decisions, `escalated to ${next.model.id}: ${next.reason}`],
      };
    }),
    blockAfterFailures: assign(({ context }) => {
      const reason = `blocked after ${failures(context)} failed attempts (max_attempts ${context.maxAttempts})`;
      return {
        outcome: { status: 'blocked' as const, reason },
        decisions: [...context.decisions, reason],
      };
    }),
    blockNoRoute: assign(({ context }) => {
      const route = context.route;
      const reason =
        route?.model && context.classification && !canRun(route.model, context.classification)
          ? `${route.model.id} is text-only and a ${context.classification.type} task needs tools`
          : (route?.reason ?? 'no model');
      // The outcome's status says "blocked"; its reason says why, once.
      return {
        outcome: { status: 'blocked' as const, reason },
        decisions: [...context.decisions, `blocked: ${reason}`],
      };
    }),
    blockNoEscalation: assign(({ context }) => {
      const next = context.escalation;
      const from = current(context)?.model;
      const reason =
        next?.model && from && next.model.tier < from.tier
          ? `escalation from ${from.id} to the weaker ${next.model.id} refused`
          : next?.model && context.classification && !canRun(next.model, context.classification)
            ? `${next.model.id} is text-only and a ${context.classification.type} task needs tools`
            : `no model to escalate to (${next?.reason ?? 'none given'})`;
      return {
        outcome: { status: 'blocked' as const, reason },
        decisions: [...context.decisions, `blocked: ${reason}`],
      };
    }),
    cancel: assign(({ context, event }) => {
      const reason = event.type === 'CANCEL' ? event.reason : 'cancelled';
      return {
        outcome: { status: 'cancelled' as const, reason },
        pending: null,
        decisions: [...context.decisions, `cancelled: ${reason}`],
      };
    }),
    emitCancel: emit(
      ({ context }): TaskEmitted => ({
        type: 'cancel',
        requestId: context.pending?.requestId ?? '',
      }),
    ),
  },
}).createMachine({
  id: 'task',
  // A task starts waiting for its classification (requested on entering `classifying`).
  context: ({ input }) => ({
    ...input,
    classification: null,
    classifyUsage: null,
    route: null,
    escalation: null,
    attempts: [],
    pending: {
      kind: 'classify' as const,
      requestId: requestId(input.taskId, 'classify', 1),
      attempt: 1,
      model: null,
    },
    outcome: null,
    decisions: [],
  }),
  initial: 'classifying',
  on: {
    CANCEL: { target: '.cancelled', actions: ['emitCancel', 'cancel'] },
  },
  states: {
    classifying: {
      entry: 'emitPending',
      on: {
        CLASSIFIED: {
          guard: 'isReplyToPending',
          target: 'overriding',
          actions: 'recordClassification',
        },
        CLASSIFY_FAILED: {
          guard: 'isReplyToPending',
          target: 'overriding',
          actions: 'recordClassification',
        },
      },
    },
    overriding: {
      always: [
        { guard: 'routeIsRunnable', target: 'executing', actions: 'startFirstAttempt' },
        { target: 'blocked', actions: 'blockNoRoute' },
      ],
    },
    // The request of each state is set by the transition into it (a new attempt, an output):
    // one context update per step instead of two.
    executing: {
      entry: 'emitPending',
      on: {
        EXECUTED: { guard: 'isReplyToPending', target: 'reviewing', actions: 'recordOutput' },
        EXECUTE_FAILED: {
          guard: 'isReplyToPending',
          target: 'escalated',
          actions: 'recordFailure',
        },
      },
    },
    reviewing: {
      entry: 'emitPending',
      on: {
        REVIEWED: [
          {
            guard: and(['isReplyToPending', 'isApproval', 'hasReviewedOutput']),
            target: 'done',
            actions: 'recordApproval',
          },
          { guard: 'isReplyToPending', target: 'escalated', actions: 'recordReview' },
        ],
        REVIEW_FAILED: { guard: 'isReplyToPending', target: 'escalated', actions: 'recordFailure' },
      },
    },
    escalated: {
      always: [
        { guard: 'attemptsExhausted', target: 'blocked', actions: 'blockAfterFailures' },
        { guard: 'escalationIsAllowed', target: 'executing', actions: 'startEscalatedAttempt' },
        { target: 'blocked', actions: 'blockNoEscalation' },
      ],
    },
    done: { type: 'final' },
    blocked: { type: 'final' },
    cancelled: { type: 'final' },
  },
});

function isEmpty(record: object | undefined): boolean {
  for (const _ in record) return false;
  return true;
}

const persistWhole = machine.getPersistedSnapshot;
const restoreWhole = machine.restoreSnapshot;

/**
 * The task machine, whose persisted snapshots hold the route's reason once
 * (`storedContextOf`): written that way, and put back whole when restored (snapshots stored
 * before read as they are). The machine has no child actors and no history states, so its
 * persisted snapshot is built directly, without XState's walk of the context for actor refs.
 */
export const taskMachine = machine;
taskMachine.getPersistedSnapshot = (snapshot, options) => {
  if (!isEmpty(snapshot.children) || !isEmpty(snapshot.historyValue))
    return persistWhole(snapshot, options);
  const { status, output, error, value, context } = snapshot;
  return {
    status,
    output,
    error,
    value,
    historyValue: {},
    context: storedContextOf(context),
    children: {},
  } as unknown as ReturnType<typeof persistWhole>;
};
taskMachine.restoreSnapshot = (snapshot, scope) => {
  const stored = snapshot as { context?: unknown };
  const context = expandStoredContext(stored.context);
  return restoreWhole(
    (context === stored.context ? snapshot : { ...stored, context }) as never,
    scope,
  );
};
