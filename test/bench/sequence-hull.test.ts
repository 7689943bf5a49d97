import { describe, expect, it } from 'vitest';
import type { Item, Outcome } from '../../bench/routing/dataset.js';
import { formatSequenceHull } from '../../bench/routing/report.js';
import { sequenceHull } from '../../bench/routing/sequence-hull.js';
import { datasetOf } from './synthetic-dataset.js';

// Ten coding items: a ($1 a try) solves the first five, b ($10 a try) solves all.
const items: Item[] = Array.from({ length: 10 }, (_, i) => ({
  id: `t${i}`,
  type: 'coding',
  text: null,
  split: null,
}));
const runs = (solves: (i: number) => boolean, costUsd: number) =>
  new Map<string, Outcome>(items.map((item, i) => [item.id, { resolved: solves(i), costUsd }]));
const dataset = datasetOf(
  items,
  new Map([
    ['a', runs((i) => i < 5, 1)],
    ['b', runs(() => true, 10)],
  ]),
);
// Escalation only goes up: a → b.
const ladders = { a: ['b'], b: [] };

describe('sequenceHull', () => {
  it('finds the cascade that solves all for less than the strong model alone', () => {
    // a → b: $10 for a on all, $50 for b on the five a fails; b alone would cost $100.
    const hull = sequenceHull(dataset, ladders, 3, 0, 60);
    expect(hull.solvedPct).toBe(100);
    expect(hull.costUsd).toBe(60);
    expect(hull.sequences).toEqual({ coding: [['a', 'b']] });
  });

  it('mixes the two hull points that bracket a budget between them', () => {
    // Half way from a alone ($10, 5 solved) to a → b ($60, 10 solved).
    const hull = sequenceHull(dataset, ladders, 3, 0, 35);
    expect(hull.solvedPct).toBeCloseTo(75);
    expect(hull.costUsd).toBeCloseTo(35);
    expect(hull.sequences).toEqual({ coding: [['a'], ['a', 'b']] });
  });

  it('keeps to the ladders and the attempts', () => {
    // b → a is not on a ladder, and one attempt allows no cascade: b alone is the best within $100.
    expect(sequenceHull(dataset, ladders, 1, 0, 100).sequences).toEqual({ coding: [['b']] });
  });

  it('counts what a reviewer that errs costs: wrong approvals ship, right work is rejected', () => {
    // a alone at e = 0.1: 4.5 of its 5 right results approved; its 5 wrong ones never solve.
    const hull = sequenceHull(dataset, ladders, 1, 0.1, 10);
    expect(hull.solvedPct).toBeCloseTo(45);
    // a → b: b runs where a's work is rejected: its 5 wrong results 9 times in 10 (4.5), its 5
    // right ones once in 10 (0.5); b's right work is approved 9 times in 10.
    const cascade = sequenceHull(dataset, ladders, 2, 0.1, 60);
    expect(cascade.costUsd).toBeCloseTo(10 + 10 * (4.5 + 0.5));
    expect(cascade.solvedPct).toBeCloseTo(10 * (4.5 + (4.5 + 0.5) * 0.9));
  });

  it('is printed as one line with the mix per type', () => {
    const line = formatSequenceHull(sequenceHull(dataset, ladders, 3, 0, 35), 0, 100);
    expect(line).toMatch(/^Best type-only mix in hindsight at p = 0 /);
    expect(line).toContain(': 75.0% for $35.00 (35.0%): coding a with a → b.');
  });
});
