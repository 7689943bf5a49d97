import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { taskInputSchema } from '../../../machines/task-types.js';
import { replayTask } from '../../inspect/replay-task.js';
import { TaskInputError, type TaskView } from '../../runtime/create-orchestrator.js';
import {
  finalStatuses,
  type TaskListEntry,
  type TaskStatus,
  taskStatusSchema,
} from '../../store/store.js';
import { unreadableReason } from '../../store/stored-rows.js';
import type { ApiContext } from '../api-context.js';
import { ApiError, errorResponses } from '../api-error.js';
import { maskSecrets } from '../mask-secrets.js';
import {
  type TaskSummaryView,
  taskDetail,
  taskDetailSchema,
  taskSummary,
  taskSummarySchema,
} from '../task-views.js';

const idParam = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'expected a task id' }),
});
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** `<createdAt>.<id>` of the last task of a page: the next page starts after it. */
const cursorSchema = z
  .string()
  .regex(/^\d{1,16}\.[A-Za-z0-9_-]{1,64}$/, { error: 'expected a cursor from a previous page' });

const listQuery = z.strictObject({
  status: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const statuses = value ? value.split(',').filter(Boolean) : [];
      for (const status of statuses) {
        if (!taskStatusSchema.safeParse(status).success) {
          ctx.addIssue({ code: 'custom', message: `unknown status ${status}` });
          return z.NEVER;
        }
      }
      return statuses as TaskStatus[];
    })
    .openapi({ type: 'string', description: 'statuses, comma-separated', example: 'done,blocked' }),
  model: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  after: cursorSchema.optional(),
});

/** How many stored tasks one list request reads at most while it filters by model. */
const maxScanned = 2_000;

