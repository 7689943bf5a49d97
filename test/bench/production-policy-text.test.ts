import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBenchConfig } from '../../bench/routing/bench-config.js';
import { itemClassification } from '../../bench/routing/item-classification.js';
import { productionRouter } from '../../bench/routing/production-policy.js';
import { readDatasetSpec } from '../../bench/routing/read-dataset-spec.js';
import { replayTask } from '../../bench/routing/replay.js';
import { perfectReviewer } from '../../bench/routing/reviewer.js';

// Two kinds of task, told apart only by their text: deepseek (cheapest) solves the date-parser
// ones and never the graph ones; gpt-5-mini, a little dearer, solves both; the rest solve
// everything at a high price.
const kinds = [
  {
    name: 'date',
    text: (i: number) =>
      `The date parser rejects dates in format ${i}; fix parsing of timezone offsets`,
  },
  {
    name: 'graph',
    text: (i: number) =>
      `Shortest path search loops forever on cyclic graph ${i}; fix the visited set`,
  },
];
const tasks = Array.from({ length: 120 }, (_, i) => {
  const kind = kinds[i % 2] as (typeof kinds)[number];
  return { id: `${kind.name}-${i}`, kind: kind.name, text: kind.text(i) };
});

// The SWE-bench spec's configuration (the spec alone: its data is not read).
const read = readDatasetSpec(
  join(import.meta.dirname, '../../bench/routing/specs/swebench-verified-bash-only.jsonc'),
);
if (!read.ok) throw new Error(read.message);
const { spec } = read;
// Every task is coding, as the SWE-bench items are.
const classification = itemClassification(spec, {
  id: 'any',
  type: 'coding',
  text: null,
  split: null,
});

function firstModels(text: boolean) {
  const loaded = loadBenchConfig(spec);
  const router = productionRouter(loaded, classification, { text });
  return tasks.map((task) => {
    const run = replayTask({
      instance: task.id,
      policy: router.task(task.id, task.text),
      review: perfectReviewer,
      maxAttempts: loaded.config.max_attempts,
      outcome: (model) => ({
        resolved: model !== 'deepseek' || task.kind === 'date',
        costUsd: model === 'deepseek' ? 0.03 : model === 'gpt-5-mini' ? 0.04 : 1,
      }),
    });
    return { kind: task.kind, first: run.attempts[0]?.model };
  });
}

describe('ours with text: the production routing fed each task text', () => {
  it('learns which tasks the cheap model solves from what they say', () => {
    const late = firstModels(true).slice(-40);
    const on = (kind: string, model: string) =>
      late.filter((t) => t.kind === kind && t.first === model).length;
    // Exploration sends a few tasks elsewhere.
    expect(on('date', 'deepseek')).toBeGreaterThanOrEqual(17);
    expect(on('graph', 'deepseek')).toBeLessThanOrEqual(2);
  });

  it('by type only, it cannot tell the two kinds apart', () => {
    const late = firstModels(false).slice(-40);
    const dateOnDeepseek = late.filter((t) => t.kind === 'date' && t.first === 'deepseek').length;
    expect(dateOnDeepseek).toBeLessThan(10);
  });
});
