import { getShortestPaths, getSimplePaths, type StatePath } from '@xstate/graph';
import { taskMachine } from '../../machines/task.machine.js';
import type { TaskEvent, Usage } from '../../machines/task-events.js';
import type { Classification, ModelRef } from '../../machines/task-types.js';

type Snapshot = ReturnType<typeof taskMachine.getInitialSnapshot>;
export type TaskPath = StatePath<Snapshot, TaskEvent>;

/** The models of the generated paths, as the test configuration has them. */
export const pathModels: Record<'haiku' | 'sonnet' | 'opus', ModelRef> = {
  haiku: { id: 'haiku', kind: 'claude-code', tier: 2 },
  sonnet: { id: 'sonnet', kind: 'claude-code', tier: 3 },
  opus: { id: 'opus', kind: 'claude-code', tier: 4 },
};
const nextOnLadder: Record<string, ModelRef | null> = {
  haiku: pathModels.sonnet,
  sonnet: pathModels.opus,
  opus: null,
};

const usage: Usage = { inputTokens: 1, outputTokens: 1, costUsd: 0, latencyMs: 0 };
const classification = (source: Classification['source']): Classification => ({
  complexity: 'simple',
  type: 'coding',
  model: 'haiku',
  reason: 'test',
  source,
});

/**
 * The replies a task can get in each state, as the runtime makes them with the paths'
 * configuration (quality strategy; haiku, sonnet and opus enabled; default ladders): the first
 * route is haiku, or none; a failed model escalates up the ladder; a rejected opus is tried again.
 */
export function pathEvents(snapshot: Snapshot): TaskEvent[] {
  if (snapshot.status !== 'active') return [];
  const { pending, attempts } = snapshot.context;
  const requestId = pending?.requestId ?? 'none';
  const cancel: TaskEvent = { type: 'CANCEL', reason: 'cancelled by the test' };
  const current = attempts.at(-1)?.model.id ?? 'haiku';
  switch (snapshot.value) {
    case 'classifying':
      return [
        {
          type: 'CLASSIFIED',
          requestId,
          classification: classification('cto'),
          route: { model: pathModels.haiku, reason: 'r' },
        },
        {
          type: 'CLASSIFY_FAILED',
          requestId,
          error: 'e',
          classification: classification('heuristic'),
          route: { model: pathModels.haiku, reason: 'r' },
        },
        {
          type: 'CLASSIFIED',
          requestId,
          classification: classification('cto'),
          route: { model: null, reason: 'none' },
        },
        cancel,
      ];
    case 'executing':
      return [
        { type: 'EXECUTED', requestId, outputRef: 'ref', summary: 's', usage },
        {
          type: 'EXECUTE_FAILED',
          requestId,
          error: 'e',
          escalation: { model: nextOnLadder[current] ?? null, reason: 'r' },
        },
        cancel,
      ];
    case 'reviewing': {
      const escalation = { model: nextOnLadder[current] ?? pathModels.opus, reason: 'r' };
      return [
        {
          type: 'REVIEWED',
          requestId,
          verdict: 'approve',
          quality: 9,
          feedback: 'f',
          usage,
          escalation: { model: null, reason: 'ok' },
        },
        {
          type: 'REVIEWED',
          requestId,
          verdict: 'reject',
          quality: 3,
          feedback: 'f',
          usage,
          escalation,
        },
        { type: 'REVIEW_FAILED', requestId, error: 'e', escalation },
        cancel,
      ];
    }
    default:
      return [];
  }
}

// Four attempts: one more than the haiku → sonnet → opus ladder, so that a ladder running out
// (rather than the attempts) is a path too.
const input = { taskId: 'T', input: { description: 'generated path' }, maxAttempts: 4 };

/**
 * What makes two snapshots different for the paths: the state, how each attempt went and how
 * the task was classified. Texts (decisions, feedback) are left out, or every wording would be
 * a state of its own.
 */
export function serializeState(snapshot: Snapshot): string {
  const { attempts, classification } = snapshot.context;
  const tries = attempts.map(
    (a) => `${a.model.id}:${a.error ? 'failed' : (a.review?.verdict ?? 'pending')}`,
  );
  return `${String(snapshot.value)}|${classification?.source ?? '-'}|${snapshot.context.route?.model?.id ?? '-'}|${tries.join(',')}`;
}

/** Shortest paths to every reachable state, and the simple paths to every final state. */
export function generatedPaths(): { shortest: TaskPath[]; simple: TaskPath[] } {
  const shortest = getShortestPaths(taskMachine, { events: pathEvents, input, serializeState });
  const simple = getSimplePaths(taskMachine, {
    events: pathEvents,
    input,
    serializeState,
    toState: (snapshot) => snapshot.status === 'done',
  });
  return { shortest, simple };
}
