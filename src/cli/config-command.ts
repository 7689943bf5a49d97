import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Command, Option } from 'commander';
import { type ConfigProblem, formatProblem } from '../config/config-problem.js';
import { expandHome } from '../config/expand-home.js';
import { type LoadedConfig, loadConfig } from '../config/load-config.js';
import { configFileName } from '../config/locate-config-file.js';
import { missingKey } from '../config/missing-key.js';
import { configPresets, type PresetName, presetNameSchema } from '../config/presets.js';
import { escalationLadder } from '../routing/escalate.js';
import { routingViewFrom } from '../routing/routing-view-from-config.js';
import type { CliIo } from './cli-io.js';
import { ExitCode } from './exit-code.js';
import { showConfigJson, showConfigText } from './show-config.js';

/**
 * Enabled models that could not authenticate with their provider: a problem for the CTO and
 * for models tasks are routed to; a warning for a model that is only an escalation target.
 */
function keyProblems(
  loaded: LoadedConfig,
  io: CliIo,
): { problems: ConfigProblem[]; warnings: string[] } {
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];
  const view = routingViewFrom(loaded);
  const enabled = loaded.models.filter((model) => model.enabled);
  const targets = new Set(enabled.flatMap((model) => escalationLadder(model.id, view)));
  for (const model of enabled) {
    const missing = missingKey(model, io);
    if (!missing) continue;
    if (model.id === loaded.config.cto_model) {
      problems.push({ where: 'cto_model', message: `"${model.id}" has ${missing}` });
    } else if (targets.has(model.id)) {
      warnings.push(
        `${model.id} is an escalation target with ${missing}; tasks that escalate to it will fail over`,
      );
    } else {
      problems.push({
        where: `worker_models.${model.group}.${model.id}`,
        message: `"${model.id}" is enabled with ${missing}; give it a key or disable it`,
      });
    }
  }
  return { problems, warnings };
}

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
      const keys = result.ok ? keyProblems(result.loaded, io) : { problems: [], warnings: [] };
      const problems = result.ok ? keys.problems : result.problems;
      const notices = result.ok ? result.loaded.notices : [];
      const warnings = result.ok ? [...result.loaded.warnings, ...keys.warnings] : [];
      const ok = problems.length === 0;
      if (options.json) {
        const where = result.ok ? result.loaded.file : result.file;
        io.stdout(`${JSON.stringify({ ok, file: where, problems, notices, warnings }, null, 2)}\n`);
      } else {
        // All of it on stdout: what validate finds is its output, whichever way the file is named.
        for (const problem of problems) io.stdout(`${formatProblem(problem)}\n`);
        for (const warning of warnings) io.stdout(`warning: ${warning}\n`);
        for (const notice of notices) io.stdout(`notice: ${notice}\n`);
        if (ok) io.stdout('OK\n');
      }
      if (!ok) throw new ExitCode(1);
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
