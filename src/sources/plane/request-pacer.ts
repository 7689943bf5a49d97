import type { Clock } from '../../runtime/clock.js';

/**
 * Waits `ms` on `clock`; rejects with the signal's reason once it aborts.
 *
 * @example
 * await sleep(clock, 1_000, stopping.signal);
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clock.clearTimeout(handle);
      reject(signal?.reason);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Spaces one client's requests evenly under a per-minute limit, and holds them all back after a
 * 429 until the time its `Retry-After` gave: a rate-limited API is never hammered. Time is
 * the injected clock's (p-throttle and bottleneck sleep on the real timers, so tests could not
 * move time past a minute's wait).
 *
 * @example
 * const pacer = new RequestPacer(clock, () => 50);
 * await pacer.slot(signal); // then send
 */
export class RequestPacer {
  readonly #clock: Clock;
  readonly #perMinute: () => number;
  #next = 0;
  #pausedUntil = 0;

  constructor(clock: Clock, perMinute: () => number) {
    this.#clock = clock;
    this.#perMinute = perMinute;
  }

  /** Resolves when the next request may start (and books that start). */
  async slot(signal?: AbortSignal): Promise<void> {
    const now = this.#clock.now();
    const at = Math.max(now, this.#next, this.#pausedUntil);
    this.#next = at + 60_000 / Math.max(1, this.#perMinute());
    if (at > now) await sleep(this.#clock, at - now, signal);
  }

  /** No request starts before `until`. */
  pauseUntil(until: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, until);
  }

  /** Until when requests are held back by a 429, or null. */
  get pausedUntil(): number | null {
    return this.#pausedUntil > this.#clock.now() ? this.#pausedUntil : null;
  }
}
