import type { TaskContext } from '../../../machines/task-context.js';

/** The longest excerpt of a task's output an end comment quotes. */
const summaryChars = 600;

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

function paragraphs(lines: readonly string[]): string {
  return lines.map((line) => `<p>${line}</p>`).join('');
}

/**
 * What the orchestrator writes on an item when work starts: the task, how the CTO read it, and
 * the model chosen with the reason.
 *
 * @example
 * startComment(taskId, context); // '<p>🤖 <strong>Work started</strong> as task <code>abc</code> …'
 */
export function startComment(taskId: string, context: TaskContext): string {
  const c = context.classification;
  const model = context.route?.model?.id ?? context.pending?.model?.id ?? 'a model';
  return paragraphs([
    `🤖 <strong>Work started</strong> as task <code>${escapeHtml(taskId)}</code>${c ? `: a ${escapeHtml(c.complexity)} ${escapeHtml(c.type.replace('_', ' '))} task` : ''}.`,
    `Model: <strong>${escapeHtml(model)}</strong>: ${escapeHtml(context.route?.reason ?? 'chosen by the routing policy')}`,
    `Follow it with <code>cto status ${escapeHtml(taskId)}</code>.`,
  ]);
}

/**
 * What the orchestrator writes on an item when its task ends: done, blocked or stopped, the
 * model, attempts, tokens and dollars, the reviewer's verdict and a short excerpt of the
 * output, with the task id.
 *
 * @example
 * endComment(taskId, context, output); // '<p>✅ <strong>Done</strong> on deepseek after 1 attempt …'
 */
export function endComment(taskId: string, context: TaskContext, output: string | null): string {
  const outcome = context.outcome ?? { status: 'cancelled', reason: 'stopped' };
  const last = context.attempts.at(-1);
  const usages = [
    context.classifyUsage,
    ...context.attempts.flatMap((a) => [a.usage, a.review?.usage]),
  ].filter((u) => u != null);
  const tokens = usages.reduce((sum, u) => sum + u.inputTokens + u.outputTokens, 0);
  const usd = usages.reduce((sum, u) => sum + u.costUsd, 0);
  const heading = {
    done: '✅ <strong>Done</strong>',
    blocked: '⛔ <strong>Blocked</strong>',
    cancelled: '⏹️ <strong>Stopped</strong>',
  }[outcome.status];
  const attempts = context.attempts.length;
  const lines = [
    `${heading}${last ? ` on ${escapeHtml(last.model.id)}` : ''} after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${tokens.toLocaleString('en-US')} tokens, $${usd.toFixed(4)}.`,
  ];
  if (outcome.status !== 'done') lines.push(`Why: ${escapeHtml(outcome.reason)}`);
  const review = last?.review;
  if (review)
    lines.push(
      `Reviewer: ${review.verdict} (quality ${review.quality}/10): ${escapeHtml(review.feedback)}`,
    );
  const excerpt = (output ?? last?.summary ?? '').trim();
  if (excerpt) {
    const cut = excerpt.length > summaryChars ? `${excerpt.slice(0, summaryChars)}…` : excerpt;
    lines.push(`Output: ${escapeHtml(cut).replace(/\n/g, '<br>')}`);
  }
  lines.push(
    `Task <code>${escapeHtml(taskId)}</code>: <code>cto status ${escapeHtml(taskId)}</code>`,
  );
  return paragraphs(lines);
}
