import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-problem.js';
import { createConfigSource } from '../../src/config/config-source.js';
import { capturedLogger } from '../helpers/captured-logger.js';
import { createSandbox } from '../helpers/sandbox.js';

describe('config source: reload without restart', () => {
  it('picks up a file change at the next call', () => {
    const sandbox = createSandbox();
    sandbox.write('orchestrator_config.json', { cto_model: 'sonnet' });
    const source = createConfigSource({ environment: () => sandbox.io() });
    expect(source.current().config.cto_model).toBe('sonnet');
    sandbox.write('orchestrator_config.json', { cto_model: 'opus' });
    expect(source.current().config.cto_model).toBe('opus');
  });

  it('picks up a file created after start, and an environment change', () => {
    const sandbox = createSandbox();
    const source = createConfigSource({ environment: () => sandbox.io() });
    expect(source.current().config.cto_model).toBe('deepseek');
    sandbox.write('orchestrator_config.json', { cto_model: 'haiku' });
    expect(source.current().config.cto_model).toBe('haiku');
    sandbox.env.CTO_MODEL = 'opus';
    expect(source.current().config.cto_model).toBe('opus');
    delete sandbox.env.CTO_MODEL;
    expect(source.current().config.cto_model).toBe('haiku');
  });

  it('picks up a changed agent config (a new key) without a restart', () => {
    const sandbox = createSandbox();
    const source = createConfigSource({ environment: () => sandbox.io() });
    expect(source.current().models.find((m) => m.id === 'kimi')?.api_key).toBeNull();
    sandbox.write('~/agents/kimi/config.json', { api_key: 'sk-kimi-00000000000000001' });
    expect(
      source
        .current()
        .models.find((m) => m.id === 'kimi')
        ?.api_key?.reveal(),
    ).toBe('sk-kimi-00000000000000001');
  });

  it('returns the same object while nothing changed', () => {
    const sandbox = createSandbox();
    sandbox.write('orchestrator_config.json', { cto_model: 'sonnet' });
    const source = createConfigSource({ environment: () => sandbox.io() });
    const first = source.current();
    source.current();
    expect(source.current()).toBe(first);
  });

  it('keeps the last good config through a broken edit, reports it once, and recovers', () => {
    const sandbox = createSandbox();
    sandbox.write('orchestrator_config.json', { cto_model: 'sonnet' });
    const { lines, logger } = capturedLogger({ verbose: true });
    const source = createConfigSource({ environment: () => sandbox.io(), logger });
    expect(source.current().config.cto_model).toBe('sonnet');

    const path = sandbox.write('orchestrator_config.json', '{ "cto_model": "opus", oops }');
    for (let pickup = 0; pickup < 5; pickup++)
      expect(source.current().config.cto_model).toBe('sonnet');
    expect(source.status().error).toEqual([`${path}:1:24: syntax error: unexpected character`]);
    const errors = lines.filter((line) => line.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      msg: 'configuration change rejected; the last good configuration stays in use',
      file: path,
    });

    sandbox.write('orchestrator_config.json', { cto_model: 'haiku' });
    expect(source.current().config.cto_model).toBe('haiku');
    expect(source.status().error).toBeNull();
    expect(lines.some((line) => line.msg === 'configuration is valid again')).toBe(true);
  });

  it('keeps the last good config when an edit is valid JSON but an invalid config', () => {
    const sandbox = createSandbox();
    sandbox.write('orchestrator_config.json', { cto_model: 'sonnet' });
    const source = createConfigSource({ environment: () => sandbox.io() });
    source.current();
    sandbox.write('orchestrator_config.json', { cto_model: 'gemini' });
    expect(source.current().config.cto_model).toBe('sonnet');
    expect(source.status().error?.[0]).toMatch(/^cto_model: "gemini" is not enabled/);
  });

  it('throws a ConfigError listing the problems when there has never been a good config', () => {
    const sandbox = createSandbox({ MODEL_PROVIDER: 'azure' });
    const source = createConfigSource({ environment: () => sandbox.io() });
    expect(() => source.current()).toThrow(ConfigError);
    expect(() => source.current()).toThrow(/^MODEL_PROVIDER: expected one of/);
    sandbox.env.MODEL_PROVIDER = 'external';
    expect(source.current().config.cto_model).toBe('deepseek');
  });
});
