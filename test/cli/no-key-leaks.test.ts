import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createConfigSource } from '../../src/config/config-source.js';
import { createLogger } from '../../src/log/logger.js';
import { createSandbox, everyModelKey } from '../helpers/sandbox.js';

const envKey = 'sk-envsecret-1111111111117777';
const fileKey = 'sk-filesecret-2222222222228888';

function keyedSandbox() {
  // Every other model has a key too, so that validate finds nothing to report.
  const { KIMI_API_KEY: _fromTheFile, ...others } = everyModelKey;
  const sandbox = createSandbox({ ...others, DEEPSEEK_API_KEY: envKey });
  sandbox.write('~/agents/kimi/config.json', { api_key: fileKey }, 0o644);
  return sandbox;
}

describe('API keys are never printed', () => {
  it('are masked in cto config show, as text and JSON', async () => {
    const sandbox = keyedSandbox();
    for (const args of [
      ['config', 'show'],
      ['config', 'show', '--json'],
      ['config', 'validate'],
    ]) {
      const { code, stdout, stderr } = await sandbox.cli(...args);
      expect(code).toBe(0);
      const printed = stdout + stderr;
      expect(printed).not.toContain(envKey);
      expect(printed).not.toContain(fileKey);
      expect(printed).not.toContain('1111111111');
      expect(printed).not.toContain('2222222222');
    }
    const { stdout } = await sandbox.cli('config', 'show');
    expect(stdout).toContain('sk-…7777 (env DEEPSEEK_API_KEY)');
    expect(stdout).toContain('sk-…8888 (file');
  });

  it('never reach the log file, even when a whole loaded config is logged', () => {
    const sandbox = keyedSandbox();
    const logFile = join(sandbox.cwd, '.cto', 'cto.log');
    const logger = createLogger({ file: logFile, verbose: true });
    const source = createConfigSource({ environment: () => sandbox.io(), logger });
    const loaded = source.current();
    logger.debug({ loaded, models: loaded.models }, 'loaded configuration');
    logger.info({ api_key: fileKey, provider: { api_key: envKey } }, 'raw fields');
    sandbox.write('orchestrator_config.json', '{ broken');
    source.current();
    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain('loaded configuration');
    expect(log).toContain('configuration change rejected');
    expect(log).toContain('holds an API key');
    expect(log).not.toContain(envKey);
    expect(log).not.toContain(fileKey);
    expect(log).not.toContain('1111111111');
  });
});
