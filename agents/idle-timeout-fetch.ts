/** What an idle request is aborted with: found again in the SDK's error by `providerError`. */
export class IdleTimeoutError extends Error {
  constructor(readonly idleMs: number) {
    super(`no data from the provider for ${idleMs / 1000} s`);
    this.name = 'IdleTimeoutError';
  }
}

/**
 * A `fetch` that gives up on a request when no byte of its answer arrives for `idleMs`: while
 * waiting for the headers (then it answers 504, as a gateway would) and between chunks of the
 * body, streamed or not (then the body fails with `IdleTimeoutError`). A provider that accepts
 * a request and never answers is so retried like one that answered 5xx, instead of holding its
 * task for the whole call's limit. The caller's signal still aborts at once.
 *
 * @example
 * new OpenAI({ baseURL, apiKey, fetch: idleTimeoutFetch(60_000) });
 */
export function idleTimeoutFetch(idleMs: number, base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const controller = new AbortController();
    const outer = init?.signal;
    const forward = () => controller.abort(outer?.reason);
    if (outer?.aborted) forward();
    outer?.addEventListener('abort', forward, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const stop = () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', forward);
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(new IdleTimeoutError(idleMs)), idleMs);
    };
    arm();
    let response: Response;
    try {
      response = await base(input, { ...init, signal: controller.signal });
    } catch (error) {
      stop();
      const idle = controller.signal.reason;
      if (!(idle instanceof IdleTimeoutError)) throw error;
      // As a gateway would answer: a 504 that says why, which clients retry like any 5xx.
      return Response.json(
        { error: { message: idle.message, type: 'idle_timeout' } },
        { status: 504 },
      );
    }
    if (!response.body) {
      stop();
      return response;
    }
    arm();
    const reader = response.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(stream) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            stop();
            stream.close();
            return;
          }
          arm();
          stream.enqueue(value);
        } catch (error) {
          stop();
          const idle = controller.signal.reason;
          stream.error(idle instanceof IdleTimeoutError ? idle : error);
        }
      },
      cancel(reason) {
        stop();
        return reader.cancel(reason);
      },
    });
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
