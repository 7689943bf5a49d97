import { describe, expect, it } from 'vitest';
import { modelCatalog } from '../../agents/model-catalog.js';
import type { Classification, Complexity, TaskType } from '../../machines/task-types.js';
import { routeTask } from '../../src/routing/route-task.js';
import type { RoutingView } from '../../src/routing/routing-view.js';
import { emptyPerformance } from '../../src/store/performance-row.js';
import { catalogView, costOptions, withGroupBudgets, withModels } from './view.js';

const tools = ['deepseek', 'minimax'];
const researchOnly = ['kimi', 'glm'];

function route(
  type: TaskType,
  complexity: Complexity,
  model: string,
  view: RoutingView = catalogView(),
  taskId = 't1',
) {
  const classification: Classification = { type, complexity, model, reason: 'r', source: 'cto' };
  return routeTask({ taskId, input: {}, classification, view });
}

// SPEC §3, rule by rule: [what, type, complexity, CTO's pick, view, models allowed, reason contains]
const rules: [string, TaskType, Complexity, string, RoutingView, string[], string][] = [
  [
    'simple coding on Claude moves to a tool-capable external model',
    'coding',
    'simple',
    'sonnet',
    catalogView(),
    tools,
    'cost-aware: simple coding moved from sonnet',
  ],
  [
    'moderate bash work on haiku moves too',
    'bash_command',
    'moderate',
    'haiku',
    catalogView(),
    tools,
    'moved from haiku',
  ],
  [
    'complex coding on opus is never overridden',
    'coding',
    'complex',
    'opus',
    catalogView(),
    ['opus'],
    'complex tasks on opus are never overridden',
  ],
  [
    'complex coding on sonnet stays on Claude',
    'coding',
    'complex',
    'sonnet',
    catalogView(),
    ['sonnet'],
    'as the CTO recommends',
  ],
  [
    'email is never overridden',
    'email',
    'simple',
    'sonnet',
    catalogView(),
    ['sonnet'],
    'email tasks are never overridden',
  ],
  [
    'research goes to a research-only model',
    'research',
    'moderate',
    'sonnet',
    catalogView(),
    researchOnly,
    'research moved from sonnet to the research-only',
  ],
  [
    'analysis goes to a research-only model',
    'analysis',
    'moderate',
    'opus',
    catalogView(),
    researchOnly,
    'analysis moved from opus',
  ],
  [
    'the quality strategy never overrides',
    'coding',
    'simple',
    'sonnet',
    catalogView({ strategy: 'quality' }),
    ['sonnet'],
    'quality strategy: no override',
  ],
  [
    'cost optimization off never overrides',
    'coding',
    'simple',
    'sonnet',
    catalogView({
      costOptimization: costOptions({
        enabled: false,
        preferExternalForRoutine: true,
        preserveClaudeTokens: true,
      }),
    }),
    ['sonnet'],
    'cost optimization off',
  ],
  [
    'balanced moves research',
    'research',
    'simple',
    'opus',
    catalogView({ strategy: 'balanced' }),
    researchOnly,
    'balanced: research moved',
  ],
  [
    'balanced leaves coding where the CTO put it',
    'coding',
    'simple',
    'sonnet',
    catalogView({ strategy: 'balanced' }),
    ['sonnet'],
    'balanced: only research and analysis move',
  ],
  [
    'prefer_external_for_routine off keeps routine coding on Claude',
    'coding',
    'simple',
    'haiku',
    catalogView({
      costOptimization: costOptions({
        enabled: true,
        preferExternalForRoutine: false,
        preserveClaudeTokens: true,
      }),
    }),
    ['haiku'],
    'as the CTO recommends',
  ],
  [
    'Claude budget pressure moves complex work too',
    'coding',
    'complex',
    'sonnet',
    catalogView({
      budgets: { claude: { limit: 100, used: 90 }, external: { limit: 1000, used: 0 } },
    }),
    tools,
    'the claude budget is 90% used',
  ],
  [
    'no pressure move without preserve_claude_tokens',
    'coding',
    'complex',
    'sonnet',
    catalogView({
      costOptimization: costOptions({
        enabled: true,
        preferExternalForRoutine: true,
        preserveClaudeTokens: false,
      }),
      budgets: { claude: { limit: 100, used: 90 }, external: { limit: 1000, used: 0 } },
    }),
    ['sonnet'],
    'as the CTO recommends',
  ],
  [
    'a text-only pick for tool work is replaced by a capable model',
    'coding',
    'simple',
    'kimi',
    withModels(catalogView({ strategy: 'quality' }), {}),
    ['haiku'],
    'kimi is text-only and coding needs tools',
  ],
  [
    'a disabled pick is replaced by the cheapest capable model of its strength',
    'coding',
    'moderate',
    'gemini',
    catalogView({ strategy: 'quality' }),
    ['haiku'],
    'gemini is disabled',
  ],
  [
    'an unknown pick is replaced',
    'coding',
    'simple',
    'gpt-9',
    catalogView({ strategy: 'quality' }),
    ['haiku'],
    'gpt-9 is not a configured model',
  ],
  [
    'a model cooling down is avoided',
    'coding',
    'simple',
    'sonnet',
    withModels(catalogView(), { deepseek: { unavailable: 'cooling down' } }),
    ['minimax'],
    'moved from sonnet',
  ],
  [
    'an external group over budget keeps work on Claude',
    'coding',
    'simple',
    'sonnet',
    withGroupBudgets(catalogView(), {
      claude: { limit: 100_000, used: 0 },
      external: { limit: 100, used: 100 },
    }),
    ['sonnet'],
    'as the CTO recommends',
  ],
  [
    'text work may go to a text-only model when it is cheaper',
    'research',
    'simple',
    'deepseek',
    catalogView(),
    ['deepseek'],
    'as the CTO recommends',
  ],
];

