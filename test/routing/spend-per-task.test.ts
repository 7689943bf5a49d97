import { describe, expect, it } from 'vitest';
import { spendPerTask } from '../../src/routing/spend-per-task.js';
import { emptyPerformance } from '../../src/store/performance-row.js';

describe('spendPerTask', () => {
  it("divides a type's dollars over all attempts by its tasks (first attempts only)", () => {
    const history = [
      // 10 tasks started on deepseek, 4 attempts on sonnet after a failure.
      { ...emptyPerformance('deepseek', 'coding'), attempts: 10, costUsd: 1 },
      { ...emptyPerformance('sonnet', 'coding'), attempts: 4, laterAttempts: 4, costUsd: 3 },
      { ...emptyPerformance('opus', 'research'), attempts: 5, costUsd: 50 },
    ];
    expect(spendPerTask(history, 'coding')).toBeCloseTo(0.4, 9);
    expect(spendPerTask(history, 'research')).toBeCloseTo(10, 9);
  });

  it('is null before the first task of the type', () => {
    expect(spendPerTask([], 'coding')).toBeNull();
  });
});
