import type { Command } from 'commander';
import { taskTypeSchema } from '../../machines/task-types.js';
import { addPerformance, emptyPerformance, type PerformanceRow } from '../store/performance-row.js';
import type { CliIo } from './cli-io.js';
import { ExitCode } from './exit-code.js';
import { openRuntime, type RuntimeOptions } from './open-runtime.js';
import { performanceJson, performanceStats } from './performance-json.js';

interface PerfOptions {
  json?: boolean;
  model?: string;
  type?: string;
}

const percent = (rate: number | null) => (rate === null ? '-' : `${(rate * 100).toFixed(1)}%`);
const usd = (value: number | null) => (value === null ? '-' : `$${value.toFixed(4)}`);
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const columns: [title: string, width: number][] = [
  ['model / task type', 20],
  ['attempts', 8],
  ['approved', 9],
  ['quality', 8],
  ['escalated', 10],
  ['failed', 7],
  ['latency', 9],
  ['tokens', 12],
  ['$ total', 10],
  ['$/attempt', 10],
];

/** One table line: the name left-aligned, the figures right-aligned under their titles. */
function tableLine(cells: readonly string[]): string {
  return cells
    .map((cell, i) => {
      const width = columns[i]?.[1] ?? 0;
      return i === 0 ? cell.padEnd(width) : cell.padStart(width);
    })
    .join(' ')
    .trimEnd();
}

function rowLine(name: string, row: PerformanceRow): string {
  const stats = performanceStats(row);
  return tableLine([
    name,
    String(row.attempts),
    percent(stats.success_rate),
    stats.avg_quality_score === null ? '-' : stats.avg_quality_score.toFixed(1),
    percent(stats.escalation_rate),
    String(row.failures),
    stats.avg_time_seconds === null ? '-' : `${stats.avg_time_seconds.toFixed(1)} s`,
    stats.total_tokens.toLocaleString('en-US'),
    usd(row.costUsd),
    usd(row.attempts > 0 ? row.costUsd / row.attempts : null),
  ]);
}

/** Rows added up by `key`, in name order. */
function totals(
  rows: readonly PerformanceRow[],
  key: (row: PerformanceRow) => string,
): [string, PerformanceRow][] {
  const sums = new Map<string, PerformanceRow>();
  for (const row of rows) {
    const name = key(row);
    sums.set(name, addPerformance(sums.get(name) ?? emptyPerformance(row.model, '*'), row));
  }
  return [...sums.entries()].sort(([a], [b]) => byName(a, b));
}

/** The history as a table: per model a total line, then one line per task type; then all. */
function performanceTable(rows: readonly PerformanceRow[]): string {
  const attempts = rows.reduce((n, r) => n + r.attempts, 0);
  const lines = [
    `performance history: ${attempts} attempt(s) on ${new Set(rows.map((r) => r.model)).size} model(s)`,
    '  approved = the CTO approved / attempts; quality = mean review score (1-10); escalated = attempts after which the task moved to another model; latency = mean per attempt',
    '',
    tableLine(columns.map(([title]) => title)),
  ];
  for (const [model, total] of totals(rows, (r) => r.model)) {
    lines.push(rowLine(model, total));
    const own = rows.filter((r) => r.model === model);
    for (const [type, row] of totals(own, (r) => r.taskType)) lines.push(rowLine(`  ${type}`, row));
  }
  lines.push(rowLine('all models', rows.reduce(addPerformance, emptyPerformance('*', '*'))));
  return `${lines.join('\n')}\n`;
}

/** The rows `--model` and `--type` select; an unknown one is a one-line error naming the known. */
function selected(
  rows: readonly PerformanceRow[],
  knownModels: readonly string[],
  options: PerfOptions,
): PerformanceRow[] {
  const types: readonly string[] = taskTypeSchema.options;
  if (options.model !== undefined && !knownModels.includes(options.model)) {
    throw new ExitCode(1, [
      `--model ${options.model}: no such model; known: ${knownModels.join(', ') || 'none'}`,
    ]);
  }
  if (options.type !== undefined && !types.includes(options.type)) {
    throw new ExitCode(1, [
      `--type ${options.type}: no such task type; known: ${types.join(', ')}`,
    ]);
  }
  return rows.filter(
    (r) =>
      (options.model === undefined || r.model === options.model) &&
      (options.type === undefined || r.taskType === options.type),
  );
}

/** What to say when there is nothing to show. */
function emptyText(options: PerfOptions): string {
  if (!options.model && !options.type)
    return 'no performance history yet: every attempt the CTO reviews (or that fails) adds to it\n';
  const model = options.model ? ` for ${options.model}` : '';
  const type = options.type ? ` on ${options.type} tasks` : '';
  return `no performance history${model}${type} yet\n`;
}

/**
 * `cto perf [--json] [--model <id>] [--type <task type>]`: the performance history (per model,
 * and per model and task type) as a table, or with `--json` in the original's
 * `model_performance.json` shape, so that jq one-liners written for it keep working.
 *
 * @example
 * addPerfCommand(program, io); // cto perf --json | jq '.models.deepseek.success_rate'
 */
export function addPerfCommand(program: Command, io: CliIo): void {
  program
    .command('perf')
    .description('performance history per model and task type: approval rate, quality, cost')
    .option('--json', "print JSON in the original's model_performance.json shape")
    .option('--model <id>', 'only this model')
    .option('--type <task type>', `only this task type (${taskTypeSchema.options.join(', ')})`)
    .action(async (options: PerfOptions) => {
      const globals = program.opts<RuntimeOptions>();
      const runtime = await openRuntime(io, globals, { readOnly: true });
      try {
        const history = await runtime.orchestrator.store.performance();
        const configured = runtime.source.current().models.map((m) => m.id);
        const known = [...new Set([...configured, ...history.map((r) => r.model)])].sort(byName);
        const rows = selected(history, known, options);
        if (options.json) {
          io.stdout(`${JSON.stringify(performanceJson(rows, new Date()), null, 2)}\n`);
          return;
        }
        io.stdout(rows.length > 0 ? performanceTable(rows) : emptyText(options));
      } finally {
        await runtime.close();
      }
    });
}
