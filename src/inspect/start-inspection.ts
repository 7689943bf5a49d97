import { createWebSocketInspector } from '@statelyai/inspect';
import type { OrchestratorOptions } from '../runtime/create-orchestrator.js';
import { startInspectorRelay } from './inspector-relay.js';
import { redactForInspection } from './redact-for-inspection.js';

export interface Inspection {
  /** The observer to give the orchestrator: every actor reports to it. */
  inspect: NonNullable<OrchestratorOptions['inspect']>;
  /** The page to open: it relays the events to the Stately inspector. */
  url: string;
  /** Stops the inspector and the relay, so the process can end whether or not a viewer came. */
  stop(): void;
}

/**
 * Starts the Stately inspector relay on localhost and a websocket inspector connected to it.
 * Contexts and events are redacted before they leave the process.
 *
 * @example
 * const inspection = await startInspection({ port: 8080 });
 * const orchestrator = createOrchestrator({ ports, inspect: inspection.inspect });
 * // … later: await orchestrator.stop(); inspection.stop();
 */
export async function startInspection(options: { port: number }): Promise<Inspection> {
  const relay = await startInspectorRelay({ port: options.port });
  const inspector = createWebSocketInspector({
    url: `ws://localhost:${options.port}`,
    sanitizeContext: redactForInspection,
    sanitizeEvent: redactForInspection,
  });
  return {
    inspect: inspector.inspect,
    url: `http://localhost:${options.port}`,
    stop() {
      // The websocket inspector reconnects forever unless stopped; the relay holds the port.
      inspector.stop();
      relay.stop();
    },
  };
}
