import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createModelPorts } from '../../agents/create-model-ports.js';
import { staticConfigSource } from '../../src/config/static-config-source.js';
import { createOrchestrator } from '../../src/runtime/create-orchestrator.js';
import { simulatedModels } from '../../src/simulate/simulated-models.js';
import type { RecordedRequest } from '../../src/testing/recorded-request.js';
import type { ScriptedReply } from '../../src/testing/scripted-reply.js';
import { providerServers } from '../helpers/test-models.js';

const isWorkerTurn = (r: RecordedRequest) =>
  r.model === 'deepseek-flash' && Array.isArray((r.body as { tools?: unknown }).tools);

/** Runs one coding task on deepseek whose first worker turn gets `fault`, the rest simulated. */
async function taskWithFault(fault: ScriptedReply, options: { faultEveryTime?: boolean } = {}) {
  // A hang is found by the idle timeout: the whole-call limit stays out of the way of a busy machine.
  const servers = await providerServers({
    fallback_chain: { deepseek: ['minimax'] },
    max_attempts: 2,
    timeouts: { idle_seconds: 1 },
  });
  const models = simulatedModels();
  let faults = 0;
  servers.openAi.script(
    () => true,
    (request) => {
      if (isWorkerTurn(request) && (options.faultEveryTime || faults === 0)) {
        faults += 1;
        return fault;
      }
      return models.openAi(request);
    },
  );
  servers.anthropic.script(() => true, models.anthropic);
  const stateDir = mkdtempSync(join(tmpdir(), 'cto-faults-'));
  const orchestrator = createOrchestrator({
    ports: createModelPorts({
      config: () => servers.loaded.config,
      stateDir,
      cwd: stateDir,
      env: { PATH: process.env.PATH },
      homeDir: stateDir,
    }),
    config: staticConfigSource(servers.loaded),
    store: ':memory:',
    retry: { baseDelayMs: 1, maxDelayMs: 5, maxRetries: 2, cooldownAfter: 10 },
    // Long enough for the tool loop's sandboxed commands on a loaded machine.
    timeouts: { executeMs: 60_000 },
  });
  const task = await orchestrator.spawn({
    description: 'Add a test for the parser',
    type: 'coding',
    model: 'deepseek',
  });
  const outcome = await task.result;
  const journal = await orchestrator.store.journal(task.id);
  await orchestrator.stop();
  return { outcome, journal, requests: servers.openAi.requests };
}

describe('the fault matrix: every provider fault ends retried or escalated with a reason', () => {
  it.each([
    ['rate_limit', { fault: 'rate_limit', retryAfterSeconds: 0.01 }, /HTTP 429/],
    ['server_error', { fault: 'server_error' }, /HTTP 500/],
    ['malformed', { fault: 'malformed' }, /unreadable reply/],
    ['cut', { fault: 'cut' }, /deepseek: /],
    ['hang', { fault: 'hang' }, /no data from the provider for 1 s/],
  ] as const)(
    'a %s once is retried on the same model, and the task is done',
    async (_name, fault, reason) => {
      const { outcome, journal } = await taskWithFault(fault);
      expect(outcome.status).toBe('done');
      const failed = journal.filter((e) => e.kind === 'failed');
      expect(failed, JSON.stringify(failed)).toHaveLength(1);
      expect(failed[0]?.data).toMatchObject({
        transient: true,
        error: expect.stringMatching(reason),
      });
      // The retry was on deepseek: its first attempt went on to a tool call.
      expect(journal.some((e) => e.kind === 'tool-finished')).toBe(true);
    },
  );

  it.each([
    ['server_error', { fault: 'server_error' }, /HTTP 500/],
    ['hang', { fault: 'hang' }, /no data from the provider for 1 s/],
  ] as const)(
    'a %s that lasts fails the attempt after the retries, and the task escalates with the reason',
    async (_name, fault, reason) => {
      const { outcome } = await taskWithFault(fault, { faultEveryTime: true });
      // minimax's work is then rejected once by the simulated CTO: blocked at max_attempts 2.
      expect(outcome.decisions[2]).toMatch(
        /^attempt 1: execution failed( \(not the model's doing\))?: /,
      );
      expect(outcome.decisions[2]).toMatch(reason);
      expect(outcome.decisions[3]).toMatch(/^escalated to minimax: deepseek could not run it \(/);
      expect(outcome.decisions[4]).toBe('attempt 2: review rejected (quality 4)');
      expect(outcome.decisions[4]).toMatch(/^attempt 2: review/); // minimax did the work
    },
  );

  it.each([
    [
      'invalid tool-call arguments',
      { toolCalls: [{ name: 'write_file', arguments: '{"path": "a.txt", ' }] },
      /arguments/i,
    ],
    [
      'an unknown tool name',
      { toolCalls: [{ name: 'format_disk', arguments: {} }] },
      /format_disk/,
    ],
  ] satisfies [string, ScriptedReply, RegExp][])(
    '%s is answered to the model, which carries on',
    async (_name, reply, said) => {
      const { outcome, requests } = await taskWithFault(reply);
      expect(outcome.status).toBe('done');
      const answered = requests.filter(isWorkerTurn)[1]?.body as {
        messages: { role: string; content: string }[];
      };
      const toolMessage = answered.messages.at(-1);
      expect(toolMessage?.role).toBe('tool');
      expect(toolMessage?.content).toMatch(said);
    },
  );
});
