import { describe, expect, it } from 'vitest';
import { createSandbox, everyModelKey } from '../helpers/sandbox.js';

const file = 'orchestrator_config.json';
const plane = { workspace: 'acme', projects: ['WEB'] };

describe('task_sources.plane in cto config validate', () => {
  it('accepts the documented section with the key from the environment', async () => {
    const sandbox = createSandbox({
      ...everyModelKey,
      PLANE_API_KEY: 'plane_api_0123456789abcdef',
    });
    sandbox.write(file, {
      task_sources: {
        plane: {
          ...plane,
          base_url: 'https://plane.example.org',
          pick_up: { states: ['Todo'], labels: ['cto'] },
          move_to: { started: 'In Progress', done: 'Done', blocked: 'Blocked' },
          overrides: { type_prefix: 'type:', model_prefix: 'model:' },
          poll_interval_seconds: 30,
        },
      },
    });
    expect(await sandbox.cli('config', 'validate')).toMatchObject({ code: 0, stdout: 'OK\n' });
    const loaded = sandbox.load().taskSources.plane;
    expect(loaded).toMatchObject({
      baseUrl: 'https://plane.example.org',
      apiKeySource: 'env PLANE_API_KEY',
      pickUp: { states: ['Todo'], labels: ['cto'] },
      moveTo: { started: 'In Progress', done: 'Done', blocked: 'Blocked' },
      pollIntervalMs: 30_000,
      webhook: null,
    });
    expect(loaded?.apiKey.reveal()).toBe('plane_api_0123456789abcdef');
  });

  it('names typos, bad values and missing keys, one line each', async () => {
    const sandbox = createSandbox(everyModelKey);
    sandbox.write(file, {
      task_sources: {
        plane: { ...plane, projcts: ['WEB'], poll_interval_seconds: 0, move_to: { dne: 'Done' } },
      },
    });
    const broken = await sandbox.cli('config', 'validate');
    expect(broken.code).toBe(1);
    expect(broken.stdout.split('\n').filter(Boolean)).toEqual([
      'task_sources.plane.move_to.dne: unknown key; did you mean "done"?',
      'task_sources.plane.poll_interval_seconds: expected a number of seconds from 1 to 86400, got 0',
      'task_sources.plane.projcts: unknown key; did you mean "projects"?',
    ]);
    sandbox.write(file, {
      task_sources: { plane: { ...plane, pick_up: { states: ['Todo', 'Done'] }, webhook: {} } },
    });
    const noKey = await sandbox.cli('config', 'validate');
    expect(noKey.stdout.replaceAll(sandbox.home, 'HOME').split('\n').filter(Boolean)).toEqual([
      'task_sources.plane: no API key: set PLANE_API_KEY, or "api_key" in HOME/agents/plane/config.json (Plane: Profile settings → Personal access tokens)',
      'task_sources.plane.move_to.done: "Done" is also a pick_up state: an item would be picked up again once its task ended',
      'task_sources.plane.webhook: no secret: set PLANE_WEBHOOK_SECRET, or "webhook_secret" in HOME/agents/plane/config.json (the secret Plane shows when the webhook is made)',
    ]);
    // Turned off, nothing of it is needed.
    sandbox.write(file, { task_sources: { plane: { ...plane, enabled: false } } });
    expect((await sandbox.cli('config', 'validate')).code).toBe(0);
  });

  it('reads the key from the agents-style key file, warns when others can read it, and never prints it', async () => {
    const sandbox = createSandbox(everyModelKey);
    sandbox.write(file, { task_sources: { plane } });
    const keyFile = sandbox.write(
      '~/agents/plane/config.json',
      { api_key: 'plane_api_secretvalue0001', webhook_secret: 'whsec_secretvalue0002' },
      0o644,
    );
    const validated = await sandbox.cli('config', 'validate');
    expect(validated.code).toBe(0);
    expect(validated.stdout).toContain(
      `warning: ${keyFile} holds a Plane key and can be read by group or others (mode 0644); run: chmod 600 ${keyFile}`,
    );
    expect(sandbox.load().taskSources.plane?.apiKeySource).toBe(`file ${keyFile}`);
    for (const argv of [
      ['config', 'show'],
      ['config', 'show', '--json'],
      ['config', 'validate', '--json'],
    ]) {
      const shown = await sandbox.cli(...argv);
      expect(`${shown.stdout}${shown.stderr}`).not.toMatch(/secretvalue/);
    }
  });
});
