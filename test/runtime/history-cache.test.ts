import { describe, expect, it } from 'vitest';
import { createHistoryCache } from '../../src/runtime/history-cache.js';
import { SimulatedClock } from '../../src/runtime/simulated-clock.js';
import { emptyPerformance, type PerformanceRow } from '../../src/store/performance-row.js';

const row = (model: string, attempts: number): PerformanceRow => ({
  ...emptyPerformance(model, 'coding'),
  attempts,
});

describe('the history cache', () => {
  it('reads the store when its copy is older than five seconds, adding its own outcomes in between', async () => {
    const clock = new SimulatedClock(0);
    let stored = [row('deepseek', 3)];
    let reads = 0;
    const history = createHistoryCache(
      {
        performance: async () => {
          reads++;
          return stored.map((r) => ({ ...r }));
        },
      },
      clock,
    );
    // Nothing read yet: an outcome has nothing to be added to.
    history.add(row('deepseek', 1));
    expect(history.rows()).toEqual([]);
    await history.refresh();
    history.add(row('deepseek', 1));
    history.add(row('minimax', 2));
    expect(history.rows().map((r) => [r.model, r.attempts])).toEqual([
      ['deepseek', 4],
      ['minimax', 2],
    ]);
    stored = [row('deepseek', 10)];
    clock.advance(5_000);
    await history.refresh();
    expect(reads).toBe(1);
    clock.advance(1);
    await history.refresh();
    expect(reads).toBe(2);
    expect(history.rows().map((r) => [r.model, r.attempts])).toEqual([['deepseek', 10]]);
  });
});
