import type { Dataset } from './dataset.js';
import { rngFor, shuffled } from './prng.js';

/**
 * The order items stream in for one seed: shuffled; with a train/test split, the train items
 * first (what the policy learns on before the held-out ones), each part shuffled.
 *
 * @example
 * streamOrder(dataset, 3).map((item) => item.id); // the same order every time for seed 3
 */
export function streamOrder(dataset: Dataset, seed: number): Dataset['items'] {
  const rng = rngFor(seed, 'order');
  const train = dataset.items.filter((item) => item.split !== 'test');
  const test = dataset.items.filter((item) => item.split === 'test');
  return [...shuffled(train, rng), ...shuffled(test, rng)];
}
