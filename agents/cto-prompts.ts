import type { Classification, TaskInput } from '../machines/task-types.js';
import { taskTypeSchema } from '../machines/task-types.js';
import type { RoutingModel } from '../src/routing/routing-view.js';

/** What the CTO is told it is, for classification and review alike. */
export const ctoSystemPrompt =
  'You are the CTO of a team of AI models. You route each task to the cheapest model that can ' +
  'do it well, and you review the work before it ships. You answer with one JSON object and nothing else.';

function price(model: RoutingModel): string {
  return model.inputPrice === null || model.outputPrice === null
    ? 'price unknown'
    : `$${model.inputPrice}/$${model.outputPrice} per million tokens in/out`;
}

/**
 * The classification request: the task, and the models the CTO may recommend with what they
 * can do and cost.
 *
 * @example
 * classifyPrompt({ description: 'Fix the date parser' }, view.models);
 */
export function classifyPrompt(task: TaskInput, models: readonly RoutingModel[]): string {
  const lines = models
    .filter((m) => m.enabled && m.unavailable === null)
    .map(
      (m) =>
        `- ${m.id}: ${m.kind === 'text-only' ? 'text only, no tools' : m.kind === 'claude-code' ? 'Claude Code, full tools' : 'tool calling (files, commands)'}; tier ${m.tier}; ${price(m)}`,
    );
  return [
    'Classify this task.',
    '',
    '<task>',
    task.description,
    '</task>',
    '',
    'Models you may recommend:',
    ...lines,
    '',
    'Answer with JSON:',
    `{"complexity": "simple" | "moderate" | "complex", "type": ${taskTypeSchema.options.map((t) => `"${t}"`).join(' | ')}, "model": "<one id above>", "reason": "<one sentence>"}`,
    'Tasks that change files or run commands need a model with tools.',
  ].join('\n');
}

/**
 * The review request: the task, who did it, and its output. The CTO approves or rejects with
 * a quality score and feedback the next model can act on.
 *
 * @example
 * reviewPrompt(task, classification, 'deepseek', output);
 */
export function reviewPrompt(
  task: TaskInput,
  classification: Classification,
  worker: string,
  output: string,
): string {
  return [
    `Review the work ${worker} did on this ${classification.complexity} ${classification.type} task.`,
    '',
    '<task>',
    task.description,
    '</task>',
    '',
    '<output>',
    output,
    '</output>',
    '',
    'Approve only if the output fully and correctly does the task. Answer with JSON:',
    '{"verdict": "approve" | "reject", "quality": <1-10>, "feedback": "<what is wrong or missing, so the next attempt can fix it>"}',
  ].join('\n');
}

/**
 * The one follow-up sent when an answer could not be read.
 *
 * @example
 * repairPrompt('quality: expected a number');
 */
export function repairPrompt(problem: string): string {
  return `Your answer could not be read (${problem}). Reply again with only the JSON object, exactly in the format asked.`;
}
