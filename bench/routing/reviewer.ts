import type { Rng } from './prng.js';

/** A reviewer's verdict on one attempt: true approves it. */
export type Review = (resolved: boolean) => boolean;

/**
 * A reviewer that errs with probability `errorRate`: its verdict is the truth (a resolved
 * attempt is approved) flipped with that probability, independently for every attempt. A
 * wrong rejection costs an escalation; a wrong approval ships a failure.
 *
 * @example
 * const review = noisyReviewer(0.1, mulberry32(1));
 * review(true); // true nine times in ten
 */
export function noisyReviewer(errorRate: number, rng: Rng): Review {
  return (resolved) => (rng() < errorRate ? !resolved : resolved);
}

/** A perfect failure detector: approves exactly the resolved attempts. */
export const perfectReviewer: Review = (resolved) => resolved;

/** No review: whatever the model produced is shipped (the single-model baselines). */
export const shipAsIs: Review = () => true;
