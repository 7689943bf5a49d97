import { describe, expect, it } from 'vitest';
import { createConfigSource } from '../../src/config/config-source.js';
import { createOrchestrator } from '../../src/runtime/create-orchestrator.js';
import { createSandbox } from '../helpers/sandbox.js';
import { scriptedPorts } from '../helpers/scripted-ports.js';

describe('spawning a task', () => {
  it('runs classify, override, execute and review to done', async () => {
    const sandbox = createSandbox();
    const ports = scriptedPorts();
    const orchestrator = createOrchestrator({
      ports,
      config: createConfigSource({ environment: () => sandbox.io() }),
      store: ':memory:',
    });
    const task = await orchestrator.spawn('Add a --json flag');
    const outcome = await task.result;
    expect(outcome).toMatchObject({ status: 'done', attempts: 1, quality: 8 });
    expect(ports.calls.map((c) => [c.kind, c.model])).toEqual([
      ['classify', 'deepseek'],
      ['execute', outcome.model],
      ['review', 'deepseek'],
    ]);
    // Three calls of 100 + 50 tokens: the classification counts as much as the others.
    expect(outcome.usage.inputTokens).toBe(300);
    expect(outcome.usage.outputTokens).toBe(150);
    expect((await orchestrator.get(task.id))?.context.classifyUsage).toMatchObject({
      inputTokens: 100,
      outputTokens: 50,
    });
    await orchestrator.stop();
  });
});
