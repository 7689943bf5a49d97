/**
 * How one try of a model call is stopped (its timeout, a cancel, the runtime stopping): the
 * first reason is kept and each listener told once. The `AbortSignal` the model's port gets
 * is made when the port first reads it (aborted already if the call was): an `AbortController`
 * with a listener costs several µs, which a port that never looks at it need not pay.
 */
export interface CallAbort {
  /** The signal for the model's port, made on first read. */
  readonly signal: AbortSignal;
  /** The reason it was aborted with (`'timeout'`, `'cancelled'` …), or null. */
  readonly reason: string | null;
  /** Aborts with `reason`, unless it was aborted before. */
  abort(reason: string): void;
  /** Calls `listener` once, with the reason, when aborted (at once if it was). */
  onAbort(listener: (reason: string) => void): void;
}

/**
 * Creates a call's abort.
 *
 * @example
 * const stop = callAbort();
 * stop.onAbort((reason) => reject(new Error(reason)));
 * timers.later(timeoutMs, () => stop.abort('timeout'));
 * await port.execute({ signal: stop.signal, … }); // the port's own AbortSignal, made now
 */
export function callAbort(): CallAbort {
  let controller: AbortController | null = null;
  let reason: string | null = null;
  let listeners: ((reason: string) => void)[] | null = null;
  return {
    get signal() {
      if (!controller) {
        controller = new AbortController();
        if (reason !== null) controller.abort(reason);
      }
      return controller.signal;
    },
    get reason() {
      return reason;
    },
    abort(why) {
      if (reason !== null) return;
      reason = why;
      controller?.abort(why);
      const told = listeners ?? [];
      listeners = null;
      for (const listener of told) listener(why);
    },
    onAbort(listener) {
      if (reason !== null) listener(reason);
      else if (listeners) listeners.push(listener);
      else listeners = [listener];
    },
  };
}
