import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { taskMachine } from '../../machines/task.machine.js';
import type { TaskEvent } from '../../machines/task-events.js';
import { createConfigSource } from '../../src/config/config-source.js';
import { routingViewFrom } from '../../src/routing/routing-view-from-config.js';
import { createBudgetLedger } from '../../src/runtime/budget-ledger.js';
import { createCallRunner, type ResumedJournal } from '../../src/runtime/call-runner.js';
import { CommitBatcher } from '../../src/runtime/commit-batcher.js';
import { createHistoryCache } from '../../src/runtime/history-cache.js';
import { ModelCallError } from '../../src/runtime/model-ports.js';
import { createOutputCache } from '../../src/runtime/output-cache.js';
import { defaultRetryPolicy } from '../../src/runtime/retry-policy.js';
import { SimulatedClock } from '../../src/runtime/simulated-clock.js';
import { createTimerSet } from '../../src/runtime/timer-set.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { createSandbox } from '../helpers/sandbox.js';
import { type Script, scriptedPorts } from '../helpers/scripted-ports.js';
import { eventually } from '../helpers/test-orchestrator.js';

const day = '2026-11-24';
const start = Date.UTC(2026, 10, 24);

/** A call runner with one live task waiting for its classification; `delivered` hears replies. */
function runnerWith(script: Script, claudeTokens = 100_000_000) {
  const sandbox = createSandbox();
  sandbox.write('orchestrator_config.json', {
    cto_model: 'sonnet',
    cost_optimization: {
      token_budget_per_day: { claude: claudeTokens, external: 100_000_000 },
      when_over_budget: 'block',
    },
  });
  const config = createConfigSource({ environment: () => sandbox.io() });
  const store = openSqliteStore(':memory:');
  const batcher = new CommitBatcher(store);
  const clock = new SimulatedClock(start);
  const timers = createTimerSet(clock, () => false);
  const history = createHistoryCache(store, clock);
  const ledger = createBudgetLedger({ store, batcher, clock, config, history: history.rows });
  const task = createActor(taskMachine, {
    input: { taskId: 't1', input: { description: 'fix the build' }, maxAttempts: 3 },
  }).start();
  const live = new Set(['t1']);
  const delivered: TaskEvent[] = [];
  const ports = scriptedPorts(script);
  const runner = createCallRunner({
    ports,
    config,
    store,
    batcher,
    clock,
    timers,
    ledger,
    leases: { fenceOf: () => ({}) },
    outputs: createOutputCache(store),
    tasks: {
      taskOf: (id) => (live.has(id) ? { context: () => task.getSnapshot().context } : null),
      deliver: async (_id, event) => void delivered.push(event),
      fail: (_id, error) => {
        throw error;
      },
    },
    refresh: async () => {
      await ledger.refresh();
      await history.refresh();
    },
    view: (loaded) =>
      routingViewFrom(loaded, {
        unavailable: runner.cooldowns(),
        usage: ledger.usage(),
        history: history.rows(),
      }),
    isStopping: () => false,
    crash: (error) => {
      throw error;
    },
    retryPolicy: defaultRetryPolicy,
    timeouts: { classifyMs: 60_000 },
    tracing: null,
  });
  const request = task.getSnapshot().context.pending;
  if (!request) throw new Error('the task waits for nothing');
  const send = () => runner.dispatch('t1', { type: 'request', request });
  const resend = (resumed: ResumedJournal) =>
    runner.dispatch('t1', { type: 'request', request }, resumed);
  return { runner, store, batcher, clock, delivered, request, ports, send, resend };
}

const claudeUse = async (store: ReturnType<typeof openSqliteStore>) =>
  (await store.budgetUsage(day, start)).find((u) => u.scope === 'group:claude');

