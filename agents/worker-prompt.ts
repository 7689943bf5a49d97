import type { ExecuteCall } from '../src/runtime/model-ports.js';

/** The instructions a worker model gets, whatever its transport. */
export const workerSystemPrompt =
  'You are a careful software engineer. Do the task completely; when you have tools, use them ' +
  'to inspect and change files and to run commands, and check your work. End with a short ' +
  'summary of what you did and its result.';

/**
 * The task as a worker model reads it. After an escalation it carries the previous attempt's
 * output and the reviewer's feedback, so the stronger model builds on them instead of
 * starting over.
 *
 * @example
 * workerPrompt({ task: { description: 'Add a --json flag' }, classification, previous: null, … });
 */
export function workerPrompt(
  call: Pick<ExecuteCall, 'task' | 'classification' | 'previous'>,
): string {
  const lines = [
    `Task (${call.classification.complexity} ${call.classification.type}):`,
    call.task.description,
  ];
  const previous = call.previous;
  if (previous) {
    lines.push('', `An earlier attempt by ${previous.model} was not accepted.`);
    if (previous.output !== null)
      lines.push('Its output:', '<previous_output>', previous.output, '</previous_output>');
    if (previous.feedback) lines.push(`The reviewer's feedback: ${previous.feedback}`);
    if (previous.error) lines.push(`It failed with: ${previous.error}`);
    lines.push('Build on what is usable in it and fix what the feedback points out.');
  }
  return lines.join('\n');
}
