import { rngFor } from './prng.js';

/** The attempt a verdict is on: which item, which model, and its how-manieth run of it (0 first). */
export interface Reviewed {
  instance: string;
  model: string;
  run: number;
}

/** A reviewer's verdict on one attempt: true approves it. */
export type Review = (resolved: boolean, attempt: Reviewed) => boolean;

/**
 * A reviewer that errs with probability `errorRate`: its verdict is the truth (a resolved
 * attempt is approved) flipped with that probability, independently for every attempt. A
 * wrong rejection costs an escalation; a wrong approval ships a failure.
 * Whether it errs is drawn from the seed and the attempt (item, model, run), not from a stream
 * shared by the attempts: every policy replayed with the same seed meets the same verdict when
 * it runs the same model on the same item (common random numbers), so a difference between
 * two policies is their choices', not the reviewer's luck.
 *
 * @example
 * const review = noisyReviewer(0.1, 1);
 * review(true, { instance: 'a', model: 'gpt-4', run: 0 }); // true nine times in ten, the same for every policy
 */
export function noisyReviewer(errorRate: number, seed: number): Review {
  if (errorRate === 0) return perfectReviewer;
  return (resolved, { instance, model, run }) =>
    rngFor(seed, `review:${instance}\u0000${model}\u0000${run}`)() < errorRate
      ? !resolved
      : resolved;
}

/** A perfect failure detector: approves exactly the resolved attempts. */
export const perfectReviewer: Review = (resolved) => resolved;

/** No review: whatever the model produced is shipped (the single-model baselines). */
export const shipAsIs: Review = () => true;
