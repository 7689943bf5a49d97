import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { eventually, testOrchestrator } from '../helpers/test-orchestrator.js';

describe('resume', () => {
  it('re-sends the request a stopped task was waiting for, with its original id', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cto-resume-')), 'state.db');
    let hang = true;
    const first = testOrchestrator({
      store: openSqliteStore(file),
      script: {
        execute: (call) =>
          hang
            ? new Promise(() => {})
            : { output: `ok ${call.requestId}`, usage: { inputTokens: 1, outputTokens: 1 } },
      },
    });
    const task = await first.orchestrator.spawn('long job');
    await eventually(() => first.ports.calls.some((c) => c.kind === 'execute'));
    const waitingFor = first.ports.calls.find((c) => c.kind === 'execute')?.requestId;
    await first.orchestrator.stop();

    hang = false;
    const second = testOrchestrator({
      store: openSqliteStore(file),
      script: {
        execute: (call) => ({
          output: `ok ${call.requestId}`,
          usage: { inputTokens: 1, outputTokens: 1 },
        }),
      },
    });
    const [resumed] = await second.orchestrator.resume();
    expect(resumed?.id).toBe(task.id);
    const outcome = await resumed?.result;
    expect(outcome).toMatchObject({ status: 'done', output: `ok ${waitingFor}` });
    expect(second.ports.calls.map((c) => c.kind)).toEqual(['execute', 'review']);
    expect(second.ports.calls[0]?.requestId).toBe(waitingFor);
    expect(await second.orchestrator.resume()).toEqual([]);
    await second.orchestrator.stop();
  });

  it('refuses a task stored by another machine version, and says so in status', async () => {
    const store = openSqliteStore(':memory:');
    await store.commit({
      tasks: [
        {
          taskId: 'old',
          input: { description: 'x' },
          event: null,
          snapshot: { value: 'executing', context: {} },
          status: 'executing',
          machineVersion: 0,
          at: 1,
        },
      ],
    });
    const { orchestrator } = testOrchestrator({ store });
    expect(await orchestrator.resume()).toEqual([]);
    expect((await orchestrator.status()).notResumed).toEqual([
      { id: 'old', reason: 'stored with task machine version 0; this is version 1' },
    ]);
    await orchestrator.stop();
  });

  it("resumes a task stored with the route's reason three times (the older shape), and stores it once", async () => {
    const old = JSON.parse(
      readFileSync(new URL('fixtures/snapshot-reason-three-times.json', import.meta.url), 'utf8'),
    );
    const { taskId, route, attempts } = old.context;
    const store = openSqliteStore(':memory:');
    await store.commit({
      tasks: [
        {
          taskId,
          input: old.context.input,
          event: null,
          snapshot: old,
          status: 'reviewing',
          machineVersion: 1,
          at: 1,
        },
      ],
      blobs: [[attempts[0].outputRef, 'the output']],
    });
    const { orchestrator, ports } = testOrchestrator({ store });
    const [resumed] = await orchestrator.resume();
    expect(await resumed?.result).toMatchObject({ status: 'done', output: 'the output' });
    expect(ports.calls.map((c) => [c.kind, c.requestId])).toEqual([
      ['review', `${taskId}:review:1`],
    ]);
    const stored = await store.getTask(taskId);
    expect(JSON.stringify(stored?.snapshot).split(route.reason).length - 1).toBe(1);
    const view = await orchestrator.get(taskId);
    expect(view?.context.route?.reason).toBe(route.reason);
    expect(view?.context.attempts[0]?.reason).toBe(route.reason);
    expect(view?.context.decisions.slice(0, 2)).toEqual(old.context.decisions);
    await orchestrator.stop();
  });
});
