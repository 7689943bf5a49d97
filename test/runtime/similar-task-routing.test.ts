import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testOrchestrator } from '../helpers/test-orchestrator.js';

const usage = { inputTokens: 16_000, outputTokens: 4_000 };
const dateTask = (i: number) =>
  `Fix the date parser in dateutils: it rejects ISO week dates of kind ${i}`;
const uploadTask = (i: number) =>
  `Add a retry with exponential backoff to the upload client, case ${i}`;

describe('routing by similar reviewed tasks, in production', () => {
  it('sends a task like past tasks approved on deepseek there, says why, and keeps only features', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cto-similar-')), 'state.db');
    const { orchestrator, sandbox } = testOrchestrator({
      store: file,
      configFile: {
        cost_optimization: {
          exploration_share: 0,
          token_budget_per_day: { claude: 100_000_000, external: 100_000_000 },
        },
      },
      script: {
        execute: (call) => ({ output: `${call.model.id}: ${call.task.description}`, usage }),
        // deepseek's work is approved on date-parser tasks only; everyone else's always.
        review: (call) =>
          call.worker === 'deepseek' && !call.output.includes('date parser')
            ? { verdict: 'reject', quality: 2, feedback: 'no', usage }
            : { verdict: 'approve', quality: 8, feedback: 'ok', usage },
      },
    });
    for (let i = 0; i < 8; i++) {
      for (const description of [dateTask(i), uploadTask(i), uploadTask(i + 100)]) {
        const task = await orchestrator.spawn({ description, model: 'deepseek' });
        await task.result;
      }
    }
    // By type, deepseek is approved a third of the time: a date-parser task goes there anyway.
    const date = await orchestrator.spawn('Fix the date parser in dateutils: ISO week dates fail');
    await date.result;
    const dateView = await orchestrator.get(date.id);
    expect(dateView?.context.route?.model?.id).toBe('deepseek');
    expect(dateView?.context.decisions.join('\n')).toMatch(
      /similar tasks approved on deepseek(?!, \d+ rejected)/,
    );
    const upload = await orchestrator.spawn('Add a retry with backoff to the upload client');
    await upload.result;
    const uploadView = await orchestrator.get(upload.id);
    expect(uploadView?.context.route?.model?.id).not.toBe('deepseek');
    expect(uploadView?.context.decisions.join('\n')).toMatch(/similar tasks rejected on deepseek/);
    // Features were stored for every reviewed attempt, and no text.
    const stored = await orchestrator.store.reviewedAttempts(0, 1_000);
    expect(stored.length).toBeGreaterThanOrEqual(24 + 16);
    expect(JSON.stringify(stored)).not.toContain('date');
    await orchestrator.stop();
    const status = await sandbox.cli('status', date.id, '--store', file);
    expect(status.stdout).toMatch(/route: .*deepseek .*; \d similar tasks approved on deepseek;/);
  });
});
