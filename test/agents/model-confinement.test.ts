import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createModelConfinement } from '../../agents/model-confinement.js';
import { defaultConfig } from '../../src/config/default-config.js';
import type { EffectiveConfig } from '../../src/config/effective-config.js';
import type { ResolvedModel } from '../../src/config/resolved-model.js';
import { ModelCallError } from '../../src/runtime/model-ports.js';

const home = mkdtempSync(join(tmpdir(), 'cto-confine-'));
const model = (id: string, api_url: string | null = null) =>
  ({ id, api_url, agent_config_path: join(home, 'agents', id, 'config.json') }) as ResolvedModel;

function confinementWith(
  sandbox: Partial<EffectiveConfig['sandbox']>,
  env: Record<string, string> = {},
) {
  const config = { ...defaultConfig(), sandbox: { ...defaultConfig().sandbox, ...sandbox } };
  return createModelConfinement({
    config: () => config,
    env: { PATH: process.env.PATH ?? '', ...env },
    home,
    stateDir: join(home, 'state'),
  });
}

describe('createModelConfinement', () => {
  it('gives tools no network unless the task, the model or the configuration says so, in that order', async () => {
    const confinement = confinementWith({
      network: 'none',
      models: { deepseek: { network: { allow: ['registry.npmjs.org'] } } },
    });
    expect((await confinement.forTools(model('minimax'), { description: 'x' })).network).toBe(
      'none',
    );
    expect((await confinement.forTools(model('deepseek'), { description: 'x' })).network).toEqual({
      allow: ['registry.npmjs.org'],
    });
    expect(
      (await confinement.forTools(model('deepseek'), { description: 'x', network: 'host' }))
        .network,
    ).toBe('host');
  });

  it('lets a Claude Code session reach its own API endpoint, whatever else is set', async () => {
    const confinement = confinementWith(
      { network: 'none' },
      { ANTHROPIC_BASE_URL: 'http://127.0.0.1:4000' },
    );
    expect((await confinement.forClaude(model('sonnet'), null)).network).toEqual({
      allow: ['127.0.0.1:4000'],
    });
    expect(
      (
        await confinement.forClaude(model('opus', 'https://gw.example.com/v1'), {
          description: 'x',
          network: { allow: ['pypi.org'] },
        })
      ).network,
    ).toEqual({
      allow: ['gw.example.com:443', 'pypi.org'],
    });
    expect(
      (await confinement.forClaude(model('haiku'), { description: 'x', network: 'none' })).network,
    ).toEqual({ allow: ['127.0.0.1:4000'] });
    expect((await confinementWith({}).forClaude(model('haiku'), null)).network).toEqual({
      allow: ['api.anthropic.com:443'],
    });
  });

  it('keeps the keys of every model met, and the state directory, from every task', async () => {
    const confinement = confinementWith({}, { CTO_AGENTS_DIR: '/srv/keys' });
    const { sandbox } = await confinement.forTools(model('deepseek'), { description: 'x' });
    const protect = sandbox.protect();
    expect(protect.secrets).toEqual(
      expect.arrayContaining([
        join(home, 'agents'),
        join(home, '.ssh'),
        '/srv/keys',
        join(home, 'agents', 'deepseek'),
      ]),
    );
    expect(protect.hidden).toEqual([join(home, 'state')]);
  });

  it('refuses to run tools without a sandbox, naming the cause, unless simulating', async () => {
    const none = confinementWith({}, { PATH: '/nonexistent' });
    const error = await none
      .forTools(model('deepseek'), { description: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelCallError);
    expect(error).toMatchObject({
      transient: false,
      message: expect.stringMatching(/^tools need a sandbox: install bubblewrap/),
    });
    const notices: string[] = [];
    const config = defaultConfig();
    const simulated = createModelConfinement({
      config: () => config,
      env: { PATH: '/nonexistent' },
      home,
      stateDir: join(home, 'state'),
      unconfinedWithoutSandbox: true,
      onNotice: (line) => notices.push(line),
    });
    expect((await simulated.forTools(model('deepseek'), { description: 'x' })).sandbox.kind).toBe(
      'unconfined',
    );
    await simulated.forTools(model('deepseek'), { description: 'y' });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(
      /^notice: no sandbox here \(tools need a sandbox: install bubblewrap.*\); the simulation's tool calls run unconfined$/,
    );
  });
});
