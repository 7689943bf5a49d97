import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { authHeaders } from './api.js';

/**
 * Listens to one of the API's Server-Sent Event streams, as EventSource does (reconnecting
 * with `Last-Event-ID`, so nothing is missed), but through `fetch`: EventSource cannot send the
 * `Authorization` header a token-guarded server needs. Returns a function that stops it.
 *
 * @example
 * const stop = listen('/api/stream', (message) => console.log(message.event, message.data));
 */
export function listen(
  path: string,
  onMessage: (message: EventSourceMessage) => void,
  options: { lastEventId?: string | null; onEnd?: () => void } = {},
): () => void {
  const controller = new AbortController();
  let lastEventId = options.lastEventId ?? null;
  let retryMs = 1_000;
  let ended = false;

  const connect = async (): Promise<void> => {
    while (!controller.signal.aborted && !ended) {
      try {
        const response = await fetch(path, {
          headers: {
            Accept: 'text/event-stream',
            ...authHeaders(),
            ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}),
          },
          signal: controller.signal,
        });
        if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
        const parser = createParser({
          onEvent: (message) => {
            if (message.id) lastEventId = message.id;
            if (message.event === 'end') ended = true;
            onMessage(message);
          },
          onRetry: (ms) => {
            retryMs = ms;
          },
        });
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          parser.feed(value);
        }
      } catch {
        if (controller.signal.aborted) return;
      }
      if (ended) break;
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
    if (ended) options.onEnd?.();
  };
  void connect();
  return () => controller.abort();
}
