import { describe, expect, it } from 'vitest';
import type { Classification } from '../../machines/task-types.js';
import {
  approvalChance,
  attemptCost,
  failurePrice,
  finishCost,
  learnedChoice,
  routeEstimates,
  successChance,
} from '../../src/routing/learned-choice.js';
import { routeTask } from '../../src/routing/route-task.js';
import type { RoutingModel, RoutingView } from '../../src/routing/routing-view.js';
import { emptyPerformance, type PerformanceRow } from '../../src/store/performance-row.js';
import { catalogView, costOptions } from './view.js';

const coding: Classification = {
  type: 'coding',
  complexity: 'moderate',
  model: 'sonnet',
  reason: 'r',
  source: 'cto',
};

function record(
  model: string,
  attempts: number,
  approvals: number,
  costUsd: number,
): PerformanceRow {
  return { ...emptyPerformance(model, 'coding'), attempts, approvals, costUsd };
}

function model(view: RoutingView, id: string): RoutingModel {
  const found = view.models.find((m) => m.id === id);
  if (!found) throw new Error(id);
  return found;
}

describe('learned routing: estimates', () => {
  it('starts from a prior by tier and moves to the observed approval rate as history grows', () => {
    const view = catalogView();
    const opus = model(view, 'opus');
    const kimi = model(view, 'kimi');
    expect(approvalChance(opus, coding, [])).toBeGreaterThan(approvalChance(kimi, coding, []));
    const deepseek = model(view, 'deepseek');
    const prior = approvalChance(deepseek, coding, []);
    expect(approvalChance(deepseek, coding, [record('deepseek', 4, 4, 0)])).toBeGreaterThan(prior);
    const many = approvalChance(deepseek, coding, [record('deepseek', 1_000, 300, 0)]);
    expect(many).toBeCloseTo(0.3, 2);
    // History of another task type does not count for coding.
    const research = { ...record('deepseek', 1_000, 0, 0), taskType: 'research' };
    expect(approvalChance(deepseek, coding, [research])).toBe(prior);
  });

  it('lowers the chance for complex work and raises it for simple work', () => {
    const deepseek = model(catalogView(), 'deepseek');
    const simple = approvalChance(deepseek, { ...coding, complexity: 'simple' }, []);
    const complex = approvalChance(deepseek, { ...coding, complexity: 'complex' }, []);
    expect(simple).toBeGreaterThan(approvalChance(deepseek, coding, []));
    expect(complex).toBeLessThan(approvalChance(deepseek, coding, []));
  });

  it('prices an attempt at catalog prices, then at what attempts really cost', () => {
    const view = catalogView();
    const deepseek = model(view, 'deepseek');
    // 20,000 tokens, 80% input at $0.3/Mtok and 20% output at $1.2/Mtok.
    expect(attemptCost(deepseek, 'coding', view)).toBeCloseTo(0.0096, 6);
    const seen = catalogView({ history: [record('deepseek', 99, 50, 99)] });
    expect(attemptCost(deepseek, 'coding', seen)).toBeCloseTo((0.0096 + 99) / 100, 6);
    const unpriced = { ...deepseek, inputPrice: null, outputPrice: null };
    expect(attemptCost(unpriced, 'coding', view)).toBe(Number.POSITIVE_INFINITY);
  });

  it('counts the escalation chain a failure leads to in the expected cost', () => {
    const view = catalogView();
    const [estimate] = routeEstimates([model(view, 'deepseek')], coding, view);
    expect(estimate?.path).toEqual(['deepseek', 'sonnet', 'opus']);
    const p = estimate?.approval ?? 0;
    // At least the first attempt, plus sonnet's cost when deepseek fails.
    const own = attemptCost(model(view, 'deepseek'), 'coding', view);
    const sonnet = attemptCost(model(view, 'sonnet'), 'coding', view);
    expect(estimate?.expectedCostUsd).toBeGreaterThan(own + (1 - p) * sonnet);
    expect(estimate?.approvedChance).toBeGreaterThan(p);
    // A task the chain leaves unapproved is priced as finished on the strongest model.
    expect(estimate?.costToApprovalUsd).toBeCloseTo(
      (estimate?.expectedCostUsd ?? 0) +
        (1 - (estimate?.approvedChance ?? 0)) * finishCost(coding, view),
      9,
    );
    const opus = model(view, 'opus');
    expect(finishCost(coding, view)).toBeCloseTo(
      attemptCost(opus, 'coding', view) / approvalChance(opus, coding, [], { afterFailure: true }),
      9,
    );
    // With one attempt allowed there is no chain.
    const single = routeEstimates([model(view, 'deepseek')], coding, { ...view, maxAttempts: 1 });
    expect(single[0]?.path).toEqual(['deepseek']);
  });
});

