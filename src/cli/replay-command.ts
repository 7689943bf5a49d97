import { replayTask } from '../inspect/replay-task.js';
import type { CliIo } from './cli-io.js';
import { ExitCode } from './exit-code.js';
import { openRuntime, type RuntimeOptions, storeLocation } from './open-runtime.js';

/** At most this long between two replayed events, whatever the original gap. */
const maxPauseMs = 2_000;

/**
 * `cto inspect <task> --replay [--speed x | --step]`: replays a stored task's event log into the
 * inspector (no model is called), paced like the original (faster with `--speed`), or one event
 * per Enter; then keeps the relay up so a viewer can open it, until interrupted.
 *
 * @example
 * await replayCommand(io, globals, 'V1StGXR8_Z5j', { port: '8080', speed: '4' });
 */
export async function replayCommand(
  io: CliIo,
  globals: RuntimeOptions,
  taskId: string,
  options: { port: string; speed: string; step?: boolean },
): Promise<void> {
  const speed = Number(options.speed);
  if (!(speed > 0))
    throw new ExitCode(1, [`--speed: expected a positive number, got ${options.speed}`]);
  if (options.step && !io.readLine)
    throw new ExitCode(1, ['--step needs a terminal to read Enter from']);
  const runtime = await openRuntime(io, { ...globals, inspect: options.port }, { readOnly: true });
  try {
    const { store } = runtime.orchestrator;
    const task = await store.getTask(taskId);
    if (!task) throw new ExitCode(1, [`no task ${taskId} in ${storeLocation(io, globals)}`]);
    const events = await store.events(taskId);
    const inspect = runtime.inspection?.inspect;
    const result = await replayTask(task, events, {
      ...(inspect ? { inspect } : {}),
      onSnapshot: (snapshot, event) =>
        io.stdout(
          `${event.seq}  ${event.event ? String(event.event.type) : 'created'} → ${String(snapshot.value)}\n`,
        ),
      beforeEvent: async (event, previous) => {
        if (options.step) {
          io.stdout('(Enter for the next event) ');
          await io.readLine?.();
          return;
        }
        const pause = Math.min(maxPauseMs, Math.max(0, event.at - previous.at) / speed);
        await new Promise((resolve) => setTimeout(resolve, pause));
      },
    });
    io.stdout(
      `replayed ${result.steps} event(s) of task ${taskId}; ${result.matches ? 'it ends where the stored task stands' : 'it does NOT end where the stored task stands'}\n`,
    );
    io.stderr('the inspector keeps the replay for a viewer; interrupt (Ctrl-C) to stop\n');
    await new Promise<void>((resolve) => {
      const stop = io.onSignal?.(() => {
        stop?.();
        resolve();
      });
      if (!stop) resolve();
    });
  } finally {
    await runtime.close();
  }
}
