import { type Command, Option } from 'commander';
import { diagramMachines } from '../diagram/machine-diagrams.js';
import { machineToMermaid } from '../diagram/machine-to-mermaid.js';
import type { CliIo } from './cli-io.js';

type MachineName = keyof typeof diagramMachines;

/**
 * `cto graph [--format mermaid|json] [--machine task|cto|worker]`: the machines as Mermaid
 * state diagrams, or as the JSON definitions Stately's tools read.
 *
 * @example
 * addGraphCommand(program, io);
 */
export function addGraphCommand(program: Command, io: CliIo): void {
  program
    .command('graph')
    .description('the task, CTO and worker machines as Mermaid diagrams or as JSON')
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['mermaid', 'json'])
        .default('mermaid'),
    )
    .addOption(
      new Option('--machine <name>', 'one machine only').choices(Object.keys(diagramMachines)),
    )
    .action((options: { format: 'mermaid' | 'json'; machine?: MachineName }) => {
      const names = options.machine
        ? [options.machine]
        : (Object.keys(diagramMachines) as MachineName[]);
      if (options.format === 'json') {
        const json = Object.fromEntries(
          names.map((name) => [name, diagramMachines[name].toJSON()]),
        );
        io.stdout(`${JSON.stringify(options.machine ? json[options.machine] : json, null, 2)}\n`);
        return;
      }
      io.stdout(
        names
          .map(
            (name) =>
              `${names.length > 1 ? `%% ${name} machine\n` : ''}${machineToMermaid(diagramMachines[name])}`,
          )
          .join('\n'),
      );
    });
}
