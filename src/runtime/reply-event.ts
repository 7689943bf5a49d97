import { z } from 'zod';
import { oneLine } from '../../agents/short-text.js';
import type { TaskContext } from '../../machines/task-context.js';
import { type PendingRequest, type TaskEvent, usageSchema } from '../../machines/task-events.js';
import type { Classification } from '../../machines/task-types.js';
import { complexitySchema, taskTypeSchema } from '../../machines/task-types.js';
import { escalate } from '../routing/escalate.js';
import { heuristicClassification } from '../routing/heuristic-classification.js';
import { routeTask } from '../routing/route-task.js';
import type { RoutingView } from '../routing/routing-view.js';
import { similarTasksView } from '../routing/similar-tasks-view.js';

/** The checked result of a model call, with its usage: what the reply event is made from. */
export const finishedStepSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('classify'),
    classification: z.object({
      complexity: complexitySchema,
      type: taskTypeSchema,
      model: z.string(),
      reason: z.string(),
    }),
    usage: usageSchema,
  }),
  z.object({
    kind: z.literal('execute'),
    outputRef: z.string(),
    summary: z.string(),
    usage: usageSchema,
  }),
  z.object({
    kind: z.literal('review'),
    verdict: z.enum(['approve', 'reject']),
    quality: z.int().min(1).max(10),
    feedback: z.string(),
    usage: usageSchema,
  }),
]);
export type FinishedStep = z.infer<typeof finishedStepSchema>;

export type CallOutcome =
  | { ok: true; step: FinishedStep }
  /** `infrastructure`: not the model's doing (see `ModelCallError.infrastructure`). */
  | { ok: false; error: string; infrastructure: boolean };

/**
 * The event a settled call sends to its task, with the routing decision it implies made now,
 * from the current view: the route after a classification (or after the heuristic stands in
 * for a failed one), the escalation after a failure or a rejection. The view is asked for only
 * then: a finished execution or an approval decides nothing (two replies of a task's three).
 *
 * @example
 * deliver(taskId, replyEvent({ request, outcome, context, view: () => routingView(loaded) }));
 */
export function replyEvent({
  request,
  outcome,
  context,
  view,
}: {
  request: PendingRequest;
  outcome: CallOutcome;
  context: TaskContext;
  /** What routing sees now; called only when the reply decides a route or an escalation. */
  view: () => RoutingView;
}): TaskEvent {
  const { requestId } = request;
  // Decisions see what reviewed tasks that read like this one showed.
  const taskView = () => similarTasksView(view(), context.taskId, context.input.description);
  const route = (classification: Classification) =>
    routeTask({ taskId: context.taskId, input: context.input, classification, view: taskView() });
  const escalation = (failure: 'rejected' | 'failed', cause?: string) => {
    const from = request.model;
    if (!from || !context.classification)
      return { model: null, reason: 'nothing to escalate from' };
    const tried = context.attempts.map((attempt) => attempt.model.id);
    return escalate({
      classification: context.classification,
      from,
      failure,
      ...(cause ? { cause } : {}),
      view: taskView(),
      tried,
      taskId: context.taskId,
    });
  };
  // A failure around the model (no budget, no key) is named in the escalation's reason.
  const infrastructure = !outcome.ok && outcome.infrastructure;
  const cause = infrastructure ? oneLine(outcome.error).slice(0, 300) : undefined;

  switch (request.kind) {
    case 'classify': {
      if (outcome.ok && outcome.step.kind === 'classify') {
        const answer = outcome.step.classification;
        // A type the user gave wins over the CTO's guess.
        const classification: Classification = {
          ...answer,
          type: context.input.type ?? answer.type,
          source: 'cto',
        };
        return {
          type: 'CLASSIFIED',
          requestId,
          classification,
          route: route(classification),
          usage: outcome.step.usage,
        };
      }
      const error = outcome.ok ? `unexpected ${outcome.step.kind} result` : outcome.error;
      const classification = heuristicClassification(
        context.input,
        `the CTO's classification failed: ${error}`,
      );
      return {
        type: 'CLASSIFY_FAILED',
        requestId,
        error,
        classification,
        route: route(classification),
      };
    }
    case 'execute': {
      if (outcome.ok && outcome.step.kind === 'execute') {
        const { outputRef, summary, usage } = outcome.step;
        return { type: 'EXECUTED', requestId, outputRef, summary, usage };
      }
      const error = outcome.ok ? `unexpected ${outcome.step.kind} result` : outcome.error;
      return {
        type: 'EXECUTE_FAILED',
        requestId,
        error,
        ...(infrastructure ? { infrastructure } : {}),
        escalation: escalation('failed', cause),
      };
    }
    case 'review': {
      if (outcome.ok && outcome.step.kind === 'review') {
        const { verdict, quality, feedback, usage } = outcome.step;
        return {
          type: 'REVIEWED',
          requestId,
          verdict,
          quality,
          feedback,
          usage,
          escalation:
            verdict === 'approve' ? { model: null, reason: 'approved' } : escalation('rejected'),
        };
      }
      const error = outcome.ok ? `unexpected ${outcome.step.kind} result` : outcome.error;
      return {
        type: 'REVIEW_FAILED',
        requestId,
        error,
        ...(infrastructure ? { infrastructure } : {}),
        escalation: escalation(
          'rejected',
          infrastructure ? `its review could not run: ${cause}` : undefined,
        ),
      };
    }
  }
}
