import type { TaskPolicy } from './replay.js';

/**
 * A fixed order of models: the first, then the next one after each rejection, then none. A
 * model may appear twice (a retry on the same model). One policy object per task.
 *
 * @example
 * replayTask({ instance, policy: sequencePolicy(['deepseek', 'opus']), … }); // deepseek → opus
 */
export function sequencePolicy(models: readonly string[]): TaskPolicy {
  let at = 0;
  return {
    first() {
      at = 0;
      return models[0] ?? null;
    },
    next() {
      at += 1;
      return models[at] ?? null;
    },
  };
}
