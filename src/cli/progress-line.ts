import type { TaskContext } from '../../machines/task-context.js';
import { totalUsage } from '../runtime/task-outcome.js';

/**
 * One line about where a task is: its phase, the model at work, tokens and dollars so far,
 * and the time since it started.
 *
 * @example
 * progressLine('executing', context, 12_400);
 * // 'executing  deepseek  attempt 1  1,204 tokens  $0.0021  12.4 s'
 */
export function progressLine(phase: string, context: TaskContext, elapsedMs: number): string {
  const usage = totalUsage(context);
  const attempt = context.attempts.at(-1);
  const model =
    context.pending?.model?.id ?? attempt?.model.id ?? (phase === 'classifying' ? 'cto' : '-');
  return [
    phase.padEnd(11),
    model.padEnd(9),
    attempt ? `attempt ${attempt.n}` : 'attempt -',
    `${(usage.inputTokens + usage.outputTokens).toLocaleString('en-US')} tokens`,
    `$${usage.costUsd.toFixed(4)}`,
    `${(elapsedMs / 1000).toFixed(1)} s`,
  ].join('  ');
}
