import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { packageVersion } from '../package-info.js';

/**
 * A tracer exporting over OTLP/HTTP when the user set the standard variables
 * (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, and not
 * `OTEL_SDK_DISABLED=true`); null otherwise, so tracing costs nothing unless asked for. The
 * URL is taken from the environment given; the exporter reads the rest (headers, timeout) from
 * the process's.
 *
 * @example
 * const tracing = startTracing(process.env);
 * createOrchestrator({ ports, tracer: tracing?.tracer }); // … await tracing?.shutdown();
 */
export function startTracing(
  env: Readonly<Record<string, string | undefined>>,
): { tracer: Tracer; shutdown(): Promise<void> } | null {
  if (env.OTEL_SDK_DISABLED === 'true') return null;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');
  const url = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base ? `${base}/v1/traces` : null);
  if (!url) return null;
  const provider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
  return {
    tracer: provider.getTracer('cto-orchestrator', packageVersion()),
    shutdown: () => provider.shutdown(),
  };
}