describe('the call runner', () => {
  it('runs a request on its queue and replies to its task, its budget settled with what it used', async () => {
    const { store, batcher, delivered, request, ports, send } = runnerWith({});
    send();
    // A duplicate delivery of the same request is not run twice.
    send();
    await eventually(() => delivered.length === 1);
    expect(delivered[0]).toMatchObject({ type: 'CLASSIFIED', requestId: request.requestId });
    expect(ports.calls).toEqual([
      { kind: 'classify', requestId: request.requestId, model: 'sonnet' },
    ]);
    await batcher.drain();
    expect(await claudeUse(store)).toMatchObject({ tokens: 150, reservedTokens: 0 });
  });

  it('gives a request re-sent by resume the journal its claim read, without reading it again', async () => {
    const seen: unknown[] = [];
    const { store, delivered, request, resend } = runnerWith({
      classify: (call) => {
        seen.push(call.journal.entries.map((e) => e.data));
        return {
          classification: { complexity: 'simple', type: 'coding', model: 'sonnet', reason: 'ok' },
          usage: { inputTokens: 100, outputTokens: 50 },
        };
      },
    });
    const reads: string[] = [];
    const journal = store.journal.bind(store);
    store.journal = async (taskId, requestId) => {
      reads.push(`${taskId} ${requestId}`);
      return journal(taskId, requestId);
    };
    const before = { taskId: 't1', requestId: request.requestId, kind: 'turn', at: 1 };
    resend([{ ...before, seq: 1, data: 'read with the claim' }]);
    await eventually(() => delivered.length === 1);
    expect(seen).toEqual([['read with the claim']]);
    expect(reads).toEqual([]);
  });

  it('has a re-sent request whose journal was not read with its claim read it first', async () => {
    const seen: unknown[] = [];
    const { batcher, delivered, request, resend } = runnerWith({
      classify: (call) => {
        seen.push(call.journal.entries.map((e) => e.data));
        return {
          classification: { complexity: 'simple', type: 'coding', model: 'sonnet', reason: 'ok' },
          usage: { inputTokens: 100, outputTokens: 50 },
        };
      },
    });
    batcher.stage({
      journal: [
        { taskId: 't1', requestId: request.requestId, kind: 'turn', data: 'stored', at: 1 },
      ],
    });
    await batcher.drain();
    resend('unread');
    await eventually(() => delivered.length === 1);
    expect(seen).toEqual([['stored']]);
  });

  it('journals a transient failure and retries once the delay is over, reading that journal', async () => {
    let tries = 0;
    const { store, batcher, clock, delivered, request, send } = runnerWith({
      classify: () => {
        tries++;
        if (tries === 1)
          throw new ModelCallError('overloaded', {
            transient: true,
            usage: { inputTokens: 10, outputTokens: 0 },
          });
        return {
          classification: { complexity: 'simple', type: 'coding', model: 'sonnet', reason: 'ok' },
          usage: { inputTokens: 100, outputTokens: 50 },
        };
      },
    });
    send();
    await eventually(() => tries === 1);
    await eventually(() => false, 20).catch(() => {});
    await batcher.drain();
    expect(delivered).toEqual([]);
    const journal = await store.journal('t1', request.requestId);
    expect(journal.map((entry) => [entry.kind, (entry.data as { error?: string }).error])).toEqual([
      ['failed', 'overloaded'],
    ]);
    clock.advance(clock.nextDue ? clock.nextDue - clock.now() : 0);
    await eventually(() => delivered.length === 1);
    expect(tries).toBe(2);
    expect(delivered[0]?.type).toBe('CLASSIFIED');
    // What the failed try used counts too.
    await batcher.drain();
    expect(await claudeUse(store)).toMatchObject({ tokens: 160, reservedTokens: 0 });
  });

  it('aborts a call that runs past its timeout', async () => {
    const reasons: unknown[] = [];
    const { clock, store, request, send } = runnerWith({
      classify: (call) =>
        new Promise((_, reject) =>
          call.signal.addEventListener('abort', () => {
            reasons.push(call.signal.reason);
            reject(call.signal.reason);
          }),
        ),
    });
    send();
    await eventually(() => clock.pending > 0);
    clock.advance(60_000);
    await eventually(() => reasons.length === 1);
    expect(reasons).toEqual(['timeout']);
    await eventually(() => false, 20).catch(() => {});
    const journal = await store.journal('t1', request.requestId);
    expect(journal.map((entry) => (entry.data as { error?: string }).error)).toEqual([
      'classify on sonnet timed out after 60000 ms',
    ]);
  });

  it('cancels the calls of a task dropped here: aborted, its reservation given back, no reply', async () => {
    const reasons: unknown[] = [];
    const { runner, batcher, store, delivered, ports, send } = runnerWith({
      classify: (call) =>
        new Promise((_, reject) =>
          call.signal.addEventListener('abort', () => {
            reasons.push(call.signal.reason);
            reject(call.signal.reason);
          }),
        ),
    });
    send();
    await eventually(() => ports.calls.length === 1);
    expect((await claudeUse(store))?.reservedTokens).toBeGreaterThan(0);
    runner.dropTask('t1');
    await eventually(() => reasons.length === 1);
    expect(reasons).toEqual(['lease lost']);
    await eventually(() => false, 20).catch(() => {});
    await batcher.drain();
    expect(await claudeUse(store)).toMatchObject({ tokens: 0, reservedTokens: 0 });
    expect(delivered).toEqual([]);
  });

  it('declines a call its budget has no room for, without calling the model, and says why', async () => {
    const { delivered, ports, send } = runnerWith({}, 100);
    send();
    await eventually(() => delivered.length === 1);
    expect(ports.calls).toEqual([]);
    expect(delivered[0]).toMatchObject({
      type: 'CLASSIFY_FAILED',
      error: expect.stringMatching(/over budget: group:claude has 0 tokens of its 100 tokens/),
    });
  });
});
