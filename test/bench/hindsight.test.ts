import { describe, expect, it } from 'vitest';
import { benchSetup } from '../../bench/routing/bench-setup.js';
import { bestCascade, bestSingleModel, singleBaselines } from '../../bench/routing/hindsight.js';
import { longCsv, syntheticSpec, writeSyntheticSpec } from './synthetic-dataset.js';

// Four tasks, three models (solved, cost per task):
//   A solves t1 and t4, $1 each; B solves t1, t2 and t3, $10 each; C solves t3 only, $0.10 each.
// Alone: A 50% $4, B 75% $40, C 25% $0.40.
const solves: Record<string, string[]> = { A: ['t1', 't4'], B: ['t1', 't2', 't3'], C: ['t3'] };
const costs: Record<string, number> = { A: 1, B: 10, C: 0.1 };

function setup(tiers: Record<string, number> = { A: 1, B: 2, C: 1 }) {
  const rows = ['t1', 't2', 't3', 't4'].flatMap((instance) =>
    Object.keys(solves).map((model) => ({
      instance,
      model,
      resolved: solves[model]?.includes(instance) ?? false,
      costUsd: costs[model] ?? 0,
    })),
  );
  const spec = syntheticSpec(Object.keys(solves));
  for (const [model, tier] of Object.entries(tiers)) {
    (spec.models as Record<string, { tier: number }>)[model] = {
      ...(spec.models as Record<string, { tier: number }>)[model],
      tier,
    } as { tier: number };
  }
  const load = benchSetup(writeSyntheticSpec(longCsv(rows), spec));
  if (!load.ok) throw new Error(load.message);
  return load.setup;
}

describe('single-model baselines', () => {
  it('take the highest tier as strongest (ties to the most solved) and the lowest total as cheapest', () => {
    const bench = setup();
    expect(
      singleBaselines(bench.dataset, [
        { id: 'a', tier: 1 },
        { id: 'b', tier: 2 },
        { id: 'c', tier: 1 },
      ]),
    ).toEqual({ strongest: 'b', cheapest: 'c' });
    expect(
      singleBaselines(bench.dataset, [
        { id: 'a', tier: 3 },
        { id: 'c', tier: 3 },
      ]).strongest,
    ).toBe('a');
  });

  it('pick the best single model within the budget, the cheapest when none fits', () => {
    const { dataset } = setup();
    expect(bestSingleModel(dataset, 100)).toBe('b');
    expect(bestSingleModel(dataset, 10)).toBe('a');
    expect(bestSingleModel(dataset, 0.1)).toBe('c');
  });
});

describe('bestCascade', () => {
  it('picks the two-step cascade solving most within the budget, reviewed without error at p = 0', () => {
    const bench = setup();
    // A → B solves all four: $4 + $20 (t2, t3 escalate) = $24. C → B too: $0.40 + $30 = $30.40.
    // Within $5 only A and C pair up, both orders solving t1, t3 and t4: C → A for $3.40 is
    // cheaper than A → C for $4.20.
    const within = bestCascade(bench, 0, 2, 100);
    expect(within.models).toEqual(['a', 'b']);
    expect(within.summary.solvedPct).toBe(100);
    expect(within.summary.costUsd).toBeCloseTo(24);
    expect(bestCascade(bench, 0, 2, 5).models).toEqual(['c', 'a']);
  });
});
