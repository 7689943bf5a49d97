import { describe, expect, it } from 'vitest';
import { benchOptions } from '../../bench/routing/bench-options.js';
import { benchSetup } from '../../bench/routing/bench-setup.js';
import { runBench } from '../../bench/routing/run-bench.js';
import { runPolicies } from '../../bench/routing/run-policies.js';
import { summarize } from '../../bench/routing/summary.js';
import { longCsv, syntheticSpec, writeSyntheticSpec } from '../bench/synthetic-dataset.js';

describe('the routing bench command line', () => {
  it('reads the seeds, the first seed and the error rates, with defaults', () => {
    expect(benchOptions([])).toEqual({
      ok: true,
      options: { specs: [], seeds: 5, firstSeed: 1, errorRates: [0, 0.1, 0.2] },
    });
    expect(
      benchOptions(['a.jsonc', '--seeds', '10', '--first-seed', '11', '--error-rates', '0.1']),
    ).toEqual({
      ok: true,
      options: { specs: ['a.jsonc'], seeds: 10, firstSeed: 11, errorRates: [0.1] },
    });
  });

  it('rejects a bad value with one line naming the option', () => {
    expect(benchOptions(['--seeds', '0'])).toEqual({
      ok: false,
      message: '--seeds expects a positive whole number, got "0"',
    });
    expect(benchOptions(['--first-seed', '1.5'])).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^--first-seed expects a positive whole number, got "1.5"$/),
    });
    expect(benchOptions(['--error-rates', '0.1,x'])).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^--error-rates expects numbers from 0 to below 0\.5/),
    });
    expect(benchOptions(['--error-rates', '0.5'])).toMatchObject({ ok: false });
    expect(benchOptions(['--sedes', '3'])).toMatchObject({
      ok: false,
      message: expect.stringContaining("'--sedes'"),
    });
  });
});

describe('runBench from a first seed', () => {
  it('replays the seeds from the first seed on, so that held-out seeds can be run alone', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `t${i}`).flatMap((instance, i) =>
      ['Zeta', 'Omega'].map((model) => ({
        instance,
        model,
        resolved: model === 'Omega' || i % 3 === 0,
        costUsd: model === 'Omega' ? 1 : 0.1,
      })),
    );
    const load = benchSetup(writeSyntheticSpec(longCsv(rows), syntheticSpec(['Zeta', 'Omega'])));
    if (!load.ok) throw new Error(load.message);
    const { setup, budgetUsd } = load;
    const [result] = runBench({ setup, seeds: 1, firstSeed: 3, errorRates: [0.2], budgetUsd });
    const seed3 = runPolicies({ setup, seed: 3, errorRate: 0.2, cascade: result?.cascade ?? [] });
    const seed1 = runPolicies({ setup, seed: 1, errorRate: 0.2, cascade: result?.cascade ?? [] });
    const ours = result?.summaries['ours by type'];
    expect(ours).toEqual(summarize([seed3['ours by type'] ?? []]));
    expect(ours).not.toEqual(summarize([seed1['ours by type'] ?? []]));
  });
});
