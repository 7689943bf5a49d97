import { describe, expect, it } from 'vitest';
import { TaskInputError } from '../../src/runtime/create-orchestrator.js';
import { testOrchestrator } from '../helpers/test-orchestrator.js';

describe('task input', () => {
  it.each([
    ['', 'task description: expected a non-empty task description'],
    [{ description: '   ' }, 'task description: expected a non-empty task description'],
    [
      { description: 'x', type: 'poetry' },
      'task type: Invalid option: expected one of "bash_command"|"coding"|"research"|"analysis"|"email"|"deployment"',
    ],
    [{ description: 'x', colour: 'red' }, 'task input: Unrecognized key: "colour"'],
  ])('refuses %j in one line, and keeps running', async (input, message) => {
    const { orchestrator } = testOrchestrator();
    const attempt = orchestrator.spawn(input as never);
    await expect(attempt).rejects.toThrow(TaskInputError);
    await expect(attempt).rejects.toThrow(message);
    expect((await (await orchestrator.spawn('a good one')).result).status).toBe('done');
    await orchestrator.stop();
  });
});
