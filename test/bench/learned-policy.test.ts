import { describe, expect, it } from 'vitest';
import { benchSetup } from '../../bench/routing/bench-setup.js';
import { perfectReviewer } from '../../bench/routing/reviewer.js';
import { ours, runPolicies, streamRuns } from '../../bench/routing/run-policies.js';
import { streamOrder } from '../../bench/routing/stream-order.js';
import { longCsv, syntheticSpec, writeSyntheticSpec } from './synthetic-dataset.js';

// deepseek is cheapest at catalog prices but never solves; gpt-5-mini, almost as cheap, always
// does; every other model solves at a high price.
const cast = {
  'claude-opus': { catalog: 'opus' },
  'claude-sonnet': { catalog: 'sonnet' },
  'deepseek-v3': { catalog: 'deepseek' },
  'minimax-m2': { catalog: 'minimax' },
  'gpt-5-mini-2025': {
    added: 'gpt-5-mini',
    tier: 2,
    input_price_per_mtok: 0.25,
    output_price_per_mtok: 2,
  },
};

function setup(tasks: number) {
  const instances = Array.from({ length: tasks }, (_, i) => `task-${String(i).padStart(3, '0')}`);
  const rows = instances.flatMap((instance) =>
    Object.keys(cast).map((model) => ({
      instance,
      model,
      resolved: model !== 'deepseek-v3',
      costUsd: model === 'deepseek-v3' ? 0.03 : model === 'gpt-5-mini-2025' ? 0.04 : 1,
    })),
  );
  const spec = {
    ...syntheticSpec([]),
    recommends: 'sonnet',
    estimated_tokens_per_call: 100_000,
    models: cast,
  };
  const load = benchSetup(writeSyntheticSpec(longCsv(rows), spec));
  if (!load.ok) throw new Error(load.message);
  return load.setup;
}

describe('ours by type: production learned routing, learning online', () => {
  it('moves from the model that never solves to the one that always does', () => {
    const bench = setup(60);
    const order = streamOrder(bench.dataset, 1);
    const runs = streamRuns(
      bench,
      order,
      ours(bench, 1, { text: false, reviewerErrorRate: 0 }),
      perfectReviewer,
      true,
    );
    const firsts = runs.map((run) => run.attempts[0]?.model);
    // Without history the catalog prices make deepseek the cheapest start.
    expect(firsts[0]).toBe('deepseek');
    // Once it has seen deepseek fail and gpt-5-mini succeed, it starts on gpt-5-mini (some
    // tasks explore the least-known models instead).
    const late = firsts.slice(-20);
    expect(late.filter((model) => model === 'gpt-5-mini').length).toBeGreaterThanOrEqual(17);
    expect(late).not.toContain('deepseek');
  });
});

describe('runPolicies', () => {
  it("deals ours' model sequences out to other tasks for the shuffled control", () => {
    const bench = setup(40);
    const runs = runPolicies({
      setup: bench,
      seed: 1,
      errorRate: 0,
      cascade: ['deepseek', 'opus'],
    });
    const sequences = (key: keyof typeof runs) =>
      (runs[key] ?? []).map((run) => run.attempts.map((a) => a.model).join(' → '));
    // With a perfect reviewer, every model but deepseek is approved at once, so each control
    // task runs exactly the sequence dealt to it: ours' sequences, in another order.
    expect([...sequences('control')].sort()).toEqual([...sequences('ours by type')].sort());
    expect(sequences('control')).not.toEqual(sequences('ours by type'));
    expect(bench.strongest).toBe('opus');
    expect(bench.cheapest).toBe('deepseek');
    expect(sequences('strongest').every((s) => s === 'opus')).toBe(true);
    expect(sequences('best cascade').every((s) => s === 'deepseek → opus')).toBe(true);
    // The synthetic data has no text: ours with text does not run.
    expect(runs['ours with text']).toBeUndefined();
  });
});
