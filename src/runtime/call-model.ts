import type { z } from 'zod';
import type { TaskContext } from '../../machines/task-context.js';
import type { PendingRequest, Usage } from '../../machines/task-events.js';
import type { ResolvedModel } from '../config/resolved-model.js';
import type { RoutingModel } from '../routing/routing-view.js';
import { blobRef } from '../store/store.js';
import type { CallAbort } from './call-abort.js';
import {
  classifyResultSchema,
  executeResultSchema,
  ModelCallError,
  type ModelPorts,
  type ReportedUsage,
  reviewResultSchema,
  type StepJournal,
} from './model-ports.js';
import type { FinishedStep } from './reply-event.js';
import type { TokenAllowance } from './token-allowance.js';

export interface CallModelInput {
  ports: ModelPorts;
  request: PendingRequest;
  model: ResolvedModel;
  context: TaskContext;
  journal: StepJournal;
  /** Aborted with reason `'timeout'` when the call runs out of time, any other for a cancel. */
  abort: CallAbort;
  progress: (note: string) => void;
  timeoutMs: number;
  now: () => number;
  getBlob: (ref: string) => Promise<string | null>;
  /** What the CTO may recommend (classify only). */
  models: () => readonly RoutingModel[];
  /** The tokens the call may use (see `TokenAllowance`). */
  allowance?: TokenAllowance;
}

/** USD for a call: what the transport reported, else the catalog prices. */
export function costOf(model: ResolvedModel, usage: ReportedUsage): number {
  if (usage.costUsd !== undefined) return usage.costUsd;
  const input = usage.inputTokens * (model.input_price_per_mtok ?? 0);
  const output = usage.outputTokens * (model.output_price_per_mtok ?? 0);
  return (input + output) / 1_000_000;
}

/** A model's answer checked at the boundary: a malformed one fails the step, in one line. */
function parsed<T extends z.ZodType>(schema: T, value: unknown, kind: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new ModelCallError(
    `malformed ${kind} result at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
    {
      transient: false,
    },
  );
}

/**
 * Makes the model call a request asks for and returns what its journal keeps: the checked
 * result with usage (tokens, cost, latency) and, for an execution, the output to store.
 *
 * @example
 * const { data, output } = await callModel({ ports, request, model, context, journal, signal, … });
 */
export async function callModel(
  input: CallModelInput,
): Promise<{ data: FinishedStep; output?: string }> {
  const { ports, request, model, context, abort } = input;
  const started = input.now();
  const usage = (reported: ReportedUsage): Usage => ({
    inputTokens: reported.inputTokens,
    outputTokens: reported.outputTokens,
    costUsd: costOf(model, reported),
    latencyMs: input.now() - started,
  });
  const aborted = new Promise<never>((_, reject) => {
    abort.onAbort((reason) =>
      reject(
        reason === 'timeout'
          ? new ModelCallError(
              `${request.kind} on ${model.id} timed out after ${input.timeoutMs} ms`,
              { transient: true },
            )
          : new ModelCallError(`${request.kind} aborted`, { transient: false }),
      ),
    );
  });
  // Raced below; if the call fails before the race, a later abort must not go unhandled.
  aborted.catch(() => {});
  // What every port's input has. A spread would read `signal` and so make it: each input is
  // built by `portInput`, whose literal keeps it a getter (see `CallAbort`).
  const portInput = <T extends object>(extra: T) => ({
    model,
    taskId: context.taskId,
    requestId: request.requestId,
    attempt: request.attempt,
    task: context.input,
    journal: input.journal,
    get signal() {
      return abort.signal;
    },
    progress: input.progress,
    ...(input.allowance ? { allowance: input.allowance } : {}),
    ...extra,
  });
  const classification = context.classification;
  switch (request.kind) {
    case 'classify': {
      const raw = await Promise.race([
        ports.classify(portInput({ models: input.models() })),
        aborted,
      ]);
      const result = parsed(classifyResultSchema, raw, request.kind);
      return {
        data: {
          kind: 'classify',
          classification: result.classification,
          usage: usage(result.usage),
        },
      };
    }
    case 'execute': {
      if (!classification)
        throw new ModelCallError('executing an unclassified task', { transient: false });
      const previous = context.attempts.at(-2);
      const raw = await Promise.race([
        ports.execute(
          portInput({
            classification,
            previous: previous
              ? {
                  model: previous.model.id,
                  output: previous.outputRef ? await input.getBlob(previous.outputRef) : null,
                  feedback: previous.review?.feedback ?? null,
                  error: previous.error,
                }
              : null,
          }),
        ),
        aborted,
      ]);
      const result = parsed(executeResultSchema, raw, request.kind);
      return {
        data: {
          kind: 'execute',
          outputRef: blobRef(result.output),
          summary: result.output.slice(0, 200),
          usage: usage(result.usage),
        },
        output: result.output,
      };
    }
    case 'review': {
      const attempt = context.attempts.at(-1);
      if (!attempt?.outputRef || !classification) {
        throw new ModelCallError('reviewing without an output', { transient: false });
      }
      const raw = await Promise.race([
        ports.review(
          portInput({
            classification,
            worker: attempt.model.id,
            output: (await input.getBlob(attempt.outputRef)) ?? '',
          }),
        ),
        aborted,
      ]);
      const result = parsed(reviewResultSchema, raw, request.kind);
      return { data: { kind: 'review', ...result, usage: usage(result.usage) } };
    }
  }
}
