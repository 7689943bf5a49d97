import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { type TaskInput, taskTypeSchema } from '../../machines/task-types.js';

export interface TaskOptions {
  type?: TaskInput['type'];
  model?: string;
  workdir?: string;
}

/**
 * The options `run` and `submit` share: the task's type, a model to run on, and the working
 * directory its tools are confined to.
 *
 * @example
 * withTaskOptions(program.command('run <task>'));
 */
export function withTaskOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--type <type>', "skip the CTO's guess of the type").choices(
        taskTypeSchema.options,
      ),
    )
    .option('--model <model>', 'run on this model (no cost override; escalation still applies)')
    .option(
      '--workdir <dir>',
      'working directory the tools are confined to (default: the current one)',
    );
}

/**
 * The task input a command line describes.
 *
 * @example
 * taskInput('Fix the flaky test', { type: 'coding' }, 'cli', process.cwd()); // { description, type, source: 'cli' }
 */
export function taskInput(
  description: string,
  options: TaskOptions,
  source: string,
  cwd: string,
): TaskInput {
  return {
    description,
    ...(options.type ? { type: options.type } : {}),
    ...(options.model ? { model: options.model } : {}),
    ...(options.workdir ? { workdir: resolve(cwd, options.workdir) } : {}),
    source,
  };
}