const routes = {
  submit: createRoute({
    method: 'post',
    path: '/api/tasks',
    summary: 'Submit a task; the server runs it (the same input as `spawn`)',
    request: {
      body: { required: true, content: { 'application/json': { schema: taskInputSchema } } },
    },
    responses: {
      201: json(taskSummarySchema, 'stored and queued'),
      ...errorResponses(400, 401, 403, 413, 415),
    },
  }),
  list: createRoute({
    method: 'get',
    path: '/api/tasks',
    summary: 'Tasks, newest first, filtered by status and model, a page at a time',
    request: { query: listQuery },
    responses: {
      200: json(
        z.object({
          tasks: z.array(taskSummarySchema),
          /**
           * The tasks of this page whose stored row cannot be read, newest first, each with why
           * (they are not in `tasks`; their rows are left as they are).
           */
          unreadable: z.array(z.object({ id: z.string(), reason: z.string() })),
          /** Give as `after` for the next page; null on the last. */
          next: z.string().nullable(),
          /** Give as `Last-Event-ID` (or `since`) to /api/stream to hear every change after this list. */
          streamFrom: z.string().nullable(),
        }),
        'a page of tasks',
      ),
      ...errorResponses(400, 401, 403),
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/api/tasks/{id}',
    summary: 'One task: decisions with reasons, attempts with tool calls and reviews, events',
    request: { params: idParam },
    responses: { 200: json(taskDetailSchema, 'the task'), ...errorResponses(400, 401, 403, 404) },
  }),
  cancel: createRoute({
    method: 'post',
    path: '/api/tasks/{id}/cancel',
    summary: 'Cancel a task (one that has ended stays as it is: 409)',
    request: {
      params: idParam,
      body: {
        required: false,
        content: {
          'application/json': {
            schema: z.strictObject({ reason: z.string().min(1).max(500).optional() }),
          },
        },
      },
    },
    responses: {
      200: json(z.object({ id: z.string(), status: taskStatusSchema }), 'cancelled'),
      ...errorResponses(400, 401, 403, 404, 409, 415),
    },
  }),
  output: createRoute({
    method: 'get',
    path: '/api/tasks/{id}/outputs/{ref}',
    summary: "An attempt's whole output (loaded on demand: the task view holds only its reference)",
    request: {
      params: idParam.extend({
        ref: z.string().regex(/^[0-9a-f]{64}$/, { error: 'expected an output reference (sha256)' }),
      }),
    },
    responses: {
      200: { description: 'the output', content: { 'text/plain': { schema: z.string() } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  replay: createRoute({
    method: 'get',
    path: '/api/tasks/{id}/replay',
    summary: 'The stored event log replayed through the task machine: the state after each step',
    request: { params: idParam },
    responses: {
      200: json(
        z.object({
          matches: z.boolean(),
          steps: z.array(
            z.object({
              seq: z.int(),
              at: z.number(),
              type: z.string().nullable(),
              state: z.string(),
              decision: z.string().nullable(),
            }),
          ),
        }),
        'the replay',
      ),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
};

async function taskOrThrow(context: ApiContext, id: string): Promise<TaskView> {
  const task = await context.orchestrator.get(id).catch((error: Error) => {
    throw new ApiError(500, error.message);
  });
  if (!task) throw new ApiError(404, `no task ${id}`);
  return task;
}

/** A listed task's summary (its whole row read), or why its row cannot be read. */
async function summaryOf(
  context: ApiContext,
  stored: TaskListEntry,
): Promise<TaskSummaryView | { unreadable: string }> {
  if (stored.unreadable !== undefined) return { unreadable: stored.unreadable };
  let task: TaskView | null;
  try {
    task = await context.orchestrator.get(stored.id);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { unreadable: unreadableReason(stored.id, message) };
  }
  return task
    ? taskSummary(task)
    : taskSummary({ ...stored, context: { input: stored.input, attempts: [] } } as never);
}

/**
 * A page of summaries: store pages are read until `limit` match the model, or enough is read.
 * A task whose row cannot be read counts in the page and is given in `unreadable`, with why.
 */
async function listPage(
  context: ApiContext,
  query: z.infer<typeof listQuery>,
): Promise<{
  tasks: TaskSummaryView[];
  unreadable: { id: string; reason: string }[];
  next: string | null;
}> {
  const tasks: TaskSummaryView[] = [];
  const unreadable: { id: string; reason: string }[] = [];
  const [createdAt, id] = query.after ? query.after.split(/\.(.*)/s) : [];
  let after = query.after ? { createdAt: Number(createdAt), id: id ?? '' } : undefined;
  let scanned = 0;
  const pageSize = query.model ? 200 : query.limit;
  const full = () => tasks.length + unreadable.length === query.limit;
  while (!full() && scanned < maxScanned) {
    const page = await context.orchestrator.list({
      status: query.status,
      limit: pageSize,
      ...(after ? { after } : {}),
      withUnreadable: true,
    });
    for (const stored of page) {
      scanned += 1;
      after = { createdAt: stored.createdAt, id: stored.id };
      const summary = await summaryOf(context, stored);
      if ('unreadable' in summary) unreadable.push({ id: stored.id, reason: summary.unreadable });
      else if (!query.model || summary.model === query.model) tasks.push(summary);
      if (full()) break;
    }
    if (page.length < pageSize) return { tasks, unreadable, next: null };
  }
  return { tasks, unreadable, next: after ? `${after.createdAt}.${after.id}` : null };
}

/**
 * Submitting, listing, reading, cancelling and replaying tasks.
 *
 * @example
 * registerTaskRoutes(app, { orchestrator, source, feed });
 */
export function registerTaskRoutes(app: OpenAPIHono, context: ApiContext): void {
  const { orchestrator } = context;

  app.openapi(routes.submit, async (c) => {
    let id: string;
    try {
      id = await orchestrator.submit(c.req.valid('json'));
    } catch (error) {
      if (error instanceof TaskInputError) throw new ApiError(400, error.message);
      throw error;
    }
    context.onSubmitted?.();
    return c.json(maskSecrets(taskSummary(await taskOrThrow(context, id))), 201);
  });

  app.openapi(routes.list, async (c) => {
    const streamFrom = context.feed.lastId;
    const page = await listPage(context, c.req.valid('query'));
    return c.json(maskSecrets({ ...page, streamFrom }), 200);
  });

  app.openapi(routes.get, async (c) => {
    const { id } = c.req.valid('param');
    const task = await taskOrThrow(context, id);
    const [events, journal] = await Promise.all([
      orchestrator.store.events(id),
      orchestrator.store.journal(id),
    ]);
    return c.json(maskSecrets(taskDetail(task, events, journal)), 200);
  });

  app.openapi(routes.cancel, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.header('content-length') === '0' ? {} : await c.req.json().catch(() => ({}));
    const reason = (body as { reason?: string }).reason;
    const before = await taskOrThrow(context, id);
    if (finalStatuses.has(before.status))
      throw new ApiError(409, `task ${id} has already ended: ${before.status}`);
    let status: TaskStatus | null;
    try {
      status = await orchestrator.cancel(id, reason ?? 'cancelled from the HTTP API');
    } catch (error) {
      throw new ApiError(409, (error as Error).message);
    }
    if (status === null) throw new ApiError(404, `no task ${id}`);
    return c.json({ id, status }, 200);
  });

  app.openapi(routes.output, async (c) => {
    const { id, ref } = c.req.valid('param');
    const task = await taskOrThrow(context, id);
    // Only this task's outputs: the store's other blobs are not for this route to hand out.
    const known = task.context.attempts.some((attempt) => attempt.outputRef === ref);
    const text = known ? await orchestrator.store.getBlob(ref) : null;
    if (text === null) throw new ApiError(404, `task ${id} has no output ${ref}`);
    return c.text(maskSecrets(text), 200);
  });

  app.openapi(routes.replay, async (c) => {
    const { id } = c.req.valid('param');
    const stored = await orchestrator.store.getTask(id);
    if (!stored) throw new ApiError(404, `no task ${id}`);
    const steps: z.infer<
      (typeof routes.replay.responses)[200]['content']['application/json']['schema']
    >['steps'] = [];
    let result: { matches: boolean };
    try {
      result = await replayTask(stored, await orchestrator.store.events(id), {
        onSnapshot: (snapshot, event) => {
          const ctx = snapshot.context as { decisions?: string[] };
          steps.push({
            seq: event.seq,
            at: event.at,
            type: typeof event.event?.type === 'string' ? event.event.type : null,
            state: String(snapshot.value),
            decision: ctx.decisions?.at(-1) ?? null,
          });
        },
      });
    } catch (error) {
      throw new ApiError(409, (error as Error).message);
    }
    return c.json(maskSecrets({ matches: result.matches, steps }), 200);
  });
}
