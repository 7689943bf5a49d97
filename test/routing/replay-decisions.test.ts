import { describe, expect, it } from 'vitest';
import { modelCatalog } from '../../agents/model-catalog.js';
import type { TaskContext } from '../../machines/task-context.js';
import type { Classification, ModelRef } from '../../machines/task-types.js';
import { routeEstimates } from '../../src/routing/learned-choice.js';
import { replayDecisions } from '../../src/routing/replay-decisions.js';
import type { RoutingView } from '../../src/routing/routing-view.js';
import { emptyPerformance, type PerformanceRow } from '../../src/store/performance-row.js';
import { catalogView, costOptions, withModels } from './view.js';

function ref(id: string): ModelRef {
  const entry = modelCatalog.find((m) => m.id === id);
  if (!entry) throw new Error(`no model ${id}`);
  return { id, kind: entry.kind, tier: entry.tier };
}

const usage = (costUsd: number) => ({
  inputTokens: 1000,
  outputTokens: 200,
  costUsd,
  latencyMs: 1,
});

const coding: Classification = {
  complexity: 'simple',
  type: 'coding',
  model: 'minimax',
  reason: 'r',
  source: 'cto',
};

/** A finished task: its attempts (model, approved?, execution $), classified as `coding`. */
function finished(
  id: string,
  attempts: [model: string, approved: boolean, costUsd: number][],
  options: { requested?: string; classification?: Classification | null } = {},
): TaskContext {
  const approved = attempts.at(-1)?.[1] === true;
  const first = attempts[0]?.[0];
  return {
    taskId: id,
    input: {
      description: `task ${id}`,
      ...(options.requested ? { model: options.requested } : {}),
    },
    maxAttempts: 3,
    classification: options.classification === undefined ? coding : options.classification,
    route: first ? { model: ref(first), reason: 'as the CTO recommends' } : null,
    classifyUsage: usage(0.001),
    escalation: null,
    attempts: attempts.map(([model, ok, cost], i) => ({
      n: i + 1,
      model: ref(model),
      reason: 'r',
      outputRef: null,
      summary: null,
      usage: usage(cost),
      review: {
        verdict: ok ? 'approve' : 'reject',
        quality: ok ? 8 : 3,
        feedback: 'f',
        usage: usage(0.002),
      },
      error: null,
    })),
    pending: null,
    outcome: { status: approved ? 'done' : 'blocked', reason: 'r' },
    decisions: [],
  };
}

// deepseek approves coding well, minimax poorly.
const history: PerformanceRow[] = [
  { ...emptyPerformance('deepseek', 'coding'), attempts: 20, approvals: 18, costUsd: 0.2 },
  { ...emptyPerformance('minimax', 'coding'), attempts: 20, approvals: 4, costUsd: 0.4 },
];
const learned = catalogView({ history, costOptimization: costOptions({ routing: 'learned' }) });
const quality: RoutingView = { ...learned, strategy: 'quality' };

// Two tasks that started on minimax (rejected, then approved on sonnet), one on deepseek.
const stored = () => [
  {
    id: 'a',
    context: finished('a', [
      ['minimax', false, 0.02],
      ['sonnet', true, 0.05],
    ]),
  },
  { id: 'b', context: finished('b', [['minimax', false, 0.02]]) },
  {
    id: 'c',
    context: finished('c', [['deepseek', true, 0.01]], {
      classification: { ...coding, model: 'deepseek' },
    }),
  },
];

