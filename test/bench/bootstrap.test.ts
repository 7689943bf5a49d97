import { describe, expect, it } from 'vitest';
import { bootstrapMean } from '../../bench/routing/bootstrap.js';
import { mulberry32 } from '../../bench/routing/prng.js';

const rng = mulberry32(11);
const values: number[] = Array.from({ length: 300 }, () =>
  rng() < 0.3 ? 1 : rng() < 0.2 ? -1 : 0,
);

describe('bootstrapMean', () => {
  it('brackets the mean with a 95% interval of plausible width', () => {
    const interval = bootstrapMean(values, mulberry32(1));
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(interval.estimate).toBeCloseTo(mean, 12);
    expect(interval.low).toBeLessThan(interval.estimate);
    expect(interval.high).toBeGreaterThan(interval.estimate);
    // Standard error of this mean is about 0.03: a 95% interval is about ±0.06.
    expect(interval.high - interval.low).toBeGreaterThan(0.06);
    expect(interval.high - interval.low).toBeLessThan(0.2);
  });

  it('is the same for the same seed and differs for another', () => {
    expect(bootstrapMean(values, mulberry32(1))).toEqual(bootstrapMean(values, mulberry32(1)));
    expect(bootstrapMean(values, mulberry32(1))).not.toEqual(bootstrapMean(values, mulberry32(2)));
  });

  it('has no width when every value is the same', () => {
    expect(bootstrapMean([0.5, 0.5, 0.5], mulberry32(3))).toEqual({
      estimate: 0.5,
      low: 0.5,
      high: 0.5,
    });
  });
});
