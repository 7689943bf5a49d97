import type { Command } from 'commander';
import type { TaskOutcome } from '../runtime/task-outcome.js';
import type { CliIo } from './cli-io.js';
import { ExitCode } from './exit-code.js';
import { openRuntime, type RuntimeOptions } from './open-runtime.js';
import { outcomeExitCode, outcomeText } from './outcome-text.js';
import { progressLine } from './progress-line.js';
import { type TaskOptions, taskInput, withTaskOptions } from './task-options.js';

/**
 * `cto run "<task>"`: runs one task to its end with a live view, prints the outcome, and exits
 * 0 when done, 2 when blocked, 1 on error. Ctrl-C stops it with the task stored, for
 * `cto resume`.
 *
 * @example
 * addRunCommand(program, io);
 */
export function addRunCommand(program: Command, io: CliIo): void {
  withTaskOptions(
    program.command('run <task>').description('run one task to its end, showing its progress'),
  )
    .option('--json', 'print the outcome as JSON (no live view)')
    .action(async (description: string, options: TaskOptions & { json?: boolean }) => {
      const runtime = await openRuntime(io, program.opts<RuntimeOptions>());
      const stopSignals = io.onSignal?.(() => {
        io.stderr(`\ninterrupted: the task is stored; \`cto resume\` continues it\n`);
        void runtime.close();
      });
      try {
        const task = await runtime.orchestrator.spawn(
          taskInput(description, options, 'cli', io.cwd),
        );
        const started = Date.now();
        let last = '';
        const show = (snapshot: ReturnType<typeof task.actor.getSnapshot>) => {
          const phase = typeof snapshot.value === 'string' ? snapshot.value : 'active';
          const line = progressLine(phase, snapshot.context, Date.now() - started);
          const key = line.replace(/\s+[\d.]+ s$/, ''); // a new line when something but the time changed
          if (key === last) return;
          last = key;
          io.stdout(io.isTerminal ? `\r\x1b[2K${line}` : `${line}\n`);
        };
        if (!options.json) show(task.actor.getSnapshot());
        const live = options.json ? null : task.subscribe(show);
        let outcome: TaskOutcome;
        try {
          outcome = await task.result;
        } catch (error) {
          throw new ExitCode(130, [`stopped: ${(error as Error).message}`]);
        } finally {
          live?.unsubscribe();
        }
        if (io.isTerminal && !options.json) io.stdout('\n');
        io.stdout(options.json ? `${JSON.stringify(outcome, null, 2)}\n` : outcomeText(outcome));
        const code = outcomeExitCode(outcome);
        if (code !== 0) throw new ExitCode(code);
      } finally {
        stopSignals?.();
        await runtime.close();
      }
    });
}
