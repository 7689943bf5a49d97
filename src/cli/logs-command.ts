import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { maskKeys } from '../log/mask-keys.js';
import type { CliIo } from './cli-io.js';
import { ExitCode } from './exit-code.js';
import { type RuntimeOptions, stateDirectory } from './open-runtime.js';

const levels: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/**
 * A pino JSON line as people read it: time, level, message, then the other fields; a line that
 * is not JSON is shown as it is.
 *
 * @example
 * readableLogLine('{"level":30,"time":0,"msg":"task done","taskId":"t1"}');
 * // '1970-01-01T00:00:00.000Z info  task done  taskId=t1'
 */
export function readableLogLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { level, time, msg, pid: _pid, hostname: _host, ...rest } = entry;
  const fields = Object.entries(rest).map(
    ([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`,
  );
  return [
    typeof time === 'number' ? new Date(time).toISOString() : '-',
    (levels[level as number] ?? String(level)).padEnd(5),
    String(msg ?? ''),
    ...(fields.length ? [fields.join(' ')] : []),
  ].join(' ');
}

/** Whether a log line is about the task (its taskId field). */
function isAbout(line: string, taskId: string | undefined): boolean {
  if (!taskId) return true;
  try {
    return (JSON.parse(line) as { taskId?: unknown }).taskId === taskId;
  } catch {
    return false;
  }
}

/**
 * `cto logs [-f] [--task ID] [--json]`: the JSON-lines log of the state directory, readable or
 * raw, optionally about one task, optionally following new lines until interrupted.
 *
 * @example
 * addLogsCommand(program, io);
 */
export function addLogsCommand(program: Command, io: CliIo): void {
  program
    .command('logs')
    .description('show the log (JSON lines in the state directory)')
    .option('-f, --follow', 'keep printing new lines until interrupted')
    .option('--task <id>', 'only lines about this task')
    .option('--json', 'the raw JSON lines')
    .action(async (options: { follow?: boolean; task?: string; json?: boolean }) => {
      const file = `${stateDirectory(io, program.opts<RuntimeOptions>())}/cto.log`;
      if (!existsSync(file)) {
        if (!options.follow) throw new ExitCode(1, [`no log yet at ${file}`]);
        io.stderr(`no log yet at ${file}; waiting for it (Ctrl-C to stop)\n`);
      }
      let offset = 0;
      let shown = 0;
      let partial = '';
      const printNew = () => {
        if (!existsSync(file)) return;
        const size = statSync(file).size;
        if (size < offset) offset = 0; // the file was replaced
        if (size === offset) return;
        const buffer = Buffer.alloc(size - offset);
        const fd = openSync(file, 'r');
        try {
          readSync(fd, buffer, 0, buffer.length, offset);
        } finally {
          closeSync(fd);
        }
        offset = size;
        const lines = (partial + buffer.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          if (line.trim() && isAbout(line, options.task)) {
            shown += 1;
            io.stdout(`${maskKeys(options.json ? line : readableLogLine(line))}\n`);
          }
        }
      };
      printNew();
      // Nothing to show is said, as grep says it with its exit code.
      const what = options.task ? ` about task ${options.task}` : '';
      if (shown === 0 && !options.follow) throw new ExitCode(1, [`no log lines${what} in ${file}`]);
      if (!options.follow) return;
      await new Promise<void>((resolve) => {
        const timer = setInterval(printNew, 200);
        const stop = io.onSignal?.(() => {
          clearInterval(timer);
          stop?.();
          resolve();
        });
      });
    });
}
