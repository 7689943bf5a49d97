import { context, type Span, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';

interface TracedTask {
  task: Span;
  phase: Span | null;
  phaseName: string | null;
}

/** What a model call's span records when it ends. */
export interface CallEnd {
  usage?: { inputTokens: number; outputTokens: number; costUsd: number };
  error?: string;
}

export interface TaskTracing {
  taskStarted(taskId: string, attributes?: Record<string, string>): void;
  /** The task moved to `phase`: the previous phase's span ends, the new one starts. */
  phase(taskId: string, phase: string): void;
  callStarted(
    taskId: string,
    call: { requestId: string; kind: string; model: string; modelId: string; provider: string },
  ): (end: CallEnd) => void;
  taskEnded(taskId: string, outcome: { status: string; reason: string }): void;
}

/**
 * OpenTelemetry spans for the runtime: one per task, one per phase inside it, and one per model
 * call inside its phase, with the GenAI semantic-convention attributes (operation, model,
 * provider, input and output tokens) and the call's cost.
 *
 * @example
 * const tracing = taskTracing(trace.getTracer('cto-orchestrator'));
 * tracing.taskStarted('t1'); tracing.phase('t1', 'classifying');
 */
export function taskTracing(tracer: Tracer): TaskTracing {
  const tasks = new Map<string, TracedTask>();
  const within = (span: Span) => trace.setSpan(context.active(), span);
  const endPhase = (traced: TracedTask) => {
    traced.phase?.end();
    traced.phase = null;
    traced.phaseName = null;
  };
  return {
    taskStarted(taskId, attributes = {}) {
      if (tasks.has(taskId)) return;
      const task = tracer.startSpan(`task ${taskId}`, {
        attributes: { 'cto.task.id': taskId, ...attributes },
      });
      tasks.set(taskId, { task, phase: null, phaseName: null });
    },
    phase(taskId, phase) {
      const traced = tasks.get(taskId);
      if (!traced || traced.phaseName === phase) return;
      endPhase(traced);
      traced.phase = tracer.startSpan(
        `phase ${phase}`,
        { attributes: { 'cto.task.id': taskId, 'cto.phase': phase } },
        within(traced.task),
      );
      traced.phaseName = phase;
    },
    callStarted(taskId, call) {
      const parent = tasks.get(taskId);
      const span = tracer.startSpan(
        `${call.kind} ${call.model}`,
        {
          attributes: {
            'gen_ai.operation.name': call.kind === 'execute' ? 'invoke_agent' : 'chat',
            'gen_ai.request.model': call.modelId,
            'gen_ai.provider.name': call.provider,
            'cto.model': call.model,
            'cto.task.id': taskId,
            'cto.request.id': call.requestId,
          },
        },
        parent ? within(parent.phase ?? parent.task) : context.active(),
      );
      return (end) => {
        if (end.usage) {
          span.setAttributes({
            'gen_ai.usage.input_tokens': end.usage.inputTokens,
            'gen_ai.usage.output_tokens': end.usage.outputTokens,
            'cto.cost_usd': end.usage.costUsd,
          });
        }
        if (end.error) span.setStatus({ code: SpanStatusCode.ERROR, message: end.error });
        span.end();
      };
    },
    taskEnded(taskId, outcome) {
      const traced = tasks.get(taskId);
      if (!traced) return;
      endPhase(traced);
      traced.task.setAttributes({
        'cto.outcome': outcome.status,
        'cto.outcome.reason': outcome.reason,
      });
      if (outcome.status !== 'done')
        traced.task.setStatus({ code: SpanStatusCode.ERROR, message: outcome.reason });
      traced.task.end();
      tasks.delete(taskId);
    },
  };
}
