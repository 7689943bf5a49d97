import { describe, expect, it } from 'vitest';
import { loadBenchConfig } from '../../bench/routing/bench-config.js';
import { type Dataset, loadDataset, outcomeOf } from '../../bench/routing/dataset.js';
import { datasetModel, datasetModelOf } from '../../bench/routing/model-mapping.js';
import { benchClassification, productionRouter } from '../../bench/routing/production-policy.js';
import { replayTask } from '../../bench/routing/replay.js';
import { perfectReviewer } from '../../bench/routing/reviewer.js';
import { runPolicies } from '../../bench/routing/run-policies.js';
import { writeSyntheticDataset } from './synthetic-dataset.js';

// deepseek is cheapest at catalog prices but never solves; gpt-5-mini, almost as cheap, always
// does; every other model solves at a high price.
function syntheticDataset(tasks: number): Dataset {
  const instances = Array.from({ length: tasks }, (_, i) => `task-${String(i).padStart(3, '0')}`);
  const rows = instances.flatMap((instance) =>
    Object.entries(datasetModelOf).map(([ours, model]) => ({
      instance,
      model,
      resolved: ours !== 'deepseek',
      costUsd: ours === 'deepseek' ? 0.03 : ours === 'gpt-5-mini' ? 0.04 : 1,
    })),
  );
  const load = loadDataset(writeSyntheticDataset(rows));
  if (!load.ok) throw new Error(load.message);
  return load.dataset;
}

describe('ours: production learned routing, learning online', () => {
  it('moves from the model that never solves to the one that always does', () => {
    const dataset = syntheticDataset(60);
    const loaded = loadBenchConfig('learned');
    const router = productionRouter(loaded, benchClassification);
    const firsts = dataset.instances.map(
      (instance) =>
        replayTask({
          instance,
          policy: router.task(instance),
          review: perfectReviewer,
          maxAttempts: loaded.config.max_attempts,
          outcome: (model, task) => outcomeOf(dataset, datasetModel(model), task),
        }).attempts[0]?.model,
    );
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
    const dataset = syntheticDataset(40);
    const configs = { learned: loadBenchConfig('learned'), rotation: loadBenchConfig('rotation') };
    const runs = runPolicies({ dataset, configs, seed: 1, errorRate: 0 });
    const sequences = (name: keyof typeof runs) =>
      runs[name].map((run) => run.attempts.map((a) => a.model).join(' → '));
    // With a perfect reviewer, every model but deepseek is approved at once, so each control
    // task runs exactly the sequence dealt to it: ours' sequences, in another order.
    expect([...sequences('shuffled control')].sort()).toEqual(
      [...sequences('ours (learned)')].sort(),
    );
    expect(sequences('shuffled control')).not.toEqual(sequences('ours (learned)'));
    expect(runs['always strongest (opus)'].every((run) => run.attempts[0]?.model === 'opus')).toBe(
      true,
    );
  });
});
