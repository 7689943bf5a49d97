import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import type { CallActivity } from '../../runtime/create-orchestrator.js';
import { finalStatuses } from '../../store/store.js';
import type { ApiContext } from '../api-context.js';
import { ApiError, errorResponses } from '../api-error.js';
import type { NumberedChange } from '../change-feed.js';
import { maskSecrets } from '../mask-secrets.js';
import { taskSummary } from '../task-views.js';
import { WakeSignal } from '../wake-signal.js';

const eventStream = (description: string) => ({
  description,
  content: { 'text/event-stream': { schema: z.string() } },
});

const routes = {
  all: createRoute({
    method: 'get',
    path: '/api/stream',
    summary:
      'Server-Sent Events: `task` (a TaskSummary, after each stored step), `activity` (a model call’s note), `reset` (reload: the changes since the given id are not known here)',
    description:
      'Resumable: an EventSource sends the last id as Last-Event-ID on reconnecting, and gets every change it missed; `since` does the same for the first connection (the `streamFrom` of a list).',
    request: { query: z.strictObject({ since: z.string().max(100).optional() }) },
    responses: { 200: eventStream('the stream of all tasks'), ...errorResponses(400, 401, 403) },
  }),
  task: createRoute({
    method: 'get',
    path: '/api/tasks/{id}/stream',
    summary:
      "Server-Sent Events of one task: `step` (each stored event, its id the event's sequence number), `activity` (tool calls and turns as they happen), `end` (the task ended)",
    description:
      'Resumable with Last-Event-ID (or `since`): the steps after that sequence number are sent first, from the store.',
    request: {
      params: z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }),
      query: z.strictObject({ since: z.coerce.number().int().min(0).optional() }),
    },
    responses: { 200: eventStream("the task's stream"), ...errorResponses(400, 401, 403, 404) },
  }),
};

const activityData = (activity: CallActivity) =>
  JSON.stringify(
    maskSecrets({
      taskId: activity.taskId,
      model: activity.model,
      phase: activity.phase,
      note: activity.note,
    }),
  );

/**
 * The live streams: every task's changes, and one task's steps and activity.
 *
 * @example
 * registerStreamRoutes(app, { orchestrator, source, feed });
 */
export function registerStreamRoutes(app: OpenAPIHono, context: ApiContext): void {
  const { orchestrator, feed } = context;
  const keepAliveMs = context.keepAliveMs ?? 15_000;
  const pollMs = context.pollMs ?? 1_000;

  app.openapi(routes.all, (c) => {
    const from = c.req.header('last-event-id') ?? c.req.valid('query').since;
    return streamSSE(c, async (stream) => {
      const signal = new WakeSignal();
      const changes: NumberedChange[] = [];
      const activities: CallActivity[] = [];
      // Listen first, then read what was missed: nothing can fall between the two.
      const unsubscribe = feed.subscribe((message) => {
        if (message.kind === 'change') changes.push(message.change);
        else activities.push(message.activity);
        signal.wake();
      });
      stream.onAbort(() => signal.wake());
      try {
        if (from) {
          const missed = feed.since(from);
          if (missed === null) await stream.writeSSE({ event: 'reset', data: '{}' });
          else changes.unshift(...missed);
        }
        while (!stream.aborted && !stream.closed) {
          for (const activity of activities.splice(0))
            await stream.writeSSE({ event: 'activity', data: activityData(activity) });
          for (const change of changes.splice(0)) {
            const task = await orchestrator.get(change.taskId).catch(() => null);
            if (!task) continue;
            await stream.writeSSE({
              id: change.id,
              event: 'task',
              data: JSON.stringify(maskSecrets(taskSummary(task))),
            });
          }
          if (changes.length === 0 && activities.length === 0) {
            await signal.wait(keepAliveMs);
            if (changes.length === 0 && activities.length === 0) await stream.write(': ping\n\n');
          }
        }
      } finally {
        unsubscribe();
      }
    });
  });

  app.openapi(routes.task, async (c) => {
    const { id } = c.req.valid('param');
    const header = c.req.header('last-event-id');
    let last =
      header !== undefined && /^\d+$/.test(header)
        ? Number(header)
        : (c.req.valid('query').since ?? 0);
    if (!(await orchestrator.store.getTask(id))) throw new ApiError(404, `no task ${id}`);
    return streamSSE(c, async (stream) => {
      const signal = new WakeSignal();
      const activities: CallActivity[] = [];
      const unsubscribe = feed.subscribe((message) => {
        if (message.kind === 'change' && message.change.taskId === id) signal.wake();
        if (message.kind === 'activity' && message.activity.taskId === id) {
          activities.push(message.activity);
          signal.wake();
        }
      });
      stream.onAbort(() => signal.wake());
      let wroteAt = Date.now();
      try {
        while (!stream.aborted && !stream.closed) {
          if (activities.length > 0) wroteAt = Date.now();
          for (const activity of activities.splice(0))
            await stream.writeSSE({ event: 'activity', data: activityData(activity) });
          const task = await orchestrator.store.getTask(id);
          const events = (await orchestrator.store.events(id)).filter((e) => e.seq > last);
          for (const event of events) {
            await stream.writeSSE({
              id: String(event.seq),
              event: 'step',
              data: JSON.stringify(
                maskSecrets({
                  seq: event.seq,
                  at: event.at,
                  type: typeof event.event?.type === 'string' ? event.event.type : null,
                  /** The task's status now (the client reads the task again for the rest). */
                  status: task?.status ?? null,
                }),
              ),
            });
            last = event.seq;
            wroteAt = Date.now();
          }
          if (!task || finalStatuses.has(task.status)) {
            await stream.writeSSE({
              event: 'end',
              data: JSON.stringify({ status: task?.status ?? null }),
            });
            break;
          }
          // Steps this process stores wake the loop at once; another process's are polled for.
          await signal.wait(Math.min(pollMs, keepAliveMs));
          if (Date.now() - wroteAt >= keepAliveMs) {
            await stream.write(': ping\n\n');
            wroteAt = Date.now();
          }
        }
      } finally {
        unsubscribe();
      }
    });
  });
}
