import { describe, expect, it } from 'vitest';
import { createSandbox } from '../helpers/sandbox.js';

describe('cto config show', () => {
  it('prints every effective value with its source', async () => {
    const sandbox = createSandbox({ CTO_MODEL: 'opus' });
    const path = sandbox.write('orchestrator_config.json', { model_selection_strategy: 'quality' });
    const { code, stdout } = await sandbox.cli('config', 'show');
    expect(code).toBe(0);
    expect(stdout).toContain(`config file: ${path} (default location)`);
    expect(stdout).toMatch(/^cto_model +"opus" +env CTO_MODEL$/m);
    expect(stdout).toMatch(new RegExp(`^model_selection_strategy +"quality" +file ${path}$`, 'm'));
    expect(stdout).toMatch(/^max_attempts +3 +default$/m);
    expect(stdout).toMatch(/^ {2}deepseek +openai-tools +2 +yes /m);
    expect(stdout).toMatch(/^ {2}gemini +text-only +2 +no /m);
  });

  it('prints JSON with --json, including models and sources', async () => {
    const sandbox = createSandbox();
    const { code, stdout } = await sandbox.cli('config', 'show', '--json');
    expect(code).toBe(0);
    const shown = JSON.parse(stdout);
    expect(shown.config.cto_model).toBe('deepseek');
    expect(shown.sources.cto_model).toBe('default');
    expect(shown.models).toHaveLength(8);
    expect(shown.models[0]).toMatchObject({ id: 'haiku', kind: 'claude-code', api_key: null });
  });

  it('uses the file given with --config', async () => {
    const sandbox = createSandbox();
    const path = sandbox.write('custom.json', { cto_model: 'haiku' });
    const { stdout } = await sandbox.cli('--config', path, 'config', 'show', '--json');
    expect(JSON.parse(stdout).config.cto_model).toBe('haiku');
  });

  it('explains an invalid configuration in one line per problem on stderr, exit 1', async () => {
    const sandbox = createSandbox();
    sandbox.write('orchestrator_config.json', { cto_model: 'gemini' });
    const result = await sandbox.cli('config', 'show');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^cto_model: "gemini" is not enabled/);
  });
});
