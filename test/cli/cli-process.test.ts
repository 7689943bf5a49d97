import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ctoProcess, startCtoProcess } from '../helpers/cto-process.js';
import { createSandbox } from '../helpers/sandbox.js';

const root = join(import.meta.dirname, '..', '..');
const cto = ctoProcess;

describe('the cto executable', () => {
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;

  it('prints its version and help', async () => {
    const sandbox = createSandbox();
    const env = { HOME: sandbox.home };
    expect(await cto(sandbox.cwd, env, '--version')).toEqual({
      code: 0,
      stdout: `${version}\n`,
      stderr: '',
    });
    const help = await cto(sandbox.cwd, env, 'config', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/show \[options\] +every effective value/);
    expect(help.stdout).toMatch(/validate \[options\] \[file\] +check a config file/);
  });

  it('exits 1 with one clear line for an unknown command, and no stack trace', async () => {
    const sandbox = createSandbox();
    const result = await cto(sandbox.cwd, { HOME: sandbox.home }, 'confgi');
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')[0]).toBe("error: unknown command 'confgi'");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('stops quietly when the reader of its output goes away (`| head -1`)', async () => {
    const sandbox = createSandbox();
    const { child, output, exited } = startCtoProcess(
      sandbox.cwd,
      { HOME: sandbox.home },
      'config',
      'show',
      '--json',
    );
    // Close the pipe before the output is written, as `head` does once it has its line.
    child.stdout?.destroy();
    expect(await exited).toBe(0);
    expect(output.stderr).not.toMatch(/EPIPE|\n\s+at /);
  });

  it('reads ORCHESTRATOR_CONFIG and CTO_MODEL from its environment', async () => {
    const sandbox = createSandbox();
    const path = sandbox.write('x/conf.json', '{ "cto_model": "sonnet", /* a comment */ }');
    const shown = await cto(
      sandbox.cwd,
      { HOME: sandbox.home, ORCHESTRATOR_CONFIG: path },
      'config',
      'show',
      '--json',
    );
    expect(JSON.parse(shown.stdout).sources.cto_model).toBe(`file ${path}`);
    const overridden = await cto(
      sandbox.cwd,
      { HOME: sandbox.home, ORCHESTRATOR_CONFIG: path, CTO_MODEL: 'opus' },
      'config',
      'show',
      '--json',
    );
    expect(JSON.parse(overridden.stdout).config.cto_model).toBe('opus');
  });

  it('validates a broken file with exit 1 and one line, no stack trace', async () => {
    const sandbox = createSandbox();
    const path = sandbox.write('orchestrator_config.json', '{ "max_attempts": "three" }');
    const result = await cto(sandbox.cwd, { HOME: sandbox.home }, 'config', 'validate', path);
    expect(result).toEqual({
      code: 1,
      stdout: 'max_attempts: expected a positive integer, got "three"\n',
      stderr: '',
    });
  });
});
