import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createModelPorts } from '../../agents/create-model-ports.js';
import { staticConfigSource } from '../../src/config/static-config-source.js';
import { createOrchestrator } from '../../src/runtime/create-orchestrator.js';
import { simulatedModels } from '../../src/simulate/simulated-models.js';
import { providerServers } from '../helpers/test-models.js';

describe('a Claude task in a directory no task may run in', () => {
  it("fails as not the model's doing: named, and kept out of the model's history", async () => {
    const servers = await providerServers({ cto_model: 'kimi', max_attempts: 1 });
    const simulated = simulatedModels();
    servers.openAi.script(() => true, simulated.openAi);
    servers.anthropic.script(() => true, simulated.anthropic);
    const home = mkdtempSync(join(tmpdir(), 'cto-home-'));
    const orchestrator = createOrchestrator({
      ports: createModelPorts({
        config: () => servers.loaded.config,
        stateDir: join(home, '.cto'),
        cwd: home,
        env: { PATH: process.env.PATH, HOME: home },
        homeDir: home,
      }),
      config: staticConfigSource(servers.loaded),
      store: ':memory:',
    });
    const task = await orchestrator.spawn({
      description: 'Fix it',
      type: 'coding',
      model: 'sonnet',
    });
    const outcome = await task.result;
    expect(outcome.decisions).toContain(
      `attempt 1: execution failed (not the model's doing): the working directory ${home} is your home directory, with your keys and dotfiles: give the task its project directory (--workdir)`,
    );
    const history = await orchestrator.store.performance();
    expect(history.find((row) => row.model === 'sonnet')).toBeUndefined();
    await orchestrator.stop();
  }, 30_000);
});
