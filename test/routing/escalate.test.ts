import { describe, expect, it } from 'vitest';
import type { Classification, ModelRef } from '../../machines/task-types.js';
import { escalate, escalationLadder } from '../../src/routing/escalate.js';
import { approvalChance, explores } from '../../src/routing/learned-choice.js';
import type { RoutingView } from '../../src/routing/routing-view.js';
import { emptyPerformance } from '../../src/store/performance-row.js';
import { costOptions, catalogView as learnedView, withModels } from './view.js';

/** The ladders as the original climbs them: in order (rotation rather than learned routing). */
const catalogView = (patch: Partial<RoutingView> = {}) =>
  learnedView({ costOptimization: costOptions({ routing: 'rotation' }), ...patch });

const coding: Classification = {
  type: 'coding',
  complexity: 'moderate',
  model: 'haiku',
  reason: 'r',
  source: 'cto',
};
const research: Classification = { ...coding, type: 'research' };
const ref = (id: string, tier: number, kind: ModelRef['kind'] = 'claude-code'): ModelRef => ({
  id,
  kind,
  tier,
});

describe('escalation', () => {
  it.each([
    ['haiku', ['sonnet', 'opus']],
    ['sonnet', ['opus']],
    ['opus', []],
    ['deepseek', ['sonnet', 'opus']],
    ['kimi', ['sonnet', 'opus']],
  ])('follows the default ladder from %s', (id, ladder) => {
    expect(escalationLadder(id, catalogView())).toEqual(ladder);
  });

  it('climbs haiku → sonnet → opus', () => {
    expect(
      escalate({
        classification: coding,
        from: ref('haiku', 2),
        failure: 'rejected',
        view: catalogView(),
      }).model?.id,
    ).toBe('sonnet');
    expect(
      escalate({
        classification: coding,
        from: ref('sonnet', 3),
        failure: 'failed',
        view: catalogView(),
      }).model?.id,
    ).toBe('opus');
  });

  it('takes an external model to sonnet', () => {
    const next = escalate({
      classification: coding,
      from: ref('deepseek', 2, 'openai-tools'),
      failure: 'rejected',
      view: catalogView(),
    });
    expect(next).toEqual({
      model: ref('sonnet', 3),
      reason: 'deepseek rejected; next on its ladder (sonnet → opus): sonnet',
    });
  });

  it('uses fallback_chain over the default ladder', () => {
    const view = catalogView({ fallbackChain: { deepseek: ['minimax', 'opus'] } });
    expect(
      escalate({
        classification: coding,
        from: ref('deepseek', 2, 'openai-tools'),
        failure: 'failed',
        view,
      }).model?.id,
    ).toBe('minimax');
  });

  it('skips disabled, cooling and weaker models, and says which', () => {
    const view = withModels(catalogView({ fallbackChain: { sonnet: ['haiku', 'kimi', 'opus'] } }), {
      opus: { unavailable: 'cooling down' },
    });
    expect(
      escalate({ classification: coding, from: ref('sonnet', 3), failure: 'failed', view }),
    ).toEqual({
      model: null,
      reason:
        'no model to escalate to after sonnet failed (haiku: weaker; kimi: weaker; opus: cooling down)',
    });
  });

  it('never escalates tool work to a text-only model', () => {
    const view = catalogView({ fallbackChain: { haiku: ['gemini', 'sonnet'] } });
    const chosen = withModels(view, { gemini: { enabled: true } });
    expect(
      escalate({ classification: coding, from: ref('haiku', 2), failure: 'rejected', view: chosen })
        .model?.id,
    ).toBe('sonnet');
    expect(
      escalate({
        classification: research,
        from: ref('haiku', 2),
        failure: 'rejected',
        view: chosen,
      }).model?.id,
    ).toBe('gemini');
  });

  it('tries the strongest model again with the feedback when the ladder is done, but not after a failure', () => {
    expect(
      escalate({
        classification: coding,
        from: ref('opus', 4),
        failure: 'rejected',
        view: catalogView(),
      }),
    ).toEqual({
      model: ref('opus', 4),
      reason:
        "opus rejected and no stronger model is available; trying opus again with the reviewer's feedback",
    });
    expect(
      escalate({
        classification: coding,
        from: ref('opus', 4),
        failure: 'failed',
        view: catalogView(),
      }).model,
    ).toBeNull();
  });

  it('skips models the task already ran on, so that ladders that meet never loop', () => {
    // deepseek and minimax escalate to each other before Claude.
    const view = catalogView({
      fallbackChain: { deepseek: ['minimax', 'opus'], minimax: ['deepseek', 'opus'] },
    });
    const next = escalate({
      classification: coding,
      from: ref('minimax', 2),
      failure: 'rejected',
      view,
      tried: ['deepseek', 'minimax'],
    });
    expect(next.model?.id).toBe('opus');
    expect(next.reason).toBe(
      'minimax rejected; next on its ladder (deepseek → opus): opus (skipped deepseek: already tried)',
    );
  });

  it('under learned routing, picks from the ladder by expected cost to an approved result after a failure', () => {
    const afterFailures = (
      model: string,
      laterAttempts: number,
      laterApprovals: number,
      costUsd: number,
    ) => ({
      ...emptyPerformance(model, 'coding'),
      attempts: laterAttempts,
      approvals: laterApprovals,
      laterAttempts,
      laterApprovals,
      costUsd: costUsd * laterAttempts,
    });
    // After a failure minimax is approved as often as opus, for a tenth of the price.
    const view = learnedView({
      fallbackChain: { deepseek: ['opus', 'minimax'], minimax: [], opus: [] },
      history: [afterFailures('opus', 40, 30, 1), afterFailures('minimax', 40, 30, 0.1)],
    });
    const next = escalate({
      classification: coding,
      from: ref('deepseek', 2, 'openai-tools'),
      failure: 'rejected',
      view,
      tried: ['deepseek'],
    });
    expect(next.model?.id).toBe('minimax');
    expect(next.reason).toMatch(
      /^deepseek rejected; from its ladder \(opus → minimax\): minimax \(learned, after a failure: minimax \$[\d.]+ to approval \(p=0\.7\d/,
    );
    expect(next.estimates?.map((e) => e.model)).toEqual(['opus', 'minimax']);
    // When opus does much better after failures, it is worth its price.
    const better = learnedView({
      fallbackChain: { deepseek: ['opus', 'minimax'], minimax: [], opus: [] },
      history: [afterFailures('opus', 40, 39, 1), afterFailures('minimax', 40, 1, 0.1)],
    });
    expect(
      escalate({
        classification: coding,
        from: ref('deepseek', 2, 'openai-tools'),
        failure: 'rejected',
        view: better,
        tried: ['deepseek'],
      }).model?.id,
    ).toBe('opus');
  });

  it('estimates a model after a failure from its later attempts, starting from all of them', () => {
    const row = {
      ...emptyPerformance('minimax', 'coding'),
      attempts: 100,
      approvals: 50,
      laterAttempts: 50,
      laterApprovals: 10,
    };
    const minimax = learnedView().models.find((m) => m.id === 'minimax');
    if (!minimax) throw new Error('minimax');
    const first = approvalChance(minimax, coding, [row]);
    const later = approvalChance(minimax, coding, [row], { afterFailure: true });
    // 40 of 50 first attempts approved; 10 of 50 after a failure.
    expect(first).toBeGreaterThan(0.75);
    expect(later).toBeLessThan(0.25);
  });

  it('explores after a failure too, on the tasks that explore', () => {
    const view = learnedView({
      costOptimization: costOptions({ explorationShare: 0.5 }),
      fallbackChain: { deepseek: ['minimax', 'opus'] },
    });
    const ids = Array.from({ length: 40 }, (_, i) => `task-${i}`);
    const exploring = ids.find((id) => explores(id, coding, view));
    const plain = ids.find((id) => !explores(id, coding, view));
    const reason = (taskId: string | undefined) =>
      escalate({
        classification: coding,
        from: ref('deepseek', 2, 'openai-tools'),
        failure: 'rejected',
        view,
        tried: ['deepseek'],
        ...(taskId ? { taskId } : {}),
      }).reason;
    expect(reason(exploring)).toContain('(learned, exploring after a failure: ');
    expect(reason(plain)).toContain('(learned, after a failure: ');
  });
});