describe('routing: the cost-aware override of SPEC §3', () => {
  it.each(rules)('%s', (_what, type, complexity, pick, view, allowed, reason) => {
    const decision = route(type, complexity, pick, view);
    expect(allowed).toContain(decision.model?.id);
    expect(decision.reason).toContain(reason);
  });

  it('never gives a task that needs tools to a text-only model', () => {
    for (const type of ['coding', 'bash_command', 'deployment'] as const) {
      for (const { id: pick } of modelCatalog) {
        for (const complexity of ['simple', 'moderate', 'complex'] as const) {
          expect(route(type, complexity, pick).model?.kind).not.toBe('text-only');
        }
      }
    }
  });

  it('says so, with no model, when nothing can do the work', () => {
    const view = withModels(catalogView(), {
      haiku: { enabled: false },
      sonnet: { enabled: false },
      opus: { enabled: false },
      deepseek: { enabled: false },
      minimax: { enabled: false },
    });
    expect(route('coding', 'simple', 'sonnet', view)).toEqual({
      model: null,
      reason: 'sonnet is disabled, and no available model can run coding work',
    });
  });

  it('keeps a model the user asked for, or refuses one that cannot do the work', () => {
    const classification: Classification = {
      type: 'coding',
      complexity: 'simple',
      model: 'sonnet',
      reason: 'r',
      source: 'cto',
    };
    expect(
      routeTask({ taskId: 't', input: { model: 'opus' }, classification, view: catalogView() }),
    ).toEqual({
      model: { id: 'opus', kind: 'claude-code', tier: 4 },
      reason: 'opus, as requested (no cost override)',
    });
    expect(
      routeTask({ taskId: 't', input: { model: 'glm' }, classification, view: catalogView() }),
    ).toEqual({
      model: null,
      reason: 'the requested model cannot run this task: glm is text-only and coding needs tools',
    });
  });

  it('decides the same way for the same task every time (a resumed task routes as before)', () => {
    const first = route('coding', 'simple', 'sonnet', catalogView(), 'task-42');
    for (let i = 0; i < 5; i++)
      expect(route('coding', 'simple', 'sonnet', catalogView(), 'task-42')).toEqual(first);
  });

  it('under rotation, spreads routine work over the eligible models, favouring little history', () => {
    const rotation = costOptions({ routing: 'rotation' });
    const chosen = (history: RoutingView['history']) => {
      const counts: Record<string, number> = {};
      for (let i = 0; i < 2_000; i++) {
        const view = catalogView({ history, costOptimization: rotation });
        const id = route('coding', 'simple', 'sonnet', view, `task-${i}`).model?.id ?? '';
        counts[id] = (counts[id] ?? 0) + 1;
      }
      return counts;
    };
    const even = chosen([]);
    expect(Object.keys(even).sort()).toEqual(['deepseek', 'minimax']);
    expect(Math.abs((even.deepseek ?? 0) - (even.minimax ?? 0))).toBeLessThan(200);
    const skewed = chosen([
      { ...emptyPerformance('deepseek', 'coding'), attempts: 99, approvals: 90 },
    ]);
    expect(skewed.minimax ?? 0).toBeGreaterThan(1_800);
  });
});
