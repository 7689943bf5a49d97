import { type Command, Option } from 'commander';
import { maskKeys } from '../log/mask-keys.js';
import { type TaskStatus, taskStatusSchema } from '../store/store.js';
import type { CliIo } from './cli-io.js';
import { ExitCode } from './exit-code.js';
import { openRuntime, type RuntimeOptions } from './open-runtime.js';
import { simulatedStoreHint } from './simulated-store-hint.js';

/**
 * `cto list [--status S] [--limit N] [--json]`: the stored tasks, newest first, one line each.
 *
 * @example
 * addListCommand(program, io);
 */
export function addListCommand(program: Command, io: CliIo): void {
  program
    .command('list')
    .description('the stored tasks, newest first: id, status, when, and the task')
    .addOption(
      new Option(
        '--status <status>',
        'only tasks in this state (repeat or comma-separate)',
      ).argParser((value: string, previous: string[] = []) => [...previous, ...value.split(',')]),
    )
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .action(async (options: { status?: string[]; limit: string; json?: boolean }) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw new ExitCode(1, ['--limit: expected a positive integer']);
      const statuses: TaskStatus[] = [];
      for (const value of options.status ?? []) {
        const parsed = taskStatusSchema.safeParse(value.trim());
        if (!parsed.success)
          throw new ExitCode(1, [
            `--status ${value}: no such state; states: ${taskStatusSchema.options.join(', ')}`,
          ]);
        statuses.push(parsed.data);
      }
      const globals = program.opts<RuntimeOptions>();
      const runtime = await openRuntime(io, globals, { readOnly: true });
      try {
        // A row that cannot be read is listed as such, in its place, and the rest as they are.
        const tasks = await runtime.orchestrator.list({
          ...(statuses.length ? { status: statuses } : {}),
          limit,
          withUnreadable: true,
        });
        const shown = tasks.map((task) => ({
          id: task.id,
          status: task.status,
          createdAt: isoTime(task.createdAt),
          updatedAt: isoTime(task.updatedAt),
          ...(task.unreadable === undefined
            ? {
                description: maskKeys(task.input.description),
                ...(task.input.retryOf ? { retryOf: task.input.retryOf } : {}),
              }
            : { unreadable: maskKeys(task.unreadable) }),
        }));
        if (options.json) {
          io.stdout(`${JSON.stringify(shown, null, 2)}\n`);
          return;
        }
        if (shown.length === 0) {
          io.stdout('no tasks\n');
          const hint = simulatedStoreHint(io, globals);
          if (hint) io.stderr(`${hint}\n`);
          return;
        }
        for (const task of shown) {
          if ('unreadable' in task) {
            io.stdout(
              `${task.id}  ${'unreadable'.padEnd(11)} ${task.updatedAt}  ${task.unreadable}\n`,
            );
            continue;
          }
          const text = task.description.split('\n')[0]?.slice(0, 80) ?? '';
          io.stdout(
            `${task.id}  ${task.status.padEnd(11)} ${task.updatedAt}  ${text}${task.retryOf ? `  (retry of ${task.retryOf})` : ''}\n`,
          );
        }
      } finally {
        await runtime.close();
      }
    });
}

/** A stored time as ISO text; `?` for one that is not a time (in a row that cannot be read). */
function isoTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? '?' : date.toISOString();
}
