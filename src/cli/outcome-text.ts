import type { TaskOutcome } from '../runtime/task-outcome.js';

/**
 * The exit code of a finished task: 0 done, 2 blocked, 1 cancelled.
 *
 * @example
 * outcomeExitCode(outcome); // 2 when blocked
 */
export function outcomeExitCode(outcome: TaskOutcome): number {
  return outcome.status === 'done' ? 0 : outcome.status === 'blocked' ? 2 : 1;
}

function cost(outcome: TaskOutcome): string {
  return `$${outcome.usage.costUsd.toFixed(4)}`;
}

/**
 * One line per finished task, for `serve` and `resume`.
 *
 * @example
 * outcomeLine(outcome); // 'done     V1StGXR8_Z5j  deepseek  quality 8  $0.0012  approved'
 */
export function outcomeLine(outcome: TaskOutcome): string {
  const quality = outcome.quality === null ? 'quality -' : `quality ${outcome.quality}`;
  return [
    outcome.status.padEnd(9),
    outcome.id,
    (outcome.model ?? '-').padEnd(9),
    quality,
    cost(outcome),
    outcome.reason,
  ].join('  ');
}

/**
 * The outcome as people read it after `cto run`: status, model, quality, cost, reason, then
 * the output.
 *
 * @example
 * io.stdout(outcomeText(outcome));
 */
export function outcomeText(outcome: TaskOutcome): string {
  const tokens = `${(outcome.usage.inputTokens + outcome.usage.outputTokens).toLocaleString('en-US')} tokens`;
  const quality = outcome.quality === null ? '' : `, quality ${outcome.quality}/10`;
  return [
    `${outcome.status}: task ${outcome.id} on ${outcome.model ?? 'no model'} after ${outcome.attempts} attempt(s)${quality}, ${tokens}, ${cost(outcome)}`,
    `reason: ${outcome.reason}`,
    ...(outcome.output ? ['', outcome.output] : []),
    '',
  ].join('\n');
}
