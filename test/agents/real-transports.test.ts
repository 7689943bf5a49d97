import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createModelPorts } from '../../agents/create-model-ports.js';
import { staticConfigSource } from '../../src/config/static-config-source.js';
import { createOrchestrator } from '../../src/runtime/create-orchestrator.js';
import { simulatedModels } from '../../src/simulate/simulated-models.js';
import type { RecordedRequest } from '../../src/testing/recorded-request.js';
import type { ScriptedReply } from '../../src/testing/scripted-reply.js';
import { claudeEnv, executeCall, memoryJournal, providerServers } from '../helpers/test-models.js';

/**
 * An orchestrator on the real transports, every model answered by the simulated models
 * (`openAi` may wrap their OpenAI-side answers to inject faults).
 */
async function orchestration(
  configFile?: unknown,
  openAi: (
    request: RecordedRequest,
    simulated: (r: RecordedRequest) => ScriptedReply,
  ) => ScriptedReply = (r, simulated) => simulated(r),
) {
  const servers = await providerServers(configFile);
  const models = simulatedModels();
  servers.openAi.script(
    () => true,
    (request) => openAi(request, models.openAi),
  );
  servers.anthropic.script(() => true, models.anthropic);
  const stateDir = mkdtempSync(join(tmpdir(), 'cto-state-'));
  const workdir = mkdtempSync(join(tmpdir(), 'cto-work-'));
  const ports = createModelPorts({
    config: () => servers.loaded.config,
    stateDir,
    cwd: workdir,
    env: { ...claudeEnv, HOME: stateDir },
    homeDir: stateDir,
  });
  const orchestrator = createOrchestrator({
    ports,
    config: staticConfigSource(servers.loaded),
    store: ':memory:',
    retry: { baseDelayMs: 1, maxDelayMs: 5, maxRetries: 2, cooldownAfter: 10 },
  });
  return { ...servers, orchestrator, workdir, stateDir };
}

