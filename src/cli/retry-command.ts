import type { Command } from 'commander';
import type { CliIo } from './cli-io.js';
import type { RuntimeOptions } from './open-runtime.js';
import { runToEnd } from './run-command.js';

/**
 * `cto retry <id> [--json]`: runs an ended (blocked, cancelled or done) task's input again as a
 * new task linked to the old one, to its end, as `cto run` does.
 *
 * @example
 * addRetryCommand(program, io);
 */
export function addRetryCommand(program: Command, io: CliIo): void {
  program
    .command('retry <task>')
    .description('run an ended task again as a new task linked to it (a new chain of attempts)')
    .option('--json', 'print the outcome as JSON (no live view)')
    .action((taskId: string, options: { json?: boolean }) =>
      runToEnd(io, program.opts<RuntimeOptions>(), options.json === true, (orchestrator) =>
        orchestrator.retry(taskId),
      ),
    );
}
