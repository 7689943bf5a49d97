import { describe, expect, it } from 'vitest';
import type { ReviewedAttempt } from '../../src/routing/reviewed-attempt.js';
import { createReviewedIndex } from '../../src/routing/reviewed-index.js';
import { textFeatures } from '../../src/routing/text-features.js';

function reviewed(
  taskId: string,
  text: string,
  model = 'deepseek',
  approved = true,
  attempt = 1,
): ReviewedAttempt {
  return {
    taskId,
    attempt,
    model,
    taskType: 'coding',
    approved,
    at: 0,
    features: textFeatures(text),
  };
}

describe('the index of reviewed tasks', () => {
  it('finds the tasks that read most like a text, most similar first, with their outcomes', () => {
    const index = createReviewedIndex();
    index.add(reviewed('dates', 'the date parser rejects ISO dates with a timezone offset'));
    index.add(reviewed('dates-2', 'date parser crashes on a timezone name'));
    index.add(reviewed('upload', 'add retry with backoff to the upload client', 'kimi', false));
    index.add(reviewed('upload', 'add retry with backoff to the upload client', 'opus', true, 2));
    // Read again (an overlapping read of the store): counted once.
    index.add(reviewed('upload', 'add retry with backoff to the upload client', 'opus', true, 2));
    expect(index.size).toBe(3);
    const found = index.nearest(textFeatures('the date parser fails on an ISO timezone offset'));
    expect(found.map((n) => n.taskId)).toEqual(['dates', 'dates-2']);
    expect(found[0]?.similarity).toBeGreaterThan(found[1]?.similarity ?? 1);
    expect(found[0]?.similarity).toBeLessThanOrEqual(1);
    const upload = index.nearest(textFeatures('upload client retry'));
    expect(upload[0]).toMatchObject({
      taskId: 'upload',
      outcomes: [
        { model: 'kimi', approved: false },
        { model: 'opus', approved: true },
      ],
    });
  });

  it('ranks an identical text first, keeps k, and leaves out the task asked about', () => {
    const index = createReviewedIndex();
    const unique = (i: number) =>
      `unique${String.fromCharCode(97 + (i % 26), 97 + Math.floor(i / 26))}`;
    for (let i = 0; i < 30; i++) index.add(reviewed(`t${i}`, `shared words here and ${unique(i)}`));
    const features = textFeatures(`shared words here and ${unique(7)}`);
    const found = index.nearest(features, { k: 5 });
    expect(found).toHaveLength(5);
    expect(found[0]).toMatchObject({ taskId: 't7' });
    // The query is weighted by rarity and the stored vector is not: identical is not quite 1.
    expect(found[0]?.similarity).toBeGreaterThan(0.75);
    expect(found[1]?.similarity).toBeLessThan(0.5);
    expect(index.nearest(features, { k: 5, exclude: 't7' }).map((n) => n.taskId)).not.toContain(
      't7',
    );
    // Scores are reset between queries.
    expect(index.nearest(features, { k: 1 })[0]?.similarity).toBe(found[0]?.similarity);
  });

  it('among tasks that all have the query words, keeps the k most similar, earlier first among equals', () => {
    const index = createReviewedIndex();
    for (let i = 0; i < 40; i++) index.add(reviewed(`t${i}`, `bench task ${i}`));
    index.add(reviewed('closer', 'bench bench task'));
    const found = index.nearest(textFeatures('bench bench task'), { k: 4, exclude: 't1' });
    expect(found.map((n) => n.taskId)).toEqual(['closer', 't0', 't2', 't3']);
    expect(found[1]?.similarity).toBe(found[3]?.similarity);
    expect(found[0]?.similarity).toBeGreaterThan(found[1]?.similarity ?? 1);
    // A task without one of the words is scored term by term: the same figures come out.
    index.add(reviewed('apart', 'bench'));
    const again = index.nearest(textFeatures('bench bench task'), { k: 4, exclude: 't1' });
    expect(again.map((n) => n.taskId)).toEqual(['closer', 't0', 't2', 't3']);
  });

  it('weights rare words above common ones', () => {
    const index = createReviewedIndex();
    for (let i = 0; i < 20; i++)
      index.add(reviewed(`common${i}`, `please fix bug number ${'x'.repeat(i + 2)}`));
    index.add(reviewed('rare', 'segfault in allocator'));
    const found = index.nearest(textFeatures('please fix segfault'));
    expect(found[0]?.taskId).toBe('rare');
  });

  it('finds nothing in an empty index or for a text without known words', () => {
    const index = createReviewedIndex();
    expect(index.nearest(textFeatures('anything'))).toEqual([]);
    index.add(reviewed('a', 'alpha beta'));
    expect(index.nearest(textFeatures('gamma delta'))).toEqual([]);
  });
});
