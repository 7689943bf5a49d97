import { Command, CommanderError } from 'commander';
import { ConfigError, formatProblem } from '../config/config-problem.js';
import { packageVersion } from '../package-info.js';
import { addCancelCommand } from './cancel-command.js';
import type { CliIo } from './cli-io.js';
import { addConfigCommand } from './config-command.js';
import { ExitCode } from './exit-code.js';
import { addGraphCommand } from './graph-command.js';
import { addListCommand } from './list-command.js';
import { addLogsCommand } from './logs-command.js';
import { addPerfCommand } from './perf-command.js';
import { addReplayHistoryCommand } from './replay-history-command.js';
import { addRetryCommand } from './retry-command.js';
import { addRunCommand } from './run-command.js';
import { addServeCommands } from './serve-command.js';
import { addStatusCommand } from './status-command.js';
import { addSubmitCommand } from './submit-command.js';

/** The `cto` program, its output sent to `io`. */
export function createProgram(io: CliIo): Command {
  const program = new Command('cto')
    .description('CTO orchestrator: classify, route, run, review and escalate tasks across models')
    .version(packageVersion(), '-V, --version')
    .option(
      '-c, --config <file>',
      'config file to use (else ORCHESTRATOR_CONFIG, ./orchestrator_config.json, ~/.config/cto/orchestrator_config.json)',
    )
    .option('-v, --verbose', 'more detail in logs and errors')
    .option(
      '--store <location>',
      'the store: a SQLite file (default CTO_STORE, else ./.cto/state.db)',
    )
    .option(
      '--simulate',
      'local stand-ins for every model provider: no keys, no network (also CTO_SIMULATE=1)',
    )
    .option(
      '--inspect [port]',
      'watch every actor in the Stately inspector (a relay on localhost, port 8080 unless given)',
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
    });
  addConfigCommand(program, io);
  addRunCommand(program, io);
  addSubmitCommand(program, io);
  addListCommand(program, io);
  addCancelCommand(program, io);
  addRetryCommand(program, io);
  addServeCommands(program, io);
  addStatusCommand(program, io);
  addLogsCommand(program, io);
  addGraphCommand(program, io);
  addPerfCommand(program, io);
  addReplayHistoryCommand(program, io);
  return program;
}

/**
 * Runs the `cto` command line and returns its exit code. Bad input of any kind ends in one
 * line per problem on stderr, never a stack trace (unless --verbose).
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), { ...processEnvironment(), stdout, stderr });
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof ExitCode) {
      for (const line of error.lines) io.stderr(`${line}\n`);
      return error.code;
    }
    if (error instanceof ConfigError) {
      for (const problem of error.problems) io.stderr(`${formatProblem(problem)}\n`);
      return 1;
    }
    const verbose = program.opts<{ verbose?: boolean }>().verbose;
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`cto: ${verbose && error instanceof Error ? error.stack : message.split('\n')[0]}\n`);
    return 1;
  }
}
