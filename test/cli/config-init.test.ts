import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { presetNameSchema } from '../../src/config/presets.js';
import { createSandbox, everyModelKey } from '../helpers/sandbox.js';

describe('cto config init', () => {
  it.each(presetNameSchema.options)('writes a valid config for the %s preset', async (preset) => {
    const sandbox = createSandbox(everyModelKey);
    const init = await sandbox.cli('config', 'init', '--preset', preset);
    const path = join(sandbox.cwd, 'orchestrator_config.json');
    expect(init).toEqual({ code: 0, stdout: `wrote ${path} (preset ${preset})\n`, stderr: '' });
    expect(await sandbox.cli('config', 'validate')).toMatchObject({ code: 0, stdout: 'OK\n' });
  });

  it('writes the presets SPEC §2 describes', async () => {
    const sandbox = createSandbox();
    const read = async (preset: string) => {
      await sandbox.cli('config', 'init', '--preset', preset, '--force');
      const { stdout } = await sandbox.cli('config', 'show', '--json');
      const shown = JSON.parse(stdout);
      const enabled = shown.models
        .filter((m: { enabled: boolean }) => m.enabled)
        .map((m: { id: string }) => m.id);
      return {
        cto: shown.config.cto_model,
        strategy: shown.config.model_selection_strategy,
        enabled,
        cost: shown.config.cost_optimization.enabled,
      };
    };
    expect(await read('save-money')).toEqual({
      cto: 'deepseek',
      strategy: 'cost_aware',
      enabled: ['haiku', 'sonnet', 'opus', 'deepseek', 'minimax', 'kimi', 'glm', 'gemini'],
      cost: true,
    });
    expect(await read('max-quality')).toEqual({
      cto: 'opus',
      strategy: 'quality',
      enabled: ['haiku', 'sonnet', 'opus'],
      cost: false,
    });
    expect(await read('balanced')).toEqual({
      cto: 'sonnet',
      strategy: 'balanced',
      enabled: ['haiku', 'sonnet', 'opus', 'kimi', 'glm'],
      cost: true,
    });
    expect(await read('emergency')).toMatchObject({ enabled: ['haiku', 'sonnet', 'opus'] });
    expect(await read('minimal')).toMatchObject({ cto: 'deepseek', enabled: ['deepseek'] });
    expect(await read('research-only')).toMatchObject({
      enabled: ['haiku', 'sonnet', 'opus', 'kimi', 'glm', 'gemini'],
    });
  });

  it('refuses to overwrite an existing file without --force', async () => {
    const sandbox = createSandbox();
    const path = sandbox.write('orchestrator_config.json', '{ "cto_model": "opus" } // mine');
    const refused = await sandbox.cli('config', 'init', '--preset', 'minimal');
    expect(refused).toEqual({
      code: 1,
      stdout: '',
      stderr: `${path} already exists; use --force to overwrite it\n`,
    });
    expect(readFileSync(path, 'utf8')).toBe('{ "cto_model": "opus" } // mine');
    expect((await sandbox.cli('config', 'init', '--preset', 'minimal', '--force')).code).toBe(0);
    expect(JSON.parse(readFileSync(path, 'utf8')).cto_model).toBe('deepseek');
  });

  it('writes to --file, creating its directory', async () => {
    const sandbox = createSandbox();
    const { code } = await sandbox.cli(
      'config',
      'init',
      '--preset',
      'testing',
      '--file',
      '~/.config/cto/orchestrator_config.json',
    );
    expect(code).toBe(0);
    expect(
      JSON.parse(readFileSync(join(sandbox.home, '.config/cto/orchestrator_config.json'), 'utf8'))
        .cto_model,
    ).toBe('sonnet');
  });

  it('rejects an unknown preset in one line', async () => {
    const sandbox = createSandbox();
    const result = await sandbox.cli('config', 'init', '--preset', 'cheapest');
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')[0]).toBe(
      "error: option '--preset <name>' argument 'cheapest' is invalid. Allowed choices are save-money, max-quality, balanced, testing, emergency, minimal, research-only.",
    );
  });
});
