import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { createSandbox } from '../helpers/sandbox.js';

function model(sandbox: ReturnType<typeof createSandbox>, id: string) {
  const loaded = sandbox.load();
  return { loaded, model: loaded.models.find((m) => m.id === id) };
}

describe('per-model agent configs', () => {
  it('reads ~/agents/{model}/config.json over the catalog', () => {
    const sandbox = createSandbox();
    const path = sandbox.write('~/agents/deepseek/config.json', {
      provider: 'openai',
      api_key: 'sk-deepseek-0000000000abcd',
      api_url: 'http://127.0.0.1:9999/v1',
      model_id: 'deepseek-v4-pro',
      supports_tools: true,
      max_tokens: 4096,
      temperature: 0.2,
    });
    const { model: deepseek } = model(sandbox, 'deepseek');
    expect(deepseek).toMatchObject({
      api_url: 'http://127.0.0.1:9999/v1',
      model_id: 'deepseek-v4-pro',
      max_tokens: 4096,
      temperature: 0.2,
      api_key_source: `file ${path}`,
      sources: { api_url: `file ${path}`, model_id: `file ${path}` },
    });
  });

  it('honours CTO_AGENTS_DIR', () => {
    const sandbox = createSandbox();
    sandbox.write('agents-here/kimi/config.json', { model_id: 'kimi-k3' });
    sandbox.env.CTO_AGENTS_DIR = `${sandbox.cwd}/agents-here`;
    expect(model(sandbox, 'kimi').model?.model_id).toBe('kimi-k3');
  });

  it('takes the key from <MODEL>_API_KEY over the file', () => {
    const sandbox = createSandbox({ DEEPSEEK_API_KEY: 'sk-from-env-000000000wxyz' });
    sandbox.write('~/agents/deepseek/config.json', { api_key: 'sk-from-file-00000000abcd' });
    const { model: deepseek } = model(sandbox, 'deepseek');
    expect(deepseek?.api_key?.reveal()).toBe('sk-from-env-000000000wxyz');
    expect(deepseek?.api_key_source).toBe('env DEEPSEEK_API_KEY');
  });

  it('names an added model key variable from its id (GPT_4_API_KEY)', () => {
    const sandbox = createSandbox({ GPT_4_API_KEY: 'sk-gpt-0000000000000001' });
    sandbox.write('orchestrator_config.json', {
      provider_endpoints: { 'gpt-4': { api_url: 'https://api.openai.com/v1' } },
    });
    expect(model(sandbox, 'gpt-4').model?.api_key_source).toBe('env GPT_4_API_KEY');
  });

  it('warns, naming the file, when a key sits in a file group or others can read', () => {
    const sandbox = createSandbox();
    const path = sandbox.write(
      '~/agents/kimi/config.json',
      { api_key: 'sk-kimi-0000000000000abcd' },
      0o644,
    );
    const { loaded } = model(sandbox, 'kimi');
    expect(loaded.warnings).toEqual([
      `${path} holds an API key and can be read by group or others (mode 0644); run: chmod 600 ${path}`,
    ]);
  });

  it('does not warn for a mode 600 file, or a readable file without a key', () => {
    const sandbox = createSandbox();
    sandbox.write('~/agents/kimi/config.json', { api_key: 'sk-kimi-0000000000000abcd' }, 0o600);
    sandbox.write('~/agents/glm/config.json', { model_id: 'glm-4.6' }, 0o644);
    expect(model(sandbox, 'kimi').loaded.warnings).toEqual([]);
  });

  it('reports a malformed agent config with its file and field, and an unknown field as a notice', () => {
    const sandbox = createSandbox();
    const path = sandbox.write('~/agents/glm/config.json', { temperature: 'hot' });
    expect(loadConfig(sandbox.io())).toMatchObject({
      ok: false,
      problems: [
        { where: `${path}: temperature`, message: 'expected a number from 0 to 2, got "hot"' },
      ],
    });
    sandbox.write('~/agents/glm/config.json', { api_kye: 'x', model_id: 'glm-4.6' });
    expect(model(sandbox, 'glm').loaded.notices).toContain(
      `${path}: api_kye: unknown key; did you mean "api_key"? (ignored)`,
    );
  });

  it('uses the config_path of provider_endpoints for an added model', () => {
    const sandbox = createSandbox();
    sandbox.write('keys/gpt.json', { api_key: 'sk-gpt-0000000000000002', supports_tools: false });
    sandbox.write('orchestrator_config.json', {
      provider_endpoints: {
        'gpt-4': { api_url: 'https://api.openai.com/v1', config_path: 'keys/gpt.json' },
      },
    });
    expect(model(sandbox, 'gpt-4').model).toMatchObject({
      kind: 'text-only',
      api_key_source: `file ${sandbox.cwd}/keys/gpt.json`,
    });
  });
});
