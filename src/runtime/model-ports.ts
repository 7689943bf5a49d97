import { z } from 'zod';
import type { Classification, TaskInput } from '../../machines/task-types.js';
import { complexitySchema, taskTypeSchema } from '../../machines/task-types.js';
import type { ResolvedModel } from '../config/resolved-model.js';
import type { RoutingModel } from '../routing/routing-view.js';
import type { JournalEntry } from '../store/store.js';
import type { TokenAllowance } from './token-allowance.js';

/** Tokens a call used as the transport reports them; the runtime adds cost (if missing) and latency. */
export const reportedUsageSchema = z.object({
  inputTokens: z.int().nonnegative(),
  outputTokens: z.int().nonnegative(),
  costUsd: z.number().nonnegative().optional(),
});
export type ReportedUsage = z.infer<typeof reportedUsageSchema>;

export const classifyResultSchema = z.object({
  classification: z.object({
    complexity: complexitySchema,
    type: taskTypeSchema,
    model: z.string().min(1),
    reason: z.string(),
  }),
  usage: reportedUsageSchema,
});
export type ClassifyResult = z.infer<typeof classifyResultSchema>;

export const executeResultSchema = z.object({
  output: z.string(),
  usage: reportedUsageSchema,
});
export type ExecuteResult = z.infer<typeof executeResultSchema>;

export const reviewResultSchema = z.object({
  verdict: z.enum(['approve', 'reject']),
  quality: z.int().min(1).max(10),
  feedback: z.string(),
  usage: reportedUsageSchema,
});
export type ReviewResult = z.infer<typeof reviewResultSchema>;

/**
 * The journal of one step (one request): what the step did so far, for a step that resumes
 * after a crash, and a way to record each sub-step (a model turn, a tool call started or
 * finished, a session id) durably before going on.
 */
export interface StepJournal {
  /** The entries recorded for this request before this call began (oldest first). */
  readonly entries: readonly JournalEntry[];
  append(kind: string, data: unknown): Promise<void>;
}

export interface ModelCall {
  /** The model to call, with its endpoint and key. */
  model: ResolvedModel;
  taskId: string;
  requestId: string;
  attempt: number;
  task: TaskInput;
  journal: StepJournal;
  /** Aborted when the task is cancelled or the call times out. */
  signal: AbortSignal;
  /** Tells what the call is doing now (a tool call, a turn), for the log and live views. */
  progress: (note: string) => void;
  /**
   * The tokens the call may use: a transport that takes several turns asks it to cover each
   * turn before it starts, and stops when it cannot. Absent where no budget is kept.
   */
  allowance?: TokenAllowance;
}

export interface ClassifyCall extends ModelCall {
  /** The models the CTO may recommend, with what they can do and cost. */
  models: readonly RoutingModel[];
}

export interface ExecuteCall extends ModelCall {
  classification: Classification;
  /** The attempt before this one, when this is an escalation: build on it, do not restart. */
  previous: {
    model: string;
    output: string | null;
    feedback: string | null;
    error: string | null;
  } | null;
}

export interface ReviewCall extends ModelCall {
  classification: Classification;
  /** The model whose work is reviewed, and its output. */
  worker: string;
  output: string;
}

/**
 * What talks to models. The runtime calls `classify` and `review` on the CTO model and
 * `execute` on the chosen worker model; the transports (Claude Code CLI, OpenAI-compatible
 * APIs) implement it, and tests pass scripted versions. Throw `ModelCallError` to say whether
 * a failure is worth retrying.
 */
export interface ModelPorts {
  classify(call: ClassifyCall): Promise<ClassifyResult>;
  execute(call: ExecuteCall): Promise<ExecuteResult>;
  review(call: ReviewCall): Promise<ReviewResult>;
}

/**
 * A failed model call. Transient failures (429, 5xx, timeouts, a cut stream) are retried on the
 * same model with backoff; others fail the step at once, and the task escalates.
 *
 * @example
 * throw new ModelCallError('429 rate limited', { transient: true, retryAfterMs: 2_000 });
 */
export class ModelCallError extends Error {
  readonly transient: boolean;
  readonly retryAfterMs: number | null;
  /** Tokens the failed call used all the same (turns before the failure): they count too. */
  readonly usage: ReportedUsage | null;
  /**
   * Not the model's doing: the call could not be made or completed for reasons around it (no
   * key, no CLI, no working directory, no budget, the provider down). Such a failure is kept
   * out of the model's performance history. Transient failures always are.
   */
  readonly infrastructure: boolean;

  constructor(
    message: string,
    options: {
      transient: boolean;
      retryAfterMs?: number | null;
      usage?: ReportedUsage | null;
      infrastructure?: boolean;
    },
  ) {
    super(message);
    this.name = 'ModelCallError';
    this.transient = options.transient;
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.usage = options.usage ?? null;
    this.infrastructure = options.infrastructure === true || options.transient;
  }
}
