import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSandbox } from '../helpers/sandbox.js';

describe('the log file', () => {
  it('has taskId, requestId, model and phase on every line about a task, and no key', async () => {
    const sandbox = createSandbox({ DEEPSEEK_API_KEY: 'sk-real-looking-key-123456' });
    const { code } = await sandbox.cli('run', '--simulate', 'Add a flag', '--type', 'coding');
    expect(code).toBe(0);
    const text = readFileSync(join(sandbox.cwd, '.cto', 'simulated', 'cto.log'), 'utf8');
    const lines = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const aboutTasks = lines.filter((line) => 'taskId' in line);
    expect(aboutTasks.length).toBeGreaterThan(5);
    for (const line of aboutTasks) {
      expect(Object.keys(line)).toEqual(
        expect.arrayContaining(['taskId', 'requestId', 'model', 'phase']),
      );
    }
    expect(text).not.toContain('sk-real-looking-key-123456');
    expect(text).not.toContain('simulated-key-0000');
  }, 60_000);
});