describe('replayDecisions', () => {
  it('moves tasks to the model learned routing prefers, with its expected cost and approval', () => {
    const result = replayDecisions(stored(), learned);
    const deepseek = learned.models.find((m) => m.id === 'deepseek');
    if (!deepseek) throw new Error('no deepseek');
    const estimate = routeEstimates([deepseek], coding, learned)[0];
    expect(estimate?.expectedCostUsd).toBeGreaterThan(0);

    const a = result.tasks.find((t) => t.id === 'a');
    expect(a).toMatchObject({
      actual: { model: 'minimax', executionCostUsd: 0.07, approved: true, status: 'done' },
      replayed: {
        model: 'deepseek',
        expectedCostUsd: estimate?.expectedCostUsd,
        approvedChance: estimate?.approvedChance,
        path: estimate?.path,
      },
      moved: true,
    });
    expect(a?.replayed.reason).toMatch(/moved from minimax to deepseek \(learned:/);
    // Every call counts in the actual cost: classification, two executions, two reviews.
    expect(a?.actual.costUsd).toBeCloseTo(0.001 + 0.07 + 0.004, 10);
    expect(result.tasks.find((t) => t.id === 'c')).toMatchObject({
      actual: { model: 'deepseek' },
      replayed: { model: 'deepseek' },
      moved: false,
    });

    const { totals } = result;
    expect(totals.tasks).toBe(3);
    expect(totals.moved).toBe(2);
    expect(totals.moves).toEqual([{ from: 'minimax', to: 'deepseek', tasks: 2 }]);
    expect(totals.actual.executionCostUsd).toBeCloseTo(0.1, 10);
    expect(totals.actual.approvalRate).toBeCloseTo(2 / 3, 10);
    expect(totals.expected.costUsd).toBeCloseTo(3 * (estimate?.expectedCostUsd ?? 0), 10);
    expect(totals.expected.approvalRate).toBeCloseTo(estimate?.approvedChance ?? 0, 10);
    expect(totals.expected.unpriced).toBe(0);
    // Only c's first attempt was approved; deepseek's first-try chance is the posterior mean.
    expect(totals.actual.firstTryApprovalRate).toBeCloseTo(1 / 3, 10);
    expect(totals.expected.firstTryApprovalRate).toBeCloseTo(estimate?.approval ?? 0, 10);
  });

  it('moves nothing under the quality strategy', () => {
    const result = replayDecisions(stored(), quality);
    expect(result.totals.moved).toBe(0);
    expect(result.totals.moves).toEqual([]);
    expect(result.tasks.map((t) => t.replayed.model)).toEqual(['minimax', 'minimax', 'deepseek']);
    expect(result.tasks[0]?.replayed.reason).toContain('quality strategy: no override');
    // The expectation is the one for the model it stays on: minimax's worse chance.
    const minimax = quality.models.find((m) => m.id === 'minimax');
    if (!minimax) throw new Error('no minimax');
    expect(result.tasks[0]?.replayed.approvedChance).toBe(
      routeEstimates([minimax], coding, quality)[0]?.approvedChance,
    );
  });

  it('keeps a task on the model the user asked for', () => {
    const context = finished('r', [['minimax', true, 0.02]], { requested: 'minimax' });
    const asked = replayDecisions([{ id: 'r', context }], learned);
    expect(asked.tasks[0]?.replayed).toMatchObject({ model: 'minimax' });
    expect(asked.tasks[0]?.replayed.reason).toContain('as requested');
    expect(asked.totals.moved).toBe(0);

    // Even when the other configuration could not start it there.
    const disabled = withModels(learned, { minimax: { enabled: false } });
    const kept = replayDecisions([{ id: 'r', context }], disabled);
    expect(kept.tasks[0]?.replayed.model).toBe('minimax');
    expect(kept.tasks[0]?.replayed.reason).toMatch(/as requested: it stays .*disabled/);
    expect(kept.totals.moved).toBe(0);
  });

  it('skips and counts contexts that do not parse, unfinished and unclassified tasks', () => {
    const unfinished = { ...finished('u', [['minimax', false, 0.02]]), outcome: null };
    const unclassified = { ...finished('n', []), classification: null, route: null };
    const result = replayDecisions(
      [
        ...stored(),
        { id: 'bad', context: { taskId: 'bad', attempts: 'many' } },
        { id: 'none', context: undefined },
        { id: 'u', context: unfinished },
        { id: 'n', context: unclassified },
      ],
      learned,
    );
    expect(result.totals.tasks).toBe(3);
    expect(result.skipped.notFinished).toBe(1);
    expect(result.skipped.unclassified).toBe(1);
    expect(result.skipped.invalid.map((s) => s.id)).toEqual(['bad', 'none']);
    expect(result.skipped.invalid[0]?.reason).toMatch(/^input: /);
  });

  it('counts a task the other configuration would not start as a move to no model', () => {
    const off = Object.fromEntries(learned.models.map((m) => [m.id, { enabled: false }]));
    const result = replayDecisions(
      [{ id: 'c', context: finished('c', [['deepseek', true, 0.01]]) }],
      withModels(learned, off),
    );
    expect(result.tasks[0]?.replayed).toMatchObject({
      model: null,
      expectedCostUsd: 0,
      approvedChance: 0,
    });
    expect(result.totals.moves).toEqual([{ from: 'deepseek', to: '(none)', tasks: 1 }]);
    expect(result.totals.expected.approvalRate).toBe(0);
  });
});
