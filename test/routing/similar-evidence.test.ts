import { describe, expect, it } from 'vitest';
import type { Neighbour } from '../../src/routing/reviewed-index.js';
import {
  describeSimilar,
  minSimilarity,
  shrunkBelief,
  similarEvidence,
} from '../../src/routing/similar-evidence.js';

const near = (similarity: number, ...outcomes: [string, boolean][]): Neighbour => ({
  taskId: `t${similarity}${outcomes.length}`,
  similarity,
  outcomes: outcomes.map(([model, approved]) => ({ model, approved })),
});

describe('the neighbour estimate', () => {
  it('counts approvals and rejections per model, weighted by similarity, ignoring far tasks', () => {
    const evidence = similarEvidence([
      near(0.8, ['deepseek', true]),
      near(0.5, ['deepseek', false], ['opus', true]),
      near(minSimilarity / 2, ['deepseek', true]),
    ]);
    expect(evidence.tasks).toBe(2);
    expect(evidence.models.deepseek).toEqual({
      approved: 1,
      rejected: 1,
      weight: 1.3,
      weightedApprovals: 0.8,
    });
    expect(evidence.models.opus).toEqual({
      approved: 1,
      rejected: 0,
      weight: 0.5,
      weightedApprovals: 0.5,
    });
  });

  it('stays at the type posterior without neighbours or with few far ones', () => {
    const type = { mean: 0.3, weight: 50 };
    expect(shrunkBelief(type, undefined)).toEqual(type);
    const far = similarEvidence([near(0.12, ['deepseek', true]), near(0.11, ['deepseek', true])]);
    expect(shrunkBelief(type, far.models.deepseek).mean).toBeLessThan(0.4);
  });

  it('moves half-way for ten identical neighbours (the type weighs ten attempts)', () => {
    const ten = { approved: 10, rejected: 0, weight: 10, weightedApprovals: 10 };
    expect(shrunkBelief({ mean: 0.3, weight: 50 }, ten).mean).toBeCloseTo(0.65, 9);
  });

  it('moves to the neighbours when many close ones agree', () => {
    const type = { mean: 0.3, weight: 50 };
    const close = similarEvidence(
      Array.from({ length: 20 }, (_, i) => near(0.9 - i / 100, ['deepseek', true])),
    );
    const belief = shrunkBelief(type, close.models.deepseek);
    // 20 neighbours about 0.8 alike weigh 16 attempts against the type's 10: most of the way.
    expect(belief.mean).toBeGreaterThan(0.7);
    expect(belief.weight).toBeGreaterThan(type.weight);
    const rejected = similarEvidence(
      Array.from({ length: 20 }, (_, i) => near(0.9 - i / 100, ['deepseek', false])),
    );
    expect(shrunkBelief({ mean: 0.8, weight: 50 }, rejected.models.deepseek).mean).toBeLessThan(
      0.35,
    );
  });

  it('says what the similar tasks showed, in words', () => {
    const evidence = similarEvidence([
      near(0.8, ['deepseek', true]),
      near(0.7, ['deepseek', true]),
      near(0.6, ['deepseek', true]),
      near(0.5, ['deepseek', false], ['kimi', false]),
      near(0.4, ['kimi', false]),
    ]);
    expect(describeSimilar(evidence)).toBe(
      '3 similar tasks approved on deepseek, 1 rejected; 2 similar tasks rejected on kimi',
    );
    expect(describeSimilar(similarEvidence([near(0.5, ['opus', true])]))).toBe(
      '1 similar task approved on opus',
    );
  });
});
