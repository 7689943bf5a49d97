import type { Command } from 'commander';
import type { CliIo } from './cli-io.js';
import { openRuntime, type RuntimeOptions } from './open-runtime.js';
import { type TaskOptions, taskInput, taskText, withTaskOptions } from './task-options.js';

/**
 * `cto submit "<task>"`: stores a task for `cto serve` to run, and prints its id.
 *
 * @example
 * addSubmitCommand(program, io);
 */
export function addSubmitCommand(program: Command, io: CliIo): void {
  withTaskOptions(
    program.command('submit [task]').description('queue a task in the store for `cto serve`'),
  )
    .option('--json', 'print {"id": …}')
    .action(async (argument: string | undefined, options: TaskOptions & { json?: boolean }) => {
      const description = await taskText(io, argument, options);
      const runtime = await openRuntime(io, program.opts<RuntimeOptions>(), {
        noModelCalls: true,
      });
      try {
        const id = await runtime.orchestrator.submit(
          taskInput(description, options, 'cli submit', io.cwd),
        );
        io.stdout(options.json ? `${JSON.stringify({ id })}\n` : `${id}\n`);
      } finally {
        await runtime.close();
      }
    });
}
