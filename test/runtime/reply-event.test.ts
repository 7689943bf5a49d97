import { describe, expect, it } from 'vitest';
import type { TaskContext } from '../../machines/task-context.js';
import type { PendingRequest } from '../../machines/task-events.js';
import { replyEvent } from '../../src/runtime/reply-event.js';
import { catalogView } from '../routing/view.js';

const usage = { inputTokens: 100, outputTokens: 50, costUsd: 0.001, latencyMs: 5 };
const deepseek = { id: 'deepseek', kind: 'openai-tools' as const, tier: 2 };

const context: TaskContext = {
  taskId: 't1',
  input: { description: 'Add a --json flag' },
  maxAttempts: 3,
  classification: {
    complexity: 'simple',
    type: 'coding',
    model: 'sonnet',
    reason: 'r',
    source: 'cto',
  },
  route: { model: deepseek, reason: 'cheapest' },
  escalation: null,
  attempts: [
    {
      n: 1,
      model: deepseek,
      reason: 'cheapest',
      outputRef: 'ref',
      summary: 'done',
      usage,
      review: null,
      error: null,
    },
  ],
  pending: null,
  outcome: null,
  decisions: [],
};

function request(kind: PendingRequest['kind']): PendingRequest {
  return {
    kind,
    requestId: `t1:${kind}:1`,
    attempt: 1,
    model: kind === 'classify' ? null : deepseek,
  };
}

describe('replyEvent', () => {
  it('asks for the routing view only when the reply decides a route or an escalation', () => {
    let asked = 0;
    const view = () => {
      asked += 1;
      return catalogView();
    };
    const executed = replyEvent({
      request: request('execute'),
      outcome: { ok: true, step: { kind: 'execute', outputRef: 'ref', summary: 'done', usage } },
      context,
      view,
    });
    const reviewed = (verdict: 'approve' | 'reject', quality: number) =>
      replyEvent({
        request: request('review'),
        outcome: { ok: true, step: { kind: 'review', verdict, quality, feedback: verdict, usage } },
        context,
        view,
      });
    const approved = reviewed('approve', 8);
    expect([executed.type, approved.type, asked]).toEqual(['EXECUTED', 'REVIEWED', 0]);
    const rejected = reviewed('reject', 3);
    expect(rejected).toMatchObject({ type: 'REVIEWED', escalation: { model: { id: 'sonnet' } } });
    expect(asked).toBe(1);
  });
});
