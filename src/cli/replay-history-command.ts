import type { Command } from 'commander';
import {
  type ReplayResult,
  replayDecisions,
  type StoredContext,
} from '../routing/replay-decisions.js';
import { routingViewFrom } from '../routing/routing-view-from-config.js';
import { finalStatuses, type TaskStatus } from '../store/store.js';
import type { CliIo } from './cli-io.js';
import { ExitCode } from './exit-code.js';
import { openRuntime, type RuntimeOptions, storeLocation } from './open-runtime.js';

interface ReplayOptions {
  json?: boolean;
  limit?: string;
}

/** What the output says about its expected figures, in words. */
const estimateNote = [
  'expected figures are estimates from the performance history, not measurements:',
  "each model's approval chance is the mean of its Beta posterior for the task type and its cost",
  'per try the mean of its executions, followed up its escalation ladder; they count executions',
  "only (not the CTO's classification and reviews), take budgets as unused, and the history",
  "includes these tasks' own outcomes",
].join(' ');

const usd = (value: number) => `$${value.toFixed(4)}`;
const percent = (rate: number | null) => (rate === null ? '-' : `${(rate * 100).toFixed(1)}%`);

function parseLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1)
    throw new ExitCode(1, [`--limit: expected a positive integer, got ${value}`]);
  return limit;
}

function skippedText(skipped: ReplayResult['skipped']): string | null {
  const parts = [
    skipped.notFinished > 0 ? `${skipped.notFinished} not finished` : null,
    skipped.unclassified > 0 ? `${skipped.unclassified} finished before classification` : null,
    skipped.invalid.length > 0
      ? `${skipped.invalid.length} unreadable (${skipped.invalid.map((s) => `${s.id}: ${s.reason}`).join('; ')})`
      : null,
  ].filter((part) => part !== null);
  return parts.length > 0 ? `skipped: ${parts.join(', ')}` : null;
}

/** At most this many moved tasks are listed one by one in the text output. */
const listedMoves = 20;

function replayText(result: ReplayResult, where: { store: string; config: string }): string {
  const { totals } = result;
  const lines = [
    `replay: ${totals.tasks} finished task(s) in ${where.store}, re-decided under ${where.config}`,
  ];
  const skipped = skippedText(result.skipped);
  if (skipped) lines.push(skipped);
  if (totals.tasks === 0) {
    lines.push('nothing to replay: no finished task with a classification');
    return `${lines.join('\n')}\n`;
  }
  const unpriced =
    totals.expected.unpriced > 0 ? ` (${totals.expected.unpriced} task(s) unpriced, left out)` : '';
  lines.push(
    '',
    `${''.padEnd(20)}${'actual'.padStart(12)}   expected under ${where.config}`,
    `${'executions $'.padEnd(20)}${usd(totals.actual.executionCostUsd).padStart(12)}   ${usd(totals.expected.costUsd)}${unpriced}`,
    `${'all calls $'.padEnd(20)}${usd(totals.actual.costUsd).padStart(12)}   (not estimated: the CTO's calls are the same either way)`,
    `${'approval rate'.padEnd(20)}${percent(totals.actual.approvalRate).padStart(12)}   ${percent(totals.expected.approvalRate)}`,
    `${'first try approved'.padEnd(20)}${percent(totals.actual.firstTryApprovalRate).padStart(12)}   ${percent(totals.expected.firstTryApprovalRate)}`,
    '',
    `would start on another model: ${totals.moved} of ${totals.tasks} task(s)`,
    ...totals.moves.map((m) => `  ${m.from} → ${m.to}: ${m.tasks} task(s)`),
  );
  const moved = result.tasks.filter((t) => t.moved);
  if (moved.length > 0) lines.push('');
  for (const task of moved.slice(0, listedMoves)) {
    const expected =
      task.replayed.expectedCostUsd === null ? 'unpriced' : usd(task.replayed.expectedCostUsd);
    lines.push(
      `  ${task.id}  ${task.classification.complexity} ${task.classification.type}: ${task.actual.model ?? '(none)'} → ${task.replayed.model ?? '(none)'}; actual ${usd(task.actual.executionCostUsd)}, ${task.actual.status}; expected ${expected}, ${percent(task.replayed.approvedChance)} approved`,
    );
  }
  if (moved.length > listedMoves)
    lines.push(`  … and ${moved.length - listedMoves} more (--json lists every task)`);
  lines.push('', `note: ${estimateNote}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `cto replay --config other.json [--json] [--limit N]`: re-decides the stored history under
 * the configuration the command runs with (the global `--config`), with the performance history
 * in the store, and prints what the finished tasks would have cost and their expected approval
 * rate next to what they actually cost and how they ended, before anyone switches.
 *
 * @example
 * addReplayHistoryCommand(program, io); // cto replay --config cheaper.json --limit 200
 */
export function addReplayHistoryCommand(program: Command, io: CliIo): void {
  program
    .command('replay')
    .description(
      'what the stored tasks would have cost, and their expected approval rate, under the configuration given with --config',
    )
    .option('--json', 'print JSON')
    .option('--limit <n>', 'only the n most recent finished tasks')
    .action(async (options: ReplayOptions) => {
      const globals = program.opts<RuntimeOptions>();
      const limit = parseLimit(options.limit);
      const runtime = await openRuntime(io, globals, { readOnly: true });
      try {
        const { store } = runtime.orchestrator;
        const loaded = runtime.source.current();
        const finished = await store.listTasks({
          status: [...finalStatuses],
          ...(limit ? { limit } : {}),
        });
        const stored: StoredContext[] = [];
        const unreadable: ReplayResult['skipped']['invalid'] = [];
        for (const summary of finished) {
          try {
            const task = await store.getTask(summary.id);
            if (task) stored.push({ id: task.id, context: task.snapshot.context });
          } catch (error) {
            unreadable.push({
              id: summary.id,
              reason: error instanceof Error ? error.message : String(error),
            });
          }
        }
        const history = await store.performance();
        const result = replayDecisions(stored, routingViewFrom(loaded, { history }));
        const counts = await store.countByStatus();
        for (const [status, n] of Object.entries(counts))
          if (!finalStatuses.has(status as TaskStatus)) result.skipped.notFinished += n ?? 0;
        result.skipped.invalid.push(...unreadable);
        const where = {
          store: storeLocation(io, globals),
          config: loaded.file ?? 'the built-in defaults',
        };
        if (options.json) {
          io.stdout(`${JSON.stringify({ ...where, note: estimateNote, ...result }, null, 2)}\n`);
          return;
        }
        io.stdout(replayText(result, where));
      } finally {
        await runtime.close();
      }
    });
}
