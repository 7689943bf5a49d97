import type { Classification, Complexity, TaskInput, TaskType } from '../../machines/task-types.js';

const typeWords: readonly [TaskType, RegExp][] = [
  ['email', /\b(e-?mail|inbox|reply to|newsletter)\b/i],
  ['deployment', /\b(deploy\w*|release|rollout|kubernetes|k8s|helm|terraform)\b/i],
  ['research', /\b(research|investigate|compare|survey|find out|look up|what are the)\b/i],
  ['analysis', /\b(analy[sz]e|analysis|explain|summari[sz]e|review the|assess)\b/i],
  ['bash_command', /^\s*(run|list|show|check|ls|grep|find|df|du|ps|cat|git (status|log))\b/i],
];
const complexWords =
  /\b(architect\w*|security|design|migrat\w*|refactor the whole|distributed|concurren\w*)\b/i;

const recommended: Record<TaskType, Record<Complexity, string>> = {
  bash_command: { simple: 'haiku', moderate: 'haiku', complex: 'sonnet' },
  coding: { simple: 'haiku', moderate: 'sonnet', complex: 'opus' },
  research: { simple: 'kimi', moderate: 'kimi', complex: 'opus' },
  analysis: { simple: 'glm', moderate: 'glm', complex: 'opus' },
  email: { simple: 'sonnet', moderate: 'sonnet', complex: 'sonnet' },
  deployment: { simple: 'sonnet', moderate: 'sonnet', complex: 'opus' },
};

/**
 * A classification from the task's words alone, used when the CTO's answer is missing or
 * unusable: keywords decide the type, length and a few words the complexity.
 *
 * @example
 * heuristicClassification({ description: 'Research vector databases' }, 'the CTO timed out');
 * // { type: 'research', complexity: 'simple', model: 'kimi', source: 'heuristic', … }
 */
export function heuristicClassification(
  input: Pick<TaskInput, 'description' | 'type'>,
  why: string,
): Classification {
  const text = input.description;
  const type = input.type ?? typeWords.find(([, words]) => words.test(text))?.[0] ?? 'coding';
  const complexity: Complexity =
    complexWords.test(text) || text.length > 2_000
      ? 'complex'
      : text.length > 300
        ? 'moderate'
        : 'simple';
  return {
    type,
    complexity,
    model: recommended[type][complexity],
    reason: `heuristic (${why})`,
    source: 'heuristic',
  };
}