describe('a whole task through the real transports and the local servers', () => {
  it('classifies, runs the tool loop in the working directory, reviews, escalates and approves', async () => {
    // minimax off: the cost override then has one tool-capable external model to pick.
    const { openAi, anthropic, orchestrator, workdir } = await orchestration({
      worker_models: { external: { minimax: { enabled: false } } },
    });
    const task = await orchestrator.spawn({
      description: 'Write release notes for version 2',
      type: 'coding',
    });
    const outcome = await task.result;
    // deepseek's work is rejected once (the simulated CTO always does), sonnet's approved.
    expect(outcome).toMatchObject({ status: 'done', attempts: 2, quality: 8, model: 'sonnet' });
    expect(outcome.decisions[1]).toMatch(
      /moved from sonnet to a tool-capable external model, deepseek/,
    );
    expect(readFileSync(join(workdir, 'write-release-notes-for-version-2.md'), 'utf8')).toContain(
      '# Write release notes',
    );
    // classify, deepseek's 4 tool-loop turns, and two reviews; sonnet's session in between.
    expect(openAi.requests.map((r) => r.model)).toEqual(Array(7).fill('deepseek-flash'));
    expect(anthropic.requests.length).toBeGreaterThanOrEqual(2);
    const journal = await orchestrator.store.journal(task.id);
    expect(journal.filter((e) => e.kind === 'tool-finished')).toHaveLength(3);
    // The escalated model was told what the first attempt did and what the reviewer said.
    const prompt = JSON.stringify(anthropic.requests[0]?.body);
    expect(prompt).toContain('An earlier attempt by deepseek was not accepted');
    expect(prompt).toContain('read the file back and state the result');
    await orchestrator.stop();
  });

  it('runs a text-only model without tools', async () => {
    const { openAi, orchestrator } = await orchestration();
    const task = await orchestrator.spawn({
      description: 'Research vector databases',
      type: 'research',
    });
    const outcome = await task.result;
    expect(outcome.status).toBe('done');
    const workerCalls = openAi.requests.filter(
      (r) => r.model === 'kimi-k2.6' || r.model === 'glm-5.3',
    );
    expect(workerCalls.length).toBeGreaterThan(0);
    for (const call of workerCalls)
      expect((call.body as { tools?: unknown }).tools).toBeUndefined();
    await orchestrator.stop();
  });

  it('retries a rate-limited call on the same model, honouring retry-after', async () => {
    let limited = false;
    const { openAi, orchestrator } = await orchestration(undefined, (request, simulated) => {
      if (!limited && (request.body as { tools?: unknown }).tools) {
        limited = true;
        return { fault: 'rate_limit', retryAfterSeconds: 0.01 };
      }
      return simulated(request);
    });
    const task = await orchestrator.spawn({
      description: 'Fix the typo in README',
      type: 'coding',
      model: 'deepseek',
    });
    expect(await task.result).toMatchObject({ status: 'done' });
    // The 429, then the same first turn again on the same model.
    const workerTurns = openAi.requests.filter((r) => (r.body as { tools?: unknown }).tools);
    expect(workerTurns[1]?.body).toEqual(workerTurns[0]?.body);
    const journal = await orchestrator.store.journal(task.id);
    expect(journal.find((e) => e.kind === 'failed')?.data).toMatchObject({
      transient: true,
      error: expect.stringContaining('HTTP 429'),
    });
    await orchestrator.stop();
  });

  it('escalates with the reason when a provider keeps failing, and never crashes the runtime', async () => {
    const { orchestrator } = await orchestration(
      { fallback_chain: { deepseek: ['minimax'] } },
      (request, simulated) =>
        request.model === 'deepseek-flash' && (request.body as { tools?: unknown }).tools
          ? { fault: 'server_error' }
          : simulated(request),
    );
    const task = await orchestrator.spawn({
      description: 'Add a test for the parser',
      type: 'coding',
      model: 'deepseek',
    });
    const outcome = await task.result;
    expect(outcome.status).toBe('done');
    expect(outcome.decisions[2]).toMatch(
      /^attempt 1: execution failed \(not the model's doing\): deepseek: HTTP 500/,
    );
    expect(outcome.decisions[3]).toMatch(/^escalated to minimax/);
    await orchestrator.stop();
  });

  it('runs a Claude model as a real Claude Code session that edits the working directory', async () => {
    const { orchestrator, workdir } = await orchestration();
    const task = await orchestrator.spawn({
      description: 'Design the plugin architecture',
      type: 'coding',
      model: 'opus',
    });
    const outcome = await task.result;
    expect(outcome).toMatchObject({ status: 'done', model: 'opus' });
    expect(existsSync(join(workdir, 'design-the-plugin-architecture.md'))).toBe(true);
    const journal = await orchestrator.store.journal(task.id);
    const sessions = journal.filter((e) => e.kind === 'session');
    expect(sessions.length).toBeGreaterThan(0);
    expect(journal.find((e) => e.kind === 'result')?.data).toMatchObject({
      costUsd: expect.any(Number),
    });
    await orchestrator.stop();
  }, 60_000);
});

describe('Claude Code edges through the real CLI', () => {
  it("keeps the CLI's own retries off (its settings pass the environment filter) and lets the runtime retry", async () => {
    const { anthropic, orchestrator } = await orchestration({ max_attempts: 1 });
    anthropic.script('sonnet', () => ({ fault: 'server_error' }));
    const task = await orchestrator.spawn({
      description: 'Fix it',
      type: 'coding',
      model: 'sonnet',
    });
    const outcome = await task.result;
    expect(outcome.status).toBe('blocked');
    expect(outcome.decisions[2]).toMatch(
      /^attempt 1: execution failed \(not the model's doing\): Claude Code reported an error/,
    );
    // One request per try: 1 + 2 retries by the runtime, none by the CLI itself.
    expect(anthropic.requests).toHaveLength(3);
    await orchestrator.stop();
  }, 60_000);

  it('ends a Claude Code session whose provider went silent, and retries it: the task goes on', async () => {
    const { anthropic, orchestrator } = await orchestration({
      max_attempts: 1,
      timeouts: { claude_code_idle_seconds: 4 },
    });
    const models = simulatedModels();
    let hung = 0;
    anthropic.script('sonnet', (request) => {
      if (hung === 0 && /Task \(/.test(JSON.stringify(request.body))) {
        hung += 1;
        return { fault: 'hang' };
      }
      return models.anthropic(request);
    });
    const task = await orchestrator.spawn({
      description: 'Fix it',
      type: 'coding',
      model: 'sonnet',
    });
    const journal = async () => orchestrator.store.journal(task.id);
    const outcome = await task.result;
    expect(hung, JSON.stringify(outcome.decisions)).toBe(1);
    expect(outcome.decisions, JSON.stringify(outcome.decisions)).toContain(
      'attempt 1: review rejected (quality 4)',
    );
    expect((await journal()).find((e) => e.kind === 'failed')?.data).toMatchObject({
      error: 'the Claude Code CLI was silent for 4 s waiting on the model; ended',
      transient: true,
    });
    await orchestrator.stop();
  }, 60_000);

  it('starts a new session when the journaled one has no transcript to resume', async () => {
    const { anthropic, loaded, model } = await providerServers();
    anthropic.script('sonnet', [{ text: 'done afresh' }]);
    const base = mkdtempSync(join(tmpdir(), 'cto-state-'));
    const [stateDir, workdir, home] = [join(base, 'state'), join(base, 'work'), join(base, 'home')];
    for (const dir of [stateDir, workdir, home]) mkdirSync(dir);
    const ports = createModelPorts({
      config: () => loaded.config,
      stateDir,
      cwd: workdir,
      env: { ...claudeEnv, HOME: home },
      homeDir: home,
    });
    const journal = memoryJournal([
      { kind: 'session', data: { sessionId: '00000000-0000-4000-8000-000000000000' } },
    ]);
    const call = executeCall(model('sonnet'), 'say done', journal);
    const { notes } = call;
    const result = await ports.execute(call);
    expect(result.output).toBe('done afresh');
    expect(notes[0]).toMatch(/has no transcript to resume; starting a new session/);
    expect(journal.all.filter((e) => e.kind === 'session')).toHaveLength(2);
  }, 60_000);
});

describe('usage of failed calls', () => {
  it('counts the turns of a tool loop that hit the turn limit, in the journal and in the budget', async () => {
    const { openAi, orchestrator } = await orchestration(
      { max_turns: 2, max_attempts: 1 },
      (request, simulated) =>
        request.model === 'deepseek-flash' && (request.body as { tools?: unknown }).tools
          ? {
              toolCalls: [{ name: 'list_directory', arguments: {} }],
              usage: { prompt_tokens: 1000, completion_tokens: 10 },
            }
          : simulated(request),
    );
    const task = await orchestrator.spawn({
      description: 'Loop forever',
      type: 'coding',
      model: 'deepseek',
    });
    expect((await task.result).status).toBe('blocked');
    const failed = (await orchestrator.store.journal(task.id)).find((e) => e.kind === 'failed');
    expect(failed?.data).toMatchObject({
      error: 'deepseek was still calling tools after 2 turns',
      usage: { inputTokens: 2000, outputTokens: 20, costUsd: expect.any(Number) },
    });
    expect((await orchestrator.status()).usedToday.external).toBeGreaterThanOrEqual(2020);
    expect(openAi.requests.filter((r) => (r.body as { tools?: unknown }).tools)).toHaveLength(2);
    await orchestrator.stop();
  });
});
