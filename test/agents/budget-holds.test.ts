import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createModelPorts } from '../../agents/create-model-ports.js';
import { staticConfigSource } from '../../src/config/static-config-source.js';
import { budgetWindow } from '../../src/routing/budget-window.js';
import { createOrchestrator } from '../../src/runtime/create-orchestrator.js';
import { simulatedModels } from '../../src/simulate/simulated-models.js';
import { providerServers } from '../helpers/test-models.js';

/** An orchestrator on the real transports (the OpenAI SDK, the Claude Code CLI) and these servers. */
function onRealTransports(servers: Awaited<ReturnType<typeof providerServers>>) {
  const stateDir = mkdtempSync(join(tmpdir(), 'cto-budget-'));
  const workdir = mkdtempSync(join(tmpdir(), 'cto-budget-work-'));
  return createOrchestrator({
    ports: createModelPorts({
      config: () => servers.loaded.config,
      stateDir,
      cwd: workdir,
      env: {
        PATH: process.env.PATH,
        HOME: stateDir,
        CLAUDE_CODE_MAX_RETRIES: '0',
        DISABLE_TELEMETRY: '1',
        DISABLE_AUTOUPDATER: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      },
      homeDir: stateDir,
    }),
    config: staticConfigSource(servers.loaded),
    store: ':memory:',
  });
}

describe('a call that uses far more than it reserved', () => {
  it('a tool loop stops when the budget cannot cover its next turn: the limit holds', async () => {
    const servers = await providerServers({
      cto_model: 'kimi',
      max_attempts: 1,
      cost_optimization: {
        model_budget_per_day: { deepseek: { tokens: 50_000 } },
        estimated_tokens_per_call: 2_000,
        when_over_budget: 'block',
      },
    });
    const simulated = simulatedModels();
    let turns = 0;
    servers.openAi.script(
      () => true,
      (request) => {
        if (request.model !== 'deepseek-flash') return simulated.openAi(request);
        turns += 1;
        // 16,000 tokens a turn, where 2,000 were estimated for the whole call; it never stops.
        return {
          toolCalls: [{ name: 'list_directory', arguments: {} }],
          usage: { prompt_tokens: 15_000, completion_tokens: 1_000 },
        };
      },
    );
    const orchestrator = onRealTransports(servers);
    const task = await orchestrator.spawn({
      description: 'Fix it',
      type: 'coding',
      model: 'deepseek',
    });
    const outcome = await task.result;
    const usage = await orchestrator.store.budgetUsage(budgetWindow(Date.now()), Date.now());
    const deepseek = usage.find((u) => u.scope === 'model:deepseek');
    expect(deepseek?.tokens).toBeLessThanOrEqual(50_000);
    expect(deepseek?.tokens).toBe(turns * 16_000);
    expect(turns).toBe(3);
    expect(deepseek?.reservedTokens).toBe(0);
    expect(outcome.decisions.join('\n')).toMatch(
      /execution failed \(not the model's doing\): over budget: model:deepseek has [\d,]+ tokens of its 50000 tokens used or reserved; this call needs about [\d,]+ tokens; stopped after 3 turn\(s\), before the next/,
    );
    await orchestrator.stop();
  }, 30_000);
});

describe('a Claude Code session that uses far more than it reserved', () => {
  it('is ended when the budget cannot cover its next message, and what it used is settled', async () => {
    const servers = await providerServers({
      cto_model: 'kimi',
      max_attempts: 1,
      cost_optimization: {
        model_budget_per_day: { sonnet: { tokens: 50_000 } },
        estimated_tokens_per_call: 2_000,
      },
    });
    const simulated = simulatedModels();
    servers.openAi.script(() => true, simulated.openAi);
    let messages = 0;
    servers.anthropic.script(
      () => true,
      (request) => {
        if (!JSON.stringify(request.body).includes('Task (')) return { text: 'ok' };
        messages += 1;
        return {
          toolCalls: [{ name: 'LS', arguments: { path: '.' } }],
          usage: { input_tokens: 30_000, output_tokens: 100 },
        };
      },
    );
    const orchestrator = onRealTransports(servers);
    const task = await orchestrator.spawn({
      description: 'Fix it',
      type: 'coding',
      model: 'sonnet',
    });
    const outcome = await task.result;
    const usage = await orchestrator.store.budgetUsage(budgetWindow(Date.now()), Date.now());
    const sonnet = usage.find((u) => u.scope === 'model:sonnet');
    expect(outcome.decisions.join('\n')).toMatch(
      /execution failed \(not the model's doing\): over budget: model:sonnet .*; the Claude Code session was ended/,
    );
    expect(messages).toBeLessThanOrEqual(2);
    expect(sonnet?.tokens).toBeGreaterThanOrEqual(30_000);
    expect(sonnet?.tokens).toBeLessThanOrEqual(50_000);
    expect(sonnet?.reservedTokens).toBe(0);
    await orchestrator.stop();
  }, 60_000);
});
