import { describe, expect, it } from 'vitest';
import type { Dataset, Item, Outcome } from '../../bench/routing/dataset.js';
import { formatTextSignal } from '../../bench/routing/report.js';
import { textSignal } from '../../bench/routing/text-signal.js';
import { datasetOf } from './synthetic-dataset.js';

const topics = [
  'date parser timezone offsets format',
  'shortest path cyclic graph visited',
  'http retry backoff timeout socket',
  'matrix inverse determinant singular',
];

/** 200 coding items over four topics (the topic's words and a few of the item's own). */
function dataset(solves: (topic: number, i: number) => boolean): Dataset {
  const items: Item[] = Array.from({ length: 200 }, (_, i) => ({
    id: `t${i}`,
    type: 'coding',
    text: `${topics[i % 4]} item${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + ((i * 7) % 26))}`,
    split: null,
  }));
  const outcomes = new Map<string, Map<string, Outcome>>();
  for (const model of ['a', 'b']) {
    outcomes.set(
      model,
      new Map(
        items.map((item, i) => [
          item.id,
          { resolved: model === 'b' || solves(i % 4, i), costUsd: 1 },
        ]),
      ),
    );
  }
  return datasetOf(items, outcomes);
}

describe('textSignal', () => {
  it('finds a large gain where the text tells which items a model solves', () => {
    const [coding] = textSignal(dataset((topic) => topic < 2));
    // Model a's outcomes follow the topic (b solves all: no error to reduce, gain 0).
    expect(coding?.items).toBe(200);
    expect(coding?.brierGainPct).toBeGreaterThan(25);
  });

  it('finds none where the outcomes have nothing to do with the text', () => {
    // Solved on every other item of each topic: the text's neighbours split evenly.
    const [coding] = textSignal(dataset((_topic, i) => Math.floor(i / 4) % 2 === 0));
    expect(coding?.brierGainPct).toBeLessThan(2);
  });

  it('is printed as one line per dataset, each type with its gain', () => {
    const line = formatTextSignal([
      { type: 'research', items: 1456, brierGainPct: 0.42 },
      { type: 'coding', items: 427, brierGainPct: 1.24 },
    ]);
    expect(line).toMatch(/^Text signal, an upper bound/);
    expect(line).toContain('by research +0.4% (1456 items), coding +1.2% (427 items)');
  });
});
