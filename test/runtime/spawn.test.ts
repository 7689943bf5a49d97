import { describe, expect, it } from 'vitest';
import { createConfigSource } from '../../src/config/config-source.js';
import { createOrchestrator } from '../../src/runtime/create-orchestrator.js';
import { SimulatedClock } from '../../src/runtime/simulated-clock.js';
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
  it('gives tasks ids that sort by creation, so that their rows sit together in the store', async () => {
    const sandbox = createSandbox();
    const clock = new SimulatedClock(1_764_000_000_000);
    const orchestrator = createOrchestrator({
      ports: scriptedPorts(),
      config: createConfigSource({ environment: () => sandbox.io() }),
      store: ':memory:',
      clock,
    });
    const ids: string[] = [];
    for (const description of ['first', 'second', 'third']) {
      ids.push(await orchestrator.submit(description));
      clock.advance(1);
    }
    ids.push((await orchestrator.spawn('fourth')).id);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]?.slice(0, 7)).toBe('V3U4EJE');
    await orchestrator.stop();
  });
});
