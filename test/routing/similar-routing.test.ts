import { describe, expect, it } from 'vitest';
import type { Classification } from '../../machines/task-types.js';
import { createReviewedIndex } from '../../src/routing/reviewed-index.js';
import { routeTask } from '../../src/routing/route-task.js';
import { similarTasksView } from '../../src/routing/similar-tasks-view.js';
import { textFeatures } from '../../src/routing/text-features.js';
import { emptyPerformance } from '../../src/store/performance-row.js';
import { catalogView } from './view.js';

const coding: Classification = {
  type: 'coding',
  complexity: 'moderate',
  model: 'sonnet',
  reason: 'r',
  source: 'cto',
};

// By type, deepseek is approved on 70% of coding tasks and minimax on nearly all.
const history = [
  { ...emptyPerformance('deepseek', 'coding'), attempts: 100, approvals: 70, costUsd: 1 },
  { ...emptyPerformance('minimax', 'coding'), attempts: 100, approvals: 90, costUsd: 2 },
];

function viewWithReviewed() {
  const reviewedTasks = createReviewedIndex();
  const subjects = [
    'ISO dates',
    'a timezone offset',
    'leap years',
    'week numbers',
    'RFC 2822 dates',
    'two-digit years',
    'month names',
    'ordinal days',
    'quarter names',
    'era names',
    'Julian dates',
    'fractional seconds',
    'week dates',
    'leap seconds',
    'day names',
    'AM/PM times',
    'UTC suffixes',
    'negative years',
    'ISO durations',
    'Unix timestamps',
  ];
  subjects.forEach((subject, i) => {
    const features = textFeatures(
      `The date parser in dateutils rejects ${subject}; fix the parser`,
    );
    const at = i;
    reviewedTasks.add({
      taskId: `past-${i}`,
      attempt: 1,
      model: 'deepseek',
      taskType: 'coding',
      approved: true,
      at,
      features,
    });
  });
  return { ...catalogView({ history }), reviewedTasks };
}

describe('routing that reads the task', () => {
  it('sends a task like past tasks approved on a cheap model there, and says why', () => {
    const view = viewWithReviewed();
    const text = 'Fix the date parser in dateutils: it rejects ISO week dates';
    const byType = routeTask({ taskId: 'new', input: {}, classification: coding, view });
    expect(byType.model?.id).toBe('minimax');
    const route = routeTask({
      taskId: 'new',
      input: {},
      classification: coding,
      view: similarTasksView(view, 'new', text),
    });
    expect(route.model?.id).toBe('deepseek');
    expect(route.reason).toContain('20 similar tasks approved on deepseek');
    const estimate = route.estimates?.find((e) => e.model === 'deepseek');
    expect(estimate?.approval).toBeGreaterThan(0.5);
  });

  it('goes by the type for a task unlike any reviewed one', () => {
    const view = viewWithReviewed();
    const text = 'Add a retry with backoff to the upload client';
    expect(similarTasksView(view, 'new', text)).toBe(view);
    const route = routeTask({
      taskId: 'new',
      input: {},
      classification: coding,
      view: similarTasksView(view, 'new', text),
    });
    expect(route.model?.id).toBe('minimax');
    expect(route.reason).not.toContain('similar');
  });

  it('leaves the view as it is without reviewed tasks', () => {
    const view = catalogView({ history });
    expect(similarTasksView(view, 'new', 'the date parser')).toBe(view);
    expect(
      similarTasksView({ ...view, reviewedTasks: createReviewedIndex() }, 'new', 'x').similar,
    ).toBeUndefined();
  });
});
