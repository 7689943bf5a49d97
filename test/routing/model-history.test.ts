import { describe, expect, it } from 'vitest';
import { historyOf } from '../../src/routing/model-history.js';
import { emptyPerformance, performanceRowSchema } from '../../src/store/performance-row.js';

const row = (model: string, taskType: string, attempts: number, maxCallTokens = 0) => ({
  ...emptyPerformance(model, taskType),
  attempts,
  approvals: attempts - 1,
  maxCallTokens,
});

describe('historyOf', () => {
  const history = [
    row('deepseek', 'coding', 3, 900),
    row('deepseek', 'research', 5, 400),
    row('sonnet', 'coding', 2),
  ];

  it('gives the one row of a model and type', () => {
    expect(historyOf(history, 'deepseek', 'coding')).toEqual(row('deepseek', 'coding', 3, 900));
  });

  it('adds up every type of a model under "*", keeping the largest call', () => {
    expect(historyOf(history, 'deepseek')).toMatchObject({
      taskType: '*',
      attempts: 8,
      approvals: 6,
      maxCallTokens: 900,
    });
  });

  it('gives an empty, valid row for a model never seen, and changes nothing it read', () => {
    const before = structuredClone(history);
    const none = historyOf(history, 'kimi', 'coding');
    expect(performanceRowSchema.parse(none)).toEqual(emptyPerformance('kimi', 'coding'));
    expect(none.attempts).toBe(0);
    historyOf(history, 'deepseek');
    expect(history).toEqual(before);
  });

  it('adds rows that repeat a model and type (a replayed history may hold deltas)', () => {
    const twice = [row('glm', 'coding', 1), row('glm', 'coding', 2)];
    expect(historyOf(twice, 'glm', 'coding').attempts).toBe(3);
  });
});
