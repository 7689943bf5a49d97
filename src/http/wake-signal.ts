/**
 * A loop's pause that ends early when something happens: `wait(ms)` resolves on the next
 * `wake()`, or after `ms`, whichever comes first. A wake while no one waits is kept for the
 * next wait, so nothing that happened between two waits is slept through.
 *
 * @example
 * const signal = new WakeSignal();
 * feed.subscribe(() => signal.wake());
 * while (open) { await send(); await signal.wait(15_000); }
 */
export class WakeSignal {
  #pending = false;
  #resolve: (() => void) | null = null;

  wake(): void {
    if (this.#resolve) {
      this.#resolve();
      this.#resolve = null;
    } else {
      this.#pending = true;
    }
  }

  wait(ms: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#resolve = null;
        resolve();
      }, ms);
      this.#resolve = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
