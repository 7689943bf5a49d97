import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../bench/routing/prng.js';
import { noisyReviewer } from '../../bench/routing/reviewer.js';

const draws = 20_000;

function flipRate(errorRate: number, resolved: boolean, seed: number): number {
  const review = noisyReviewer(errorRate, mulberry32(seed));
  let flips = 0;
  for (let i = 0; i < draws; i++) if (review(resolved) !== resolved) flips += 1;
  return flips / draws;
}

describe('noisyReviewer', () => {
  it('never errs at p = 0', () => {
    expect(flipRate(0, true, 1)).toBe(0);
    expect(flipRate(0, false, 2)).toBe(0);
  });

  it.each([0.1, 0.2])('flips the truth at the rate p = %s, both ways', (p) => {
    expect(Math.abs(flipRate(p, true, 3) - p)).toBeLessThan(0.01);
    expect(Math.abs(flipRate(p, false, 4) - p)).toBeLessThan(0.01);
  });

  it('gives the same verdicts for the same seed', () => {
    const verdicts = (seed: number) => {
      const review = noisyReviewer(0.2, mulberry32(seed));
      return Array.from({ length: 50 }, () => review(true));
    };
    expect(verdicts(5)).toEqual(verdicts(5));
    expect(verdicts(5)).not.toEqual(verdicts(6));
  });
});
