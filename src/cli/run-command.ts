import type { Command } from 'commander';
import { maskKeysDeep } from '../log/mask-keys.js';
import type { Orchestrator, TaskHandle } from '../runtime/create-orchestrator.js';
import type { TaskOutcome } from '../runtime/task-outcome.js';
import type { CliIo } from './cli-io.js';
import { ExitCode } from './exit-code.js';
import { createLiveView, type LiveView } from './live-view.js';
import { openRuntime, type RuntimeOptions, simulating } from './open-runtime.js';
import { outcomeExitCode, outcomeText } from './outcome-text.js';
import { type TaskOptions, taskInput, taskText, withTaskOptions } from './task-options.js';

/**
 * Starts a task and follows it to its end with a live view (or, with `json`, prints only the
 * outcome as JSON); ends with exit code 0 when done, 2 when blocked, 1 when cancelled, 130
 * when interrupted (the task stays stored, for `cto resume`).
 *
 * @example
 * await runToEnd(io, program.opts(), false, (orchestrator) => orchestrator.spawn('Fix the build'));
 */
export async function runToEnd(
  io: CliIo,
  globals: RuntimeOptions,
  json: boolean,
  start: (orchestrator: Orchestrator) => Promise<TaskHandle>,
): Promise<void> {
  let view: LiveView | null = null;
  let taskId: string | null = null;
  const runtime = await openRuntime(io, globals, {
    onProgress: (activity) => {
      if (activity.taskId === taskId) view?.note(activity);
    },
  });
  let interrupted = false;
  const stopSignals = io.onSignal?.(() => {
    interrupted = true;
    const resume = simulating(io, globals) ? 'cto resume --simulate' : 'cto resume';
    io.stderr(`\ninterrupted: the task is stored; \`${resume}\` continues it\n`);
    void runtime.close();
  });
  try {
    const task = await start(runtime.orchestrator);
    taskId = task.id;
    view = json ? null : createLiveView(io, Date.now());
    const show = (snapshot: ReturnType<typeof task.actor.getSnapshot>) =>
      view?.update(
        typeof snapshot.value === 'string' ? snapshot.value : 'active',
        snapshot.context,
      );
    show(task.actor.getSnapshot());
    const live = view ? task.subscribe(show) : null;
    let outcome: TaskOutcome;
    try {
      outcome = await task.result;
    } catch (error) {
      // After Ctrl-C the line above has said what happened; the library's wording would repeat it.
      throw new ExitCode(130, interrupted ? [] : [`stopped: ${(error as Error).message}`]);
    } finally {
      live?.unsubscribe();
    }
    view?.end();
    // Shown like `cto status`: a key pasted into the task (and echoed by a model) is masked.
    const shown = maskKeysDeep(outcome);
    io.stdout(json ? `${JSON.stringify(shown, null, 2)}\n` : outcomeText(shown));
    const code = outcomeExitCode(outcome);
    if (code !== 0) throw new ExitCode(code);
  } finally {
    stopSignals?.();
    await runtime.close();
  }
}

/**
 * `cto run "<task>"` (or `-` for standard input, or `--file F`): runs one task to its end with a
 * live view, prints the outcome, and exits 0 when done, 2 when blocked, 1 on error, 130 when
 * interrupted. Ctrl-C stops it with the task stored, for `cto resume`.
 *
 * @example
 * addRunCommand(program, io);
 */
export function addRunCommand(program: Command, io: CliIo): void {
  withTaskOptions(
    program
      .command('run [task]')
      .description(
        'run one task to its end, showing its progress (task - reads standard input); exit 0 done, 2 blocked, 1 error or cancelled, 130 interrupted (Ctrl-C; the task stays stored for `cto resume`)',
      ),
  )
    .option('--json', 'print the outcome as JSON (no live view)')
    .action(async (argument: string | undefined, options: TaskOptions & { json?: boolean }) => {
      const description = await taskText(io, argument, options);
      await runToEnd(io, program.opts<RuntimeOptions>(), options.json === true, (orchestrator) =>
        orchestrator.spawn(taskInput(description, options, 'cli', io.cwd)),
      );
    });
}
