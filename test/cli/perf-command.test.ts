import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyPerformance, type PerformanceRow } from '../../src/store/performance-row.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { createSandbox } from '../helpers/sandbox.js';

const history: PerformanceRow[] = [
  {
    ...emptyPerformance('deepseek', 'coding'),
    attempts: 4,
    approvals: 3,
    rejections: 1,
    escalations: 1,
    qualitySum: 30,
    reviews: 4,
    latencyMs: 8_000,
    inputTokens: 4_000,
    outputTokens: 1_000,
    costUsd: 0.02,
    maxCallTokens: 2_000,
  },
  {
    ...emptyPerformance('deepseek', 'research'),
    attempts: 1,
    approvals: 1,
    qualitySum: 9,
    reviews: 1,
    latencyMs: 1_000,
    inputTokens: 400,
    outputTokens: 100,
    costUsd: 0.001,
  },
  {
    ...emptyPerformance('minimax', 'coding'),
    attempts: 2,
    rejections: 1,
    failures: 1,
    escalations: 2,
    qualitySum: 3,
    reviews: 1,
    latencyMs: 6_000,
    inputTokens: 3_000,
    outputTokens: 500,
    costUsd: 0.03,
  },
];

/** A sandbox whose store (a SQLite file) holds `rows` as its performance history. */
async function withHistory(rows: readonly PerformanceRow[]) {
  const sandbox = createSandbox();
  const store = join(sandbox.cwd, '.cto', 'state.db');
  const opened = openSqliteStore(store);
  if (rows.length > 0) await opened.commit({ performance: rows });
  await opened.close();
  return { perf: (...argv: string[]) => sandbox.cli('--store', store, 'perf', ...argv) };
}

describe('cto perf', () => {
  it('prints per model a total line, then one line per task type, then all models', async () => {
    const { perf } = await withHistory(history);
    const { code, stdout, stderr } = await perf();
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('performance history: 7 attempt(s) on 2 model(s)');
    const table = lines.slice(lines.indexOf('') + 1).map((line) => line.split(/ {2,}/));
    expect(table).toEqual([
      [
        'model / task type',
        'attempts',
        'approved',
        'quality',
        'escalated',
        'failed',
        'latency',
        'tokens',
        '$ total',
        '$/attempt',
      ],
      ['deepseek', '5', '80.0%', '7.8', '20.0%', '0', '1.8 s', '5,500', '$0.0210', '$0.0042'],
      ['', 'coding', '4', '75.0%', '7.5', '25.0%', '0', '2.0 s', '5,000', '$0.0200', '$0.0050'],
      ['', 'research', '1', '100.0%', '9.0', '0.0%', '0', '1.0 s', '500', '$0.0010', '$0.0010'],
      ['minimax', '2', '0.0%', '3.0', '100.0%', '1', '3.0 s', '3,500', '$0.0300', '$0.0150'],
      ['', 'coding', '2', '0.0%', '3.0', '100.0%', '1', '3.0 s', '3,500', '$0.0300', '$0.0150'],
      ['all models', '7', '57.1%', '7.0', '42.9%', '1', '2.1 s', '9,000', '$0.0510', '$0.0073'],
      [''],
    ]);
  });

  it("writes the original's model_performance.json shape with --json", async () => {
    const { perf } = await withHistory(history);
    const { code, stdout } = await perf('--json');
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(Object.keys(json)).toEqual(['models', 'summary']);
    expect(json.models.deepseek).toEqual({
      total_tasks: 5,
      successful_tasks: 4,
      failed_tasks: 1,
      success_rate: 0.8,
      avg_quality_score: 7.8,
      escalations: 1,
      escalation_rate: 0.2,
      avg_time_seconds: 1.8,
      total_tokens: 5_500,
      total_cost_usd: 0.021,
      task_types: {
        coding: {
          total_tasks: 4,
          successful_tasks: 3,
          failed_tasks: 1,
          success_rate: 0.75,
          avg_quality_score: 7.5,
          escalations: 1,
          escalation_rate: 0.25,
          avg_time_seconds: 2,
          total_tokens: 5_000,
          total_cost_usd: 0.02,
        },
        research: expect.objectContaining({ total_tasks: 1, success_rate: 1 }),
      },
    });
    expect(json.models.minimax).toMatchObject({
      success_rate: 0,
      failed_tasks: 2,
      escalation_rate: 1,
      task_types: { coding: { success_rate: 0, avg_quality_score: 3 } },
    });
    expect(json.summary).toEqual({
      total_tasks: 7,
      successful_tasks: 4,
      overall_success_rate: 0.5714,
      total_tokens: 9_000,
      total_cost_usd: 0.051,
      models_used: 2,
      best_model_by_success_rate: 'deepseek',
      last_updated: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
  });

  it('shows one model or one task type', async () => {
    const { perf } = await withHistory(history);
    const minimax = JSON.parse((await perf('--json', '--model', 'minimax')).stdout);
    expect(Object.keys(minimax.models)).toEqual(['minimax']);
    expect(minimax.summary).toMatchObject({ total_tasks: 2, overall_success_rate: 0 });

    const research = await perf('--type', 'research');
    expect(research.stdout).toContain('performance history: 1 attempt(s) on 1 model(s)');
    expect(research.stdout).not.toContain('minimax');
    expect((await perf('--model', 'kimi')).stdout).toBe('no performance history for kimi yet\n');
    expect((await perf('--type', 'email')).stdout).toBe(
      'no performance history on email tasks yet\n',
    );
    expect((await perf('--model', 'minimax', '--type', 'research')).stdout).toBe(
      'no performance history for minimax on research tasks yet\n',
    );
  });

  it('says so when there is no history yet, and exports an empty file', async () => {
    const { perf } = await withHistory([]);
    expect(await perf()).toEqual({
      code: 0,
      stdout:
        'no performance history yet: every attempt the CTO reviews (or that fails) adds to it\n',
      stderr: '',
    });
    const json = JSON.parse((await perf('--json')).stdout);
    expect(json.models).toEqual({});
    expect(json.summary).toMatchObject({
      total_tasks: 0,
      overall_success_rate: null,
      models_used: 0,
      best_model_by_success_rate: null,
    });
  });

  it('refuses an unknown model or task type in one line naming the known ones', async () => {
    const { perf } = await withHistory(history);
    expect(await perf('--model', 'gpt9')).toEqual({
      code: 1,
      stdout: '',
      stderr:
        '--model gpt9: no such model; known: deepseek, gemini, glm, haiku, kimi, minimax, opus, sonnet\n',
    });
    expect(await perf('--type', 'poetry')).toEqual({
      code: 1,
      stdout: '',
      stderr:
        '--type poetry: no such task type; known: bash_command, coding, research, analysis, email, deployment\n',
    });
  });
});
