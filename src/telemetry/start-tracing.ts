import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { oneLine } from '../../agents/short-text.js';
import { packageVersion } from '../package-info.js';

/** How long the last export may take when the process ends: a dead collector never holds it. */
export const tracesShutdownMs = 3_000;

export interface Tracing {
  tracer: Tracer;
  /**
   * Sends what is left and stops, within `tracesShutdownMs`. Never rejects: a collector that
   * cannot be reached is told once, through `onExportFailure`, and changes nothing else.
   */
  shutdown(): Promise<void>;
}

/**
 * A tracer exporting over OTLP/HTTP when the user set the standard variables
 * (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, and not
 * `OTEL_SDK_DISABLED=true`); null otherwise, so tracing costs nothing unless asked for. The
 * URL is taken from the environment given; the exporter reads the rest (headers) from the
 * process's. Tracing is an observer: an export that fails is reported once and never fails
 * or holds the work it traces.
 *
 * @example
 * const tracing = startTracing(process.env, (why) => console.error(`traces: ${why}`));
 * createOrchestrator({ ports, tracer: tracing?.tracer }); // … await tracing?.shutdown();
 */
export function startTracing(
  env: Readonly<Record<string, string | undefined>>,
  onExportFailure: (why: string) => void = () => {},
): Tracing | null {
  if (env.OTEL_SDK_DISABLED === 'true') return null;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');
  const url = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base ? `${base}/v1/traces` : null);
  if (!url) return null;
  const provider = new BasicTracerProvider({
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url, timeoutMillis: tracesShutdownMs })),
    ],
  });
  let told = false;
  const tell = (error: unknown) => {
    if (told) return;
    told = true;
    const why = error instanceof Error ? error.message : String(error);
    onExportFailure(`could not deliver traces to ${url}: ${oneLine(why)}`);
  };
  return {
    tracer: provider.getTracer('cto-orchestrator', packageVersion()),
    async shutdown() {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${tracesShutdownMs} ms`)),
          tracesShutdownMs,
        );
        timer.unref();
      });
      try {
        await Promise.race([provider.shutdown(), late]);
      } catch (error) {
        tell(error);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
