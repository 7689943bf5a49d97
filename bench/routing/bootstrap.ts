import { type Rng, randomIndex } from './prng.js';

/** A point estimate and its confidence interval. */
export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

const mean = (values: readonly number[]) =>
  values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * The mean of `values` with a percentile bootstrap confidence interval: resample the values
 * (one per task) with replacement `resamples` times and take the middle `level` of the means.
 *
 * @example
 * const { estimate, low, high } = bootstrapMean(perTaskDifferences, mulberry32(7));
 */
export function bootstrapMean(
  values: readonly number[],
  rng: Rng,
  { resamples = 1000, level = 0.95 }: { resamples?: number; level?: number } = {},
): Interval {
  if (values.length === 0) throw new Error('bootstrapMean needs at least one value');
  const means: number[] = [];
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[randomIndex(values.length, rng)] ?? 0;
    means.push(sum / values.length);
  }
  means.sort((a, b) => a - b);
  const at = (q: number) => means[Math.min(resamples - 1, Math.floor(q * resamples))] ?? 0;
  return { estimate: mean(values), low: at((1 - level) / 2), high: at(1 - (1 - level) / 2) };
}
