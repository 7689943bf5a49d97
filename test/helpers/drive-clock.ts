import type { SimulatedClock } from '../../src/runtime/simulated-clock.js';

/**
 * Settles `work`, moving `clock` on to each timer as it falls due (a pacer's slot, a backoff,
 * a Retry-After), with nothing waited on in real time but the work's own I/O. Gives back the
 * result and the simulated milliseconds it took.
 *
 * @example
 * const { value, elapsedMs } = await driveClock(clock, client.listWorkItems(id));
 */
export async function driveClock<T>(
  clock: SimulatedClock,
  work: Promise<T>,
): Promise<{ value: T; elapsedMs: number }> {
  const start = clock.now();
  let settled = false;
  const watched = work.finally(() => {
    settled = true;
  });
  watched.catch(() => {});
  while (!settled) {
    await new Promise((resolve) => setTimeout(resolve, 2));
    const due = clock.nextDue;
    if (!settled && due !== null) clock.advance(Math.max(0, due - clock.now()));
  }
  return { value: await watched, elapsedMs: clock.now() - start };
}
