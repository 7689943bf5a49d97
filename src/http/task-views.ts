import { z } from '@hono/zod-openapi';
import { toolFinishedEntry, turnEntry } from '../../agents/openai-tools-worker.js';
import { attemptSchema } from '../../machines/task-context.js';
import { pendingRequestSchema, type Usage, usageSchema } from '../../machines/task-events.js';
import {
  classificationSchema,
  routeSchema,
  taskInputSchema,
  taskTypeSchema,
} from '../../machines/task-types.js';
import type { TaskView } from '../runtime/create-orchestrator.js';
import { type JournalEntry, type StoredEvent, taskStatusSchema } from '../store/store.js';

/** A task as the list shows it: what it is, where it stands, what it has cost. */
export const taskSummarySchema = z
  .object({
    id: z.string(),
    status: taskStatusSchema,
    /** The description's first line, at most 200 characters. */
    title: z.string(),
    type: taskTypeSchema.nullable(),
    /** The model of its latest attempt, else the one it is routed to. */
    model: z.string().nullable(),
    attemptCount: z.int(),
    /** Every call's tokens: classification, attempts and reviews. */
    tokens: z.int(),
    costUsd: z.number(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .openapi('TaskSummary');
export type TaskSummaryView = z.infer<typeof taskSummarySchema>;

export const toolCallSchema = z
  .object({
    /** `<turn>.<position>`, as the journal knows it. */
    key: z.string(),
    name: z.string(),
    arguments: z.string(),
    /** Null while it runs, or when the step stopped before it ended. */
    ok: z.boolean().nullable(),
    output: z.string().nullable(),
  })
  .openapi('ToolCall');

export const attemptViewSchema = attemptSchema
  .extend({
    toolCalls: z.array(toolCallSchema),
    /** The model's turns (tool-calling models), or the Claude Code session's. */
    turns: z.int(),
    sessionId: z.string().nullable(),
  })
  .openapi('Attempt');

export const taskEventViewSchema = z
  .object({
    seq: z.int(),
    at: z.number(),
    /** The event's type; null for the task's creation. */
    type: z.string().nullable(),
    event: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi('TaskEvent');

/** One task's whole story, as its page shows it. */
export const taskDetailSchema = taskSummarySchema
  .extend({
    input: taskInputSchema,
    classification: classificationSchema.nullable(),
    route: routeSchema.nullable(),
    decisions: z.array(z.string()),
    pending: pendingRequestSchema.nullable(),
    outcome: z
      .object({ status: z.enum(['done', 'blocked', 'cancelled']), reason: z.string() })
      .nullable(),
    classifyUsage: usageSchema.nullable(),
    attempts: z.array(attemptViewSchema),
    events: z.array(taskEventViewSchema),
  })
  .openapi('TaskDetail');
export type TaskDetailView = z.infer<typeof taskDetailSchema>;

const usageTotal = (usages: readonly (Usage | null | undefined)[]) =>
  usages.reduce(
    (sum, u) => ({
      tokens: sum.tokens + (u ? u.inputTokens + u.outputTokens : 0),
      costUsd: sum.costUsd + (u?.costUsd ?? 0),
    }),
    { tokens: 0, costUsd: 0 },
  );

/**
 * The list's view of a task.
 *
 * @example
 * taskSummary(await orchestrator.get(id)); // { id, status: 'executing', model: 'deepseek', tokens: 1840, … }
 */
export function taskSummary(task: TaskView): TaskSummaryView {
  const { context } = task;
  const total = usageTotal([
    context.classifyUsage,
    ...context.attempts.flatMap((a) => [a.usage, a.review?.usage]),
  ]);
  const firstLine = context.input.description.split('\n')[0] ?? '';
  return {
    id: task.id,
    status: task.status,
    title: firstLine.length > 200 ? `${firstLine.slice(0, 200)}…` : firstLine,
    type: context.input.type ?? context.classification?.type ?? null,
    model:
      context.attempts.at(-1)?.model.id ??
      context.pending?.model?.id ??
      context.route?.model?.id ??
      null,
    attemptCount: context.attempts.length,
    tokens: total.tokens,
    costUsd: total.costUsd,
    createdAt: task.createdAt,
    updatedAt: task.updatedAt,
  };
}

/** An attempt's tool calls and turns, read from its step's journal. */
function attemptView(
  attempt: TaskView['context']['attempts'][number],
  journal: readonly JournalEntry[],
) {
  const finished = new Map<string, { ok: boolean; output: string }>();
  const toolCalls: z.infer<typeof toolCallSchema>[] = [];
  let turns = 0;
  let sessionId: string | null = null;
  for (const entry of journal) {
    if (entry.kind === 'tool-finished') {
      const done = toolFinishedEntry.safeParse(entry.data);
      if (done.success) finished.set(done.data.key, done.data);
    } else if (entry.kind === 'turn') {
      const turn = turnEntry.safeParse(entry.data);
      if (!turn.success) continue;
      for (const [index, call] of (turn.data.message.tool_calls ?? []).entries()) {
        toolCalls.push({
          key: `${turns}.${index}`,
          name: call.function.name,
          arguments: call.function.arguments,
          ok: null,
          output: null,
        });
      }
      turns += 1;
    } else if (entry.kind === 'session' || entry.kind === 'result') {
      const data = entry.data as { sessionId?: unknown; turns?: unknown };
      if (typeof data.sessionId === 'string') sessionId = data.sessionId;
      if (entry.kind === 'result' && typeof data.turns === 'number') turns = data.turns;
    }
  }
  for (const call of toolCalls) {
    const done = finished.get(call.key);
    if (done) Object.assign(call, { ok: done.ok, output: done.output });
  }
  return { ...attempt, toolCalls, turns, sessionId };
}

/**
 * A task's page: its summary, decisions with their reasons and estimates, each attempt with
 * its tool calls (from the journal) and review, and its stored events.
 *
 * @example
 * taskDetail(task, await store.events(id), await store.journal(id));
 */
export function taskDetail(
  task: TaskView,
  events: readonly StoredEvent[],
  journal: readonly JournalEntry[],
): TaskDetailView {
  const { context } = task;
  const journalOf = (n: number) =>
    journal.filter((entry) => entry.requestId === `${task.id}:execute:${n}`);
  return {
    ...taskSummary(task),
    input: context.input,
    classification: context.classification,
    route: context.route,
    decisions: context.decisions,
    pending: context.pending,
    outcome: context.outcome,
    classifyUsage: context.classifyUsage ?? null,
    attempts: context.attempts.map((attempt) => attemptView(attempt, journalOf(attempt.n))),
    events: events.map((e) => ({
      seq: e.seq,
      at: e.at,
      type: typeof e.event?.type === 'string' ? e.event.type : null,
      event: e.event,
    })),
  };
}
