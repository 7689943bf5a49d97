import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createConfigSource } from '../../src/config/config-source.js';
import { createOrchestrator } from '../../src/runtime/create-orchestrator.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { createSandbox } from '../helpers/sandbox.js';
import { scriptedPorts } from '../helpers/scripted-ports.js';

const usage = { inputTokens: 1_000, outputTokens: 200 };

/**
 * A store that has seen six simple coding tasks under the quality strategy: three the CTO sent
 * to minimax (rejected there, approved on sonnet) and three to deepseek (approved at once);
 * one task submitted but not run, and one whose stored context does not parse.
 */
async function storeWithHistory() {
  const sandbox = createSandbox();
  const store = join(sandbox.cwd, '.cto', 'state.db');
  const first = sandbox.write('first.json', { model_selection_strategy: 'quality' });
  const orchestrator = createOrchestrator({
    store,
    config: createConfigSource({ environment: () => sandbox.io(), file: first }),
    ports: scriptedPorts({
      classify: (call) => ({
        classification: {
          complexity: 'simple',
          type: 'coding',
          model: call.task.description.includes('minimax') ? 'minimax' : 'deepseek',
          reason: 'scripted',
        },
        usage,
      }),
      execute: (call) => ({ output: `work of ${call.model.id}`, usage }),
      review: (call) =>
        call.worker === 'minimax'
          ? { verdict: 'reject', quality: 3, feedback: 'incomplete', usage }
          : { verdict: 'approve', quality: 8, feedback: 'good', usage },
    }),
  });
  for (let i = 0; i < 3; i++) {
    for (const model of ['minimax', 'deepseek']) {
      const handle = await orchestrator.spawn(`Task ${i} for ${model}`);
      expect((await handle.result).status).toBe('done');
    }
  }
  await orchestrator.submit('Not run yet');
  await orchestrator.stop();
  const raw = openSqliteStore(store);
  await raw.commit({
    tasks: [
      {
        taskId: 'broken',
        input: { description: 'A task stored by something else' },
        event: null,
        snapshot: { context: { taskId: 'broken', attempts: 'many' } },
        status: 'done',
        machineVersion: 1,
        at: Date.now(),
      },
    ],
  });
  await raw.close();
  const other = sandbox.write('other.json', { cost_optimization: { exploration_share: 0 } });
  return {
    store,
    other,
    first,
    replay: (...argv: string[]) => sandbox.cli('--store', store, 'replay', ...argv),
  };
}

describe('cto replay --config other.json', () => {
  it('re-decides the finished tasks under the other configuration and prints the comparison', async () => {
    const { store, other, replay } = await storeWithHistory();
    const { code, stdout, stderr } = await replay('--config', 'other.json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(`replay: 6 finished task(s) in ${store}, re-decided under ${other}`);
    expect(lines[1]).toMatch(/^skipped: 1 not finished, 1 unreadable \(broken: input: .+\)$/);
    expect(stdout).toMatch(/^approval rate +100\.0% +\d+\.\d%$/m);
    // Each minimax task was rejected at first (3 of 6 approved at the first try).
    expect(stdout).toMatch(/^first try approved +50\.0% +\d+\.\d%$/m);
    expect(stdout).toMatch(/^executions \$ +\$\d\.\d{4} +\$\d\.\d{4}$/m);
    expect(stdout).toContain(
      'would start on another model: 3 of 6 task(s)\n  minimax → deepseek: 3 task(s)\n',
    );
    expect(stdout).toMatch(
      /^ {2}\S+ {2}simple coding: minimax → deepseek; actual \$\d\.\d{4}, done; expected \$\d\.\d{4}, \d+\.\d% approved$/m,
    );
    expect(stdout).toContain(
      'note: expected figures are estimates from the performance history, not measurements',
    );
  });

  it('prints JSON: every task, the moves and the totals, actual next to expected', async () => {
    const { other, replay } = await storeWithHistory();
    const { code, stdout } = await replay('--config', 'other.json', '--json');
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.config).toBe(other);
    expect(json.note).toMatch(/not measurements/);
    expect(json.skipped).toMatchObject({ notFinished: 1, unclassified: 0 });
    expect(json.skipped.invalid.map((s: { id: string }) => s.id)).toEqual(['broken']);
    expect(json.totals).toMatchObject({
      tasks: 6,
      moved: 3,
      moves: [{ from: 'minimax', to: 'deepseek', tasks: 3 }],
      actual: { approvalRate: 1 },
      expected: { unpriced: 0 },
    });
    // Every task is simple coding, so each would start on deepseek with the same estimates.
    const expected = json.tasks.map((t: { replayed: unknown }) => t.replayed);
    for (const task of json.tasks.filter((t: { moved: boolean }) => t.moved)) {
      expect(task.actual.model).toBe('minimax');
      expect(task.replayed.reason).toContain('moved from minimax to deepseek');
    }
    expect(new Set(expected.map((e: { model: string }) => e.model))).toEqual(new Set(['deepseek']));
    expect(expected[0].expectedCostUsd).toBeGreaterThan(0);
    expect(expected[0].approvedChance).toBeGreaterThan(0.5);
    expect(json.totals.expected.costUsd).toBeCloseTo(6 * expected[0].expectedCostUsd, 10);
    expect(json.totals.expected.approvalRate).toBeCloseTo(expected[0].approvedChance, 10);
  });

  it('moves nothing under the configuration the tasks ran with, and honours --limit', async () => {
    const { replay } = await storeWithHistory();
    const same = JSON.parse((await replay('--config', 'first.json', '--json')).stdout);
    expect(same.totals).toMatchObject({ tasks: 6, moved: 0, moves: [] });
    const limited = JSON.parse(
      (await replay('--config', 'other.json', '--json', '--limit', '2')).stdout,
    );
    expect(limited.totals.tasks + limited.skipped.invalid.length).toBe(2);
    expect(await replay('--limit', '0')).toEqual({
      code: 1,
      stdout: '',
      stderr: '--limit: expected a positive integer, got 0\n',
    });
  });

  it('says when there is nothing to replay', async () => {
    const sandbox = createSandbox();
    // An empty store (a store that does not exist is an error of its own: "no store at …").
    await openSqliteStore(join(sandbox.cwd, 's.db')).close();
    const { code, stdout } = await sandbox.cli('--store', join(sandbox.cwd, 's.db'), 'replay');
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /under the built-in defaults\nnothing to replay: no finished task with a classification\n$/,
    );
  });
});