describe('learned routing: a reviewer that errs', () => {
  it('reads the chance of right work out of the approval rate, within [0.01, 0.99]', () => {
    // Of 34% approved by a reviewer wrong one time in ten, 27 points are right work approved
    // and 7 wrong work approved: 30% is right.
    expect(successChance(0.34, 0.1)).toBeCloseTo(0.3, 9);
    expect(successChance(0.62, 0)).toBe(0.62);
    expect(successChance(0.05, 0.1)).toBe(0.01);
    expect(successChance(1, 0.1)).toBe(0.99);
  });

  it('estimates each candidate as it would alone, the steps their chains share worked out once', () => {
    // After minimax, deepseek: unless deepseek failed first.
    const view = catalogView({
      fallbackChain: {
        haiku: ['minimax', 'sonnet'],
        deepseek: ['minimax', 'sonnet'],
        minimax: ['deepseek', 'sonnet'],
      },
      history: [
        record('haiku', 20, 2, 0.05),
        record('deepseek', 20, 18, 0.1),
        record('minimax', 20, 19, 0.2),
        record('sonnet', 20, 2, 1),
      ],
    });
    const candidates = ['deepseek', 'haiku'].map((id) => model(view, id));
    const alone = candidates.map((m) => routeEstimates([m], coding, view)[0]);
    expect(routeEstimates(candidates, coding, view)).toEqual(alone);
    expect(alone.map((e) => e?.path)).toEqual([
      ['deepseek', 'minimax', 'sonnet'],
      ['haiku', 'minimax', 'deepseek'],
    ]);
  });

  it('prices the failures a wrong approval ships as tasks still to finish', () => {
    const view = catalogView({ costOptimization: costOptions({ reviewerErrorRate: 0.1 }) });
    const [estimate] = routeEstimates([model(view, 'deepseek')], coding, view);
    const exact = catalogView();
    const [trusted] = routeEstimates([model(exact, 'deepseek')], coding, exact);
    expect(estimate?.expectedCostUsd).toBeCloseTo(trusted?.expectedCostUsd ?? 0, 9);
    expect(estimate?.costToApprovalUsd).toBeGreaterThan(
      (estimate?.expectedCostUsd ?? 0) +
        (1 - (estimate?.approvedChance ?? 0)) * finishCost(coding, view),
    );
  });

  it('starts stronger when the cheap model is seldom right and the reviewer lets failures through', () => {
    // deepseek approved 30 times in 100 at $0.005 a try; minimax 90 in 100 at $0.08.
    const history = [record('deepseek', 100, 30, 0.5), record('minimax', 100, 90, 8)];
    const pick = (reviewerErrorRate: number) => {
      const view = catalogView({ history, costOptimization: costOptions({ reviewerErrorRate }) });
      const candidates = [model(view, 'deepseek'), model(view, 'minimax')];
      return learnedChoice({ taskId: 't1', candidates, classification: coding, view })?.model.id;
    };
    expect(pick(0)).toBe('deepseek');
    expect(pick(0.1)).toBe('minimax');
  });
});

describe('learned routing: the price of a failure (failure_weight, quality_spend_share)', () => {
  // deepseek approved 60 times in 100 at $0.005 a try; minimax 90 in 100 at $0.08.
  const history = [record('deepseek', 100, 60, 0.5), record('minimax', 100, 90, 8)];
  const viewWith = (patch: Partial<RoutingView['costOptimization']>) =>
    catalogView({ history, costOptimization: costOptions({ reviewerErrorRate: 0.1, ...patch }) });
  const pick = (patch: Partial<RoutingView['costOptimization']>) => {
    const view = viewWith(patch);
    const candidates = [model(view, 'deepseek'), model(view, 'minimax')];
    return learnedChoice({ taskId: 't1', candidates, classification: coding, view })?.model.id;
  };

  it('prices a task left unsolved (blocked or shipped wrong) at the weight times finishing it', () => {
    const view = viewWith({ failureWeight: 30 });
    expect(failurePrice(coding, view)).toBeCloseTo(30 * finishCost(coding, view), 9);
    // One attempt, so that the weight cannot also change the escalation chain.
    const one = { tried: [], attemptsLeft: 1 };
    const [estimate] = routeEstimates([model(view, 'deepseek')], coding, view, one);
    const [plain] = routeEstimates([model(view, 'deepseek')], coding, viewWith({}), one);
    const unsolvedAtOne = (plain?.costToApprovalUsd ?? 0) - (plain?.expectedCostUsd ?? 0);
    expect(unsolvedAtOne).toBeGreaterThan(0);
    expect((estimate?.costToApprovalUsd ?? 0) - (estimate?.expectedCostUsd ?? 0)).toBeCloseTo(
      30 * unsolvedAtOne,
      9,
    );
  });

  it('buys a likelier-right first try when failures weigh more', () => {
    expect(pick({})).toBe('deepseek');
    expect(pick({ failureWeight: 30 })).toBe('minimax');
  });

  it("stops buying once the type's spend per task reaches its share of a try on the strongest", () => {
    // $8.50 over 200 tasks: $0.0425 a task, above 1% of a try on opus, below all of one.
    const view = viewWith({ failureWeight: 30, qualitySpendShare: 0.01 });
    expect(failurePrice(coding, view)).toBeCloseTo(finishCost(coding, view), 9);
    expect(pick({ failureWeight: 30, qualitySpendShare: 0.01 })).toBe('deepseek');
    expect(pick({ failureWeight: 30, qualitySpendShare: 1 })).toBe('minimax');
  });
});

