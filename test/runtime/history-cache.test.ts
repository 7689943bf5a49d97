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

describe('the history cache, asked by many calls at once', () => {
  it('reads the store once for callers that ask while a read is under way', async () => {
    const clock = new SimulatedClock(0);
    let reads = 0;
    const history = createHistoryCache(
      {
        performance: async () => {
          reads++;
          return [row('deepseek', reads)];
        },
      },
      clock,
    );
    const answers = await Promise.all([history.refresh(), history.refresh(), history.refresh()]);
    expect(reads).toBe(1);
    expect(answers).toEqual([true, true, true]);
    expect(await history.refresh()).toBe(false);
    clock.advance(5_001);
    await Promise.all([history.refresh(), history.refresh()]);
    expect(reads).toBe(2);
    expect(history.rows().map((r) => r.attempts)).toEqual([2]);
  });

  it('reads again after a read that failed', async () => {
    let fail = true;
    const history = createHistoryCache(
      {
        performance: async () => {
          if (fail) throw new Error('store down');
          return [row('deepseek', 1)];
        },
      },
      new SimulatedClock(0),
    );
    await expect(history.refresh()).rejects.toThrow('store down');
    fail = false;
    expect(await history.refresh()).toBe(true);
    expect(history.rows()).toHaveLength(1);
  });
});
