import type { Clock } from './clock.js';

/**
 * The timers the runtime has set (retries, cooldowns, call timeouts, heartbeats, budget
 * rechecks): none fires once the runtime is stopping, and stopping clears them all.
 */
export interface TimerSet {
  /** Calls `callback` after `ms`, unless the runtime is stopping by then; gives the handle. */
  later(ms: number, callback: () => void): unknown;
  /** Cancels one timer (its work ended first). */
  cancel(handle: unknown): void;
  /** Cancels every timer. */
  clear(): void;
}

/**
 * Creates a timer set on a clock.
 *
 * @example
 * const timers = createTimerSet(clock, () => stopping);
 * const timer = timers.later(60_000, () => controller.abort('timeout'));
 * timers.cancel(timer); // the call ended in time
 */
export function createTimerSet(clock: Clock, isStopping: () => boolean): TimerSet {
  const handles = new Set<unknown>();
  return {
    later(ms, callback) {
      const handle = clock.setTimeout(() => {
        handles.delete(handle);
        if (!isStopping()) callback();
      }, ms);
      handles.add(handle);
      return handle;
    },
    cancel(handle) {
      clock.clearTimeout(handle);
      handles.delete(handle);
    },
    clear() {
      for (const handle of handles) clock.clearTimeout(handle);
      handles.clear();
    },
  };
}