describe('learned routing: choice', () => {
  it('picks the model with the lowest expected cost per approved result, and says why with the figures', () => {
    // minimax has been approved far more often: worth its higher price.
    const view = catalogView({
      history: [record('deepseek', 50, 5, 0.5), record('minimax', 50, 48, 1)],
    });
    const choice = learnedChoice({
      taskId: 't1',
      candidates: [model(view, 'deepseek'), model(view, 'minimax')],
      classification: coding,
      view,
    });
    expect(choice?.model.id).toBe('minimax');
    expect(choice?.reason).toMatch(
      /^learned: minimax has the lowest expected cost to an approved result/,
    );
    expect(choice?.reason).toMatch(/deepseek \$[\d.]+ to approval \(p=0\.\d\d/);
    expect(choice?.estimates.map((e) => e.model)).toEqual(['deepseek', 'minimax']);
    // When both are approved as often, the cheaper one wins.
    const even = catalogView({
      history: [record('deepseek', 50, 45, 0.5), record('minimax', 50, 45, 5)],
    });
    expect(
      learnedChoice({
        taskId: 't1',
        candidates: [model(even, 'deepseek'), model(even, 'minimax')],
        classification: coding,
        view: even,
      })?.model.id,
    ).toBe('deepseek');
  });

  it('explores only its share of non-critical tasks, taking uncertain chances optimistically', () => {
    // minimax was unlucky on its first three tries; deepseek is well known and mediocre.
    const view = catalogView({
      costOptimization: costOptions({ explorationShare: 0.1 }),
      history: [record('deepseek', 500, 100, 5), record('minimax', 3, 0, 0.03)],
    });
    const pick = (taskId: string, classification: Classification) =>
      learnedChoice({
        taskId,
        candidates: [model(view, 'deepseek'), model(view, 'minimax')],
        classification,
        view,
      });
    let explored = 0;
    for (let i = 0; i < 2_000; i++) {
      const choice = pick(`task-${i}`, coding);
      if (choice?.model.id === 'minimax') {
        explored++;
        expect(choice.reason).toMatch(
          /^learned, exploring \(10% of non-critical tasks, chances taken 2 standard deviations high\): minimax/,
        );
      }
      // Complex work and deployments never explore.
      expect(pick(`task-${i}`, { ...coding, complexity: 'complex' })?.model.id).toBe('deepseek');
      expect(pick(`task-${i}`, { ...coding, type: 'deployment' })?.model.id).toBe('deepseek');
    }
    expect(explored).toBeGreaterThan(140);
    expect(explored).toBeLessThan(260);
    // An optimistic chance is higher the less is known.
    const few = approvalChance(model(view, 'minimax'), coding, view.history, { optimism: 2 });
    expect(few).toBeGreaterThan(
      approvalChance(model(view, 'minimax'), coding, view.history) + 0.15,
    );
  });

  it('keeps the reason and the estimates on the route of a cost-aware task', () => {
    const view = catalogView({
      history: [record('deepseek', 50, 5, 0.5), record('minimax', 50, 48, 1)],
    });
    const route = routeTask({ taskId: 't1', input: {}, classification: coding, view });
    expect(route.model?.id).toBe('minimax');
    expect(route.reason).toMatch(
      /moved from sonnet to a tool-capable external model, minimax \(learned:/,
    );
    expect(route.estimates?.find((e) => e.model === 'minimax')?.approval).toBeGreaterThan(0.9);
    // Rotation has no estimates to keep.
    const rotation = routeTask({
      taskId: 't1',
      input: {},
      classification: coding,
      view: { ...view, costOptimization: costOptions({ routing: 'rotation' }) },
    });
    expect(rotation.estimates).toBeUndefined();
    expect(rotation.reason).toMatch(/rotation favours models with little history/);
  });

  it('weighs keeping an external pick against moving it', () => {
    const view = catalogView({
      history: [record('deepseek', 50, 2, 0.5), record('minimax', 50, 48, 1)],
    });
    const route = routeTask({
      taskId: 't1',
      input: {},
      classification: { ...coding, model: 'deepseek' },
      view,
    });
    expect(route.model?.id).toBe('minimax');
    expect(route.reason).toMatch(/moved from deepseek to minimax \(learned:/);
    const stays = routeTask({
      taskId: 't1',
      input: {},
      classification: { ...coding, model: 'minimax' },
      view,
    });
    expect(stays.model?.id).toBe('minimax');
    expect(stays.reason).toMatch(/^minimax, as the CTO recommends \(learned:/);
  });
});
