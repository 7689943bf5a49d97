import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { type NetworkAccess, networkAccessSchema } from '../../machines/network-access.js';
import { maxDescriptionChars, type TaskInput, taskTypeSchema } from '../../machines/task-types.js';
import type { CliIo } from './cli-io.js';
import { ExitCode } from './exit-code.js';

export interface TaskOptions {
  type?: TaskInput['type'];
  model?: string;
  workdir?: string;
  network?: string;
  /** Read the task's text from this file instead of the command line. */
  file?: string;
}

/**
 * `--network none`, `--network host` or `--network host1,host2:8443` (an allow list), as the
 * task's network access; one line naming the problem otherwise.
 *
 * @example
 * parseNetwork('registry.npmjs.org,127.0.0.1:4000'); // { allow: ['registry.npmjs.org', '127.0.0.1:4000'] }
 */
export function parseNetwork(value: string): NetworkAccess {
  const raw =
    value === 'none' || value === 'host' ? value : { allow: value.split(',').map((h) => h.trim()) };
  const parsed = networkAccessSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ExitCode(1, [`--network ${value}: ${issue?.message ?? 'not a network setting'}`]);
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
    )
    .option(
      '--network <access>',
      "what the task's commands may reach: none, host, or host[:port],… (default: the configuration's sandbox.network)",
    )
    .option(
      '--file <path>',
      `read the task from a file (or give the task as - to read standard input); at most ${maxDescriptionChars.toLocaleString('en-US')} characters`,
    );
}

/**
 * The task's text: the argument, standard input when it is `-`, or `--file`. One of them, or
 * a one-line error.
 *
 * @example
 * await taskText(io, '-', {}); // what was piped in
 */
export async function taskText(
  io: CliIo,
  argument: string | undefined,
  options: TaskOptions,
): Promise<string> {
  if (options.file !== undefined) {
    if (argument !== undefined)
      throw new ExitCode(1, ['give the task as an argument or with --file, not both']);
    try {
      return readFileSync(resolve(io.cwd, options.file), 'utf8');
    } catch (error) {
      throw new ExitCode(1, [
        `--file ${options.file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      ]);
    }
  }
  if (argument === '-') {
    if (!io.readStdin) throw new ExitCode(1, ['no standard input to read the task from']);
    return io.readStdin();
  }
  if (argument === undefined)
    throw new ExitCode(1, [
      'give the task: as an argument, - for standard input, or --file <path>',
    ]);
  return argument;
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
    ...(options.network ? { network: parseNetwork(options.network) } : {}),
    source,
  };
}
