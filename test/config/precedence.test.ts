import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { createSandbox } from '../helpers/sandbox.js';

describe('configuration precedence: defaults < file < environment', () => {
  it('uses the original defaults when there is no file', () => {
    const loaded = createSandbox().load();
    expect(loaded.file).toBeNull();
    expect(loaded.config.cto_model).toBe('deepseek');
    expect(loaded.config.model_selection_strategy).toBe('cost_aware');
    expect(loaded.config.max_attempts).toBe(3);
    expect(loaded.models.filter((m) => !m.enabled).map((m) => m.id)).toEqual(['gemini']);
    expect(loaded.sources.cto_model).toBe('default');
  });

  it('lets the file win over the defaults, and fills what it leaves out', () => {
    const sandbox = createSandbox();
    const path = sandbox.write('orchestrator_config.json', {
      cto_model: 'sonnet',
      cost_optimization: { token_budget_per_day: { claude: 5 } },
    });
    const loaded = sandbox.load();
    expect(loaded.config.cto_model).toBe('sonnet');
    expect(loaded.sources.cto_model).toBe(`file ${path}`);
    expect(loaded.config.cost_optimization.token_budget_per_day).toEqual({
      claude: 5,
      external: 1_000_000,
    });
    expect(loaded.sources['cost_optimization.token_budget_per_day.claude']).toBe(`file ${path}`);
    expect(loaded.sources['cost_optimization.token_budget_per_day.external']).toBe('default');
    expect(loaded.config.cost_optimization.enabled).toBe(true);
  });

  it('lets CTO_MODEL win over the file', () => {
    const sandbox = createSandbox({ CTO_MODEL: 'opus' });
    sandbox.write('orchestrator_config.json', { cto_model: 'sonnet' });
    const loaded = sandbox.load();
    expect(loaded.config.cto_model).toBe('opus');
    expect(loaded.sources.cto_model).toBe('env CTO_MODEL');
  });

  it('restricts to one provider group with MODEL_PROVIDER', () => {
    const claudeOnly = createSandbox({ MODEL_PROVIDER: 'claude', CTO_MODEL: 'sonnet' });
    const loaded = claudeOnly.load();
    expect(loaded.models.filter((m) => m.enabled).map((m) => m.id)).toEqual([
      'haiku',
      'sonnet',
      'opus',
    ]);
    expect(loaded.sources['worker_models.external.deepseek.enabled']).toBe('env MODEL_PROVIDER');

    const externalOnly = createSandbox({ MODEL_PROVIDER: 'openai' }).load();
    expect(externalOnly.models.filter((m) => m.enabled).map((m) => m.id)).toEqual([
      'deepseek',
      'minimax',
      'kimi',
      'glm',
    ]);
  });

  it('finds the file through ORCHESTRATOR_CONFIG first, then ./, then ~/.config/cto/', () => {
    const sandbox = createSandbox();
    const inHome = sandbox.write('~/.config/cto/orchestrator_config.json', { cto_model: 'haiku' });
    expect(sandbox.load().file).toBe(inHome);
    const inCwd = sandbox.write('orchestrator_config.json', { cto_model: 'sonnet' });
    expect(sandbox.load().file).toBe(inCwd);
    const named = sandbox.write('elsewhere/mine.json', { cto_model: 'opus' });
    sandbox.env.ORCHESTRATOR_CONFIG = named;
    const loaded = sandbox.load();
    expect(loaded.file).toBe(named);
    expect(loaded.fileReason).toBe('ORCHESTRATOR_CONFIG');
    expect(loaded.config.cto_model).toBe('opus');
  });

  it('refuses an ORCHESTRATOR_CONFIG that names no file, rather than silently using defaults', () => {
    const sandbox = createSandbox({ ORCHESTRATOR_CONFIG: '/nonexistent/config.json' });
    expect(loadConfig(sandbox.io())).toMatchObject({
      ok: false,
      problems: [
        { where: 'ORCHESTRATOR_CONFIG', message: 'no such file: /nonexistent/config.json' },
      ],
    });
  });
});
