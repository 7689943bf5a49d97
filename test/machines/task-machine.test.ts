import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { taskMachine } from '../../machines/task.machine.js';
import { taskContextSchema } from '../../machines/task-context.js';
import type { TaskEmitted, TaskEvent, Usage } from '../../machines/task-events.js';
import type { Classification, ModelRef } from '../../machines/task-types.js';

const haiku: ModelRef = { id: 'haiku', kind: 'claude-code', tier: 2 };
const sonnet: ModelRef = { id: 'sonnet', kind: 'claude-code', tier: 3 };
const kimi: ModelRef = { id: 'kimi', kind: 'text-only', tier: 1 };
const usage: Usage = { inputTokens: 1, outputTokens: 1, costUsd: 0, latencyMs: 0 };
const coding: Classification = {
  complexity: 'simple',
  type: 'coding',
  model: 'haiku',
  reason: 'r',
  source: 'cto',
};

function classify(actor: ReturnType<typeof start>['actor'], model: ModelRef): void {
  actor.send({
    type: 'CLASSIFIED',
    requestId: 't:classify:1',
    classification: coding,
    route: { model, reason: 'r' },
  });
}

const approval: TaskEvent = {
  type: 'REVIEWED',
  requestId: 't:review:1',
  verdict: 'approve',
  quality: 9,
  feedback: 'f',
  usage,
  escalation: { model: null, reason: 'ok' },
};

function expectBlocked(actor: ReturnType<typeof start>['actor'], reason: string): void {
  expect(actor.getSnapshot().value).toBe('blocked');
  expect(actor.getSnapshot().context.outcome?.reason).toBe(reason);
}

function start() {
  const emitted: TaskEmitted[] = [];
  const actor = createActor(taskMachine, {
    input: { taskId: 't', input: { description: 'd' }, maxAttempts: 3 },
  });
  actor.on('request', (e) => emitted.push(e));
  actor.start();
  return { actor, emitted };
}

describe('task machine invariants', () => {
  it('emits a classify request with a deterministic id on start', () => {
    const { emitted } = start();
    expect(emitted).toEqual([
      {
        type: 'request',
        request: { kind: 'classify', requestId: 't:classify:1', attempt: 1, model: null },
      },
    ]);
  });

  it('ignores a reply to another request (stale or duplicate)', () => {
    const { actor } = start();
    actor.send({
      type: 'CLASSIFIED',
      requestId: 't:classify:9',
      classification: coding,
      route: { model: haiku, reason: 'r' },
    });
    expect(actor.getSnapshot().value).toBe('classifying');
    classify(actor, haiku);
    classify(actor, sonnet);
    expect(actor.getSnapshot().context.attempts.map((a) => a.model.id)).toEqual(['haiku']);
  });

  it('never gives a task that needs tools to a text-only model', () => {
    const { actor } = start();
    classify(actor, kimi);
    expectBlocked(actor, 'kimi is text-only and a coding task needs tools');
  });

  it('never escalates to a weaker model', () => {
    const { actor } = start();
    classify(actor, sonnet);
    actor.send({
      type: 'EXECUTE_FAILED',
      requestId: 't:execute:1',
      error: 'e',
      escalation: { model: haiku, reason: 'r' },
    });
    expectBlocked(actor, 'escalation from sonnet to the weaker haiku refused');
  });

  it('reaches done only through an approving review of an output', () => {
    const { actor } = start();
    classify(actor, haiku);
    actor.send(approval);
    expect(actor.getSnapshot().value).toBe('executing');
    actor.send({
      type: 'EXECUTED',
      requestId: 't:execute:1',
      outputRef: 'ref',
      summary: 's',
      usage,
    });
    actor.send(approval);
    expect(actor.getSnapshot().value).toBe('done');
  });

  it('keeps its snapshot small: feedback capped, outputs by reference', () => {
    const { actor } = start();
    classify(actor, haiku);
    actor.send({
      type: 'EXECUTED',
      requestId: 't:execute:1',
      outputRef: 'a'.repeat(64),
      summary: 's',
      usage,
    });
    actor.send({
      type: 'REVIEWED',
      requestId: 't:review:1',
      verdict: 'reject',
      quality: 2,
      feedback: 'x'.repeat(100_000),
      usage,
      escalation: { model: sonnet, reason: 'r' },
    });
    expect(JSON.stringify(actor.getPersistedSnapshot()).length).toBeLessThan(6_000);
  });

  it("stores the route's reason once and restores it in the route, the attempt and the decisions", () => {
    const reason = `learned: ${'why '.repeat(100)}`;
    const { actor } = start();
    actor.send({
      type: 'CLASSIFIED',
      requestId: 't:classify:1',
      classification: coding,
      route: { model: haiku, reason },
    });
    const persisted = actor.getPersistedSnapshot();
    const json = JSON.stringify(persisted);
    expect(json.split(reason).length - 1).toBe(1);
    const live = actor.getSnapshot().context;
    expect(live.attempts[0]?.reason).toBe(reason);
    expect(live.route?.reason).toBe(reason);
    expect(live.decisions).toContain(`route: ${reason}`);
    // Through JSON, as the store keeps it: the restored actor and the parse see it whole.
    const stored = JSON.parse(json);
    const restored = createActor(taskMachine, { snapshot: stored, input: stored.context });
    expect(restored.getSnapshot().context).toEqual(live);
    expect(taskContextSchema.parse(stored.context)).toEqual(live);
    restored.start();
    restored.send({
      type: 'EXECUTED',
      requestId: 't:execute:1',
      outputRef: 'a'.repeat(64),
      summary: 's',
      usage,
    });
    restored.send(approval);
    expect(restored.getSnapshot().value).toBe('done');
    expect(restored.getSnapshot().context.attempts[0]?.reason).toBe(reason);
  });

  it("keeps an escalated attempt's own reason, and a route no decision says, as they are", () => {
    const { actor } = start();
    classify(actor, haiku);
    actor.send({
      type: 'EXECUTE_FAILED',
      requestId: 't:execute:1',
      error: 'e',
      escalation: { model: sonnet, reason: 'stronger' },
    });
    const stored = JSON.parse(JSON.stringify(actor.getPersistedSnapshot()));
    expect(stored.context.attempts[1].reason).toBe('stronger');
    expect(
      createActor(taskMachine, { snapshot: stored, input: stored.context }).getSnapshot().context,
    ).toEqual(actor.getSnapshot().context);
    const unsaid = { ...actor.getSnapshot().context, decisions: [] };
    expect(taskContextSchema.parse(JSON.parse(JSON.stringify(unsaid)))).toEqual(unsaid);
  });

  it("restores and finishes a snapshot stored with the route's reason three times (the older shape)", () => {
    const old = JSON.parse(
      readFileSync(
        new URL('../runtime/fixtures/snapshot-reason-three-times.json', import.meta.url),
        'utf8',
      ),
    );
    expect(taskContextSchema.parse(old.context)).toEqual(old.context);
    const actor = createActor(taskMachine, { snapshot: old, input: old.context });
    expect(actor.getSnapshot().context).toEqual(old.context);
    actor.start();
    actor.send({ ...approval, requestId: 'OldShape0001:review:1' });
    expect(actor.getSnapshot().value).toBe('done');
    const json = JSON.stringify(actor.getPersistedSnapshot());
    expect(json.split(old.context.route.reason).length - 1).toBe(1);
    expect(json.length).toBeLessThan(JSON.stringify(old).length - 500);
  });
});
