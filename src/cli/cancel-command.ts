import type { Command } from 'commander';
import { finalStatuses } from '../store/store.js';
import type { CliIo } from './cli-io.js';
import { ExitCode } from './exit-code.js';
import { openRuntime, type RuntimeOptions } from './open-runtime.js';

/**
 * `cto cancel <id> [--reason R]`: cancels a stored task that no live process holds (queued or
 * interrupted); one a `cto serve` runs is cancelled there.
 *
 * @example
 * addCancelCommand(program, io);
 */
export function addCancelCommand(program: Command, io: CliIo): void {
  program
    .command('cancel <task>')
    .description('cancel a queued or interrupted task (it ends as cancelled, kept in the store)')
    .option('--reason <text>', 'why, kept in its decisions', 'cancelled by the user')
    .action(async (taskId: string, options: { reason: string }) => {
      const runtime = await openRuntime(io, program.opts<RuntimeOptions>(), {
        noModelCalls: true,
      });
      try {
        const { orchestrator } = runtime;
        const stored = await orchestrator.get(taskId);
        if (!stored) throw new ExitCode(1, [`cto: no task ${taskId}`]);
        if (finalStatuses.has(stored.status))
          throw new ExitCode(1, [`cto: task ${taskId} has already ended: ${stored.status}`]);
        const status = await orchestrator.cancel(taskId, options.reason);
        io.stdout(`${String(status).padEnd(9)}  ${taskId}  ${options.reason}\n`);
      } finally {
        await runtime.close();
      }
    });
}
