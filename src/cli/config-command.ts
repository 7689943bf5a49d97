import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Command, Option } from 'commander';
import { formatProblem } from '../config/config-problem.js';
import { expandHome } from '../config/expand-home.js';
import { loadConfig } from '../config/load-config.js';
import { configFileName } from '../config/locate-config-file.js';
import { configPresets, type PresetName, presetNameSchema } from '../config/presets.js';
import type { CliIo } from './cli-io.js';
import { ExitCode } from './exit-code.js';
import { showConfigJson, showConfigText } from './show-config.js';

interface GlobalOptions {
  config?: string;
}

/**
 * `cto config show | validate | init`.
 *
 * @example
 * addConfigCommand(program, io);
 */
export function addConfigCommand(program: Command, io: CliIo): void {
  const config = program.command('config').description('show, check or create the configuration');
  const globals = () => program.opts<GlobalOptions>();

  config
    .command('show')
    .description('every effective value and where it came from (default, file, env)')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => {
      const result = loadConfig(io, { file: globals().config });
      if (!result.ok) throw new ExitCode(1, result.problems.map(formatProblem));
      io.stdout(options.json ? showConfigJson(result.loaded) : showConfigText(result.loaded));
    });

  config
    .command('validate [file]')
    .description(
      'check a config file (default: the one in effect); prints OK or one line per problem',
    )
    .option('--json', 'print JSON')
    .action((file: string | undefined, options: { json?: boolean }) => {
      const result = loadConfig(io, { file: file ?? globals().config });
      if (options.json) {
        io.stdout(
          `${JSON.stringify(
            result.ok
              ? {
                  ok: true,
                  file: result.loaded.file,
                  problems: [],
                  notices: result.loaded.notices,
                  warnings: result.loaded.warnings,
                }
              : { ok: false, file: result.file, problems: result.problems },
            null,
            2,
          )}\n`,
        );
      } else if (result.ok) {
        for (const notice of result.loaded.notices) io.stderr(`notice: ${notice}\n`);
        for (const warning of result.loaded.warnings) io.stderr(`warning: ${warning}\n`);
        io.stdout('OK\n');
      } else {
        for (const problem of result.problems) io.stdout(`${formatProblem(problem)}\n`);
      }
      if (!result.ok) throw new ExitCode(1);
    });

  config
    .command('init')
    .description('write a config file from a preset')
    .addOption(
      new Option('--preset <name>', 'the starting point')
        .choices(presetNameSchema.options)
        .default('save-money'),
    )
    .option(
      '--file <path>',
      `where to write (default: ORCHESTRATOR_CONFIG, else ./${configFileName})`,
    )
    .option('--force', 'overwrite an existing file')
    .action((options: { preset: PresetName; file?: string; force?: boolean }) => {
      const target = expandHome(
        options.file ?? globals().config ?? io.env.ORCHESTRATOR_CONFIG ?? configFileName,
        io.homeDir,
        io.cwd,
      );
      if (existsSync(target) && !options.force) {
        throw new ExitCode(1, [`${target} already exists; use --force to overwrite it`]);
      }
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, `${JSON.stringify(configPresets[options.preset], null, 2)}\n`);
      io.stdout(`wrote ${target} (preset ${options.preset})\n`);
    });
}
