import { describe, expect, it } from 'vitest';
import type { Dataset, Item } from '../../bench/routing/dataset.js';
import { streamOrder } from '../../bench/routing/stream-order.js';

const item = (id: string, split: Item['split']): Item => ({
  id,
  type: 'coding',
  text: null,
  split,
});
const dataset = (items: Item[]) => ({ items }) as unknown as Dataset;

describe('streamOrder', () => {
  it('is fixed by the seed and differs between seeds', () => {
    const data = dataset(Array.from({ length: 20 }, (_, i) => item(`t${i}`, null)));
    const ids = (seed: number) => streamOrder(data, seed).map((i) => i.id);
    expect(ids(1)).toEqual(ids(1));
    expect(ids(1)).not.toEqual(ids(2));
    expect([...ids(1)].sort()).toEqual(data.items.map((i) => i.id).sort());
  });

  it('streams the train items first, then the test items', () => {
    const items = Array.from({ length: 20 }, (_, i) =>
      item(`t${i}`, i % 3 === 0 ? 'test' : 'train'),
    );
    const splits = streamOrder(dataset(items), 4).map((i) => i.split);
    expect(splits).toEqual(
      [...splits].sort((a, b) => (a === 'train' ? 0 : 1) - (b === 'train' ? 0 : 1)),
    );
    expect(splits.filter((s) => s === 'test')).toHaveLength(7);
  });
});
