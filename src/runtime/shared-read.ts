/** A read that callers asking while it is under way share, instead of each reading again. */
export interface SharedRead<T> {
  /** Starts the read, or joins the one under way. */
  (): Promise<T>;
  /** The read under way, if any. */
  underway(): Promise<T> | null;
}

/**
 * Wraps `read` so that every call made while it is under way gets that same read: when a
 * cached view goes stale, the many calls in flight that notice it cost one store read.
 *
 * @example
 * const catchUp = sharedRead(() => store.reviewedAttempts(after, 1000));
 * await Promise.all([catchUp(), catchUp()]); // one read
 */
export function sharedRead<T>(read: () => Promise<T>): SharedRead<T> {
  let current: Promise<T> | null = null;
  const start = (): Promise<T> => {
    current ??= read().finally(() => {
      current = null;
    });
    return current;
  };
  return Object.assign(start, { underway: () => current });
}
