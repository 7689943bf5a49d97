import { describe, expect, it } from 'vitest';
import { noisyReviewer } from '../../bench/routing/reviewer.js';

const draws = 20_000;

function flipRate(errorRate: number, resolved: boolean, seed: number): number {
  const review = noisyReviewer(errorRate, seed);
  let flips = 0;
  for (let i = 0; i < draws; i++) {
    if (review(resolved, { instance: `i${i}`, model: 'm', run: 0 }) !== resolved) flips += 1;
  }
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

  it('gives the same verdicts for the same seed, others for another', () => {
    const verdicts = (seed: number) => {
      const review = noisyReviewer(0.2, seed);
      return Array.from({ length: 50 }, (_, i) =>
        review(true, { instance: `i${i}`, model: 'm', run: 0 }),
      );
    };
    expect(verdicts(5)).toEqual(verdicts(5));
    expect(verdicts(5)).not.toEqual(verdicts(6));
  });

  it('gives every policy the same verdict on the same attempt, whatever came before', () => {
    // Two policies of one seed: one reviews a thousand other attempts first, the other not.
    const first = noisyReviewer(0.5, 7);
    const second = noisyReviewer(0.5, 7);
    for (let i = 0; i < 1000; i++) first(true, { instance: `other${i}`, model: 'm', run: 0 });
    const attempts = Array.from({ length: 200 }, (_, i) => ({
      instance: `i${i}`,
      model: 'm',
      run: 0,
    }));
    expect(attempts.map((a) => first(true, a))).toEqual(attempts.map((a) => second(true, a)));
  });

  it('draws a retry of the same model on the same item apart from its first run', () => {
    const review = noisyReviewer(0.5, 7);
    const runs = (run: number) =>
      Array.from({ length: 200 }, (_, i) => review(true, { instance: `i${i}`, model: 'm', run }));
    expect(runs(0)).not.toEqual(runs(1));
  });
});
