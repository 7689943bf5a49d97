import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { startTracing } from '../../src/telemetry/start-tracing.js';
import { testOrchestrator } from '../helpers/test-orchestrator.js';

function memoryTracer() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { tracer: provider.getTracer('test'), exporter };
}

describe('tracing', () => {
  it('gives a span per task, per phase and per model call, with GenAI attributes', async () => {
    const { tracer, exporter } = memoryTracer();
    const { orchestrator } = testOrchestrator({ tracer });
    const task = await orchestrator.spawn({ description: 'Add a flag', type: 'coding' });
    const outcome = await task.result;
    await orchestrator.stop();
    const spans = exporter.getFinishedSpans();
    const byName = (name: string) => spans.filter((s) => s.name === name);
    const root = byName(`task ${task.id}`)[0];
    expect(root?.attributes).toMatchObject({ 'cto.task.id': task.id, 'cto.outcome': 'done' });
    const phases = spans.filter((s) => s.name.startsWith('phase ')).map((s) => s.name);
    expect(phases).toEqual(['phase classifying', 'phase executing', 'phase reviewing']);
    for (const phase of spans.filter((s) => s.name.startsWith('phase '))) {
      expect(phase.parentSpanContext?.spanId).toBe(root?.spanContext().spanId);
    }
    const calls = spans.filter((s) => /^(classify|execute|review) /.test(s.name));
    expect(calls.map((s) => s.name)).toEqual([
      'classify deepseek',
      `execute ${outcome.model}`,
      'review deepseek',
    ]);
    expect(calls[1]?.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.usage.input_tokens': 100,
      'gen_ai.usage.output_tokens': 50,
      'cto.cost_usd': expect.any(Number),
    });
    expect(calls[0]?.attributes['gen_ai.request.model']).toBe('deepseek-flash');
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
  });

  it('marks a failed call and a blocked task as errors', async () => {
    const { tracer, exporter } = memoryTracer();
    const { orchestrator } = testOrchestrator({
      tracer,
      configFile: { max_attempts: 1 },
      script: {
        execute: () => {
          throw new Error('boom');
        },
      },
    });
    const task = await orchestrator.spawn({ description: 'Add a flag', type: 'coding' });
    expect((await task.result).status).toBe('blocked');
    await orchestrator.stop();
    const spans = exporter.getFinishedSpans();
    expect(spans.find((s) => s.name.startsWith('execute '))?.status).toMatchObject({
      code: 2,
      message: 'boom',
    });
    expect(spans.find((s) => s.name === `task ${task.id}`)?.status.code).toBe(2);
  });

  it('exports only when the OTLP variables are set', async () => {
    expect(startTracing({})).toBeNull();
    expect(
      startTracing({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
        OTEL_SDK_DISABLED: 'true',
      }),
    ).toBeNull();
    const tracing = startTracing({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces',
    });
    expect(tracing?.tracer).toBeDefined();
    await tracing?.shutdown();
  });
});
