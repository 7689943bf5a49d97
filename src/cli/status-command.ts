import type { Command } from 'commander';
import type { SandboxState } from '../../agents/sandbox/open-sandbox.js';
import type { NetworkAccess } from '../../machines/network-access.js';
import { maskKeysDeep } from '../log/mask-keys.js';
import type { TaskView } from '../runtime/create-orchestrator.js';
import { statusReport } from '../runtime/status-report.js';
import { healthLine } from '../sources/source-health.js';
import type { CliIo } from './cli-io.js';
import { ExitCode } from './exit-code.js';
import { openRuntime, type RuntimeOptions, storeLocation } from './open-runtime.js';
import { simulatedStoreHint } from './simulated-store-hint.js';

/** What confines the tools, for `cto status`: the mechanism and the default network. */
function sandboxReport(state: SandboxState, network: NetworkAccess) {
  return state.state === 'unavailable'
    ? { state: state.state, detail: state.reason, network }
    : { state: state.state, detail: state.description, network };
}

function sandboxLine(sandbox: ReturnType<typeof sandboxReport>): string {
  const network =
    typeof sandbox.network === 'string'
      ? sandbox.network
      : `allow ${sandbox.network.allow.join(', ')}`;
  if (sandbox.state === 'confined') return `${sandbox.detail}; tool network: ${network}`;
  if (sandbox.state === 'off') return `OFF: ${sandbox.detail}`;
  return `UNAVAILABLE: ${sandbox.detail}; tasks that need tools will not run`;
}

function taskText(task: TaskView): string {
  const { context } = task;
  const lines = [
    `task ${task.id}: ${task.status}`,
    `  ${context.input.description.split('\n')[0]}`,
    ...(context.input.source ? [`  from ${context.input.source}`] : []),
    ...(context.input.retryOf ? [`  retry of task ${context.input.retryOf}`] : []),
    `  created ${new Date(task.createdAt).toISOString()}, updated ${new Date(task.updatedAt).toISOString()}`,
  ];
  if (context.classification) {
    const c = context.classification;
    lines.push(`  classified: ${c.complexity} ${c.type} (${c.source}), recommended ${c.model}`);
  }
  if (context.route?.estimates) {
    lines.push(
      '  routing estimates (approval chance, cost a try, expected cost to an approved result):',
    );
    const usd = (value: number | null) => (value === null ? 'unpriced' : `$${value.toFixed(4)}`);
    for (const e of context.route.estimates) {
      const mark = e.model === context.route.model?.id ? '*' : ' ';
      lines.push(
        `   ${mark}${e.model.padEnd(10)} p=${e.approval.toFixed(2)}  ${usd(e.attemptCostUsd).padStart(9)} a try  ${usd(e.costToApprovalUsd).padStart(9)} to approval  via ${e.path.join(' → ')} (${Math.round(e.approvedChance * 100)}% approved)`,
      );
    }
  }
  for (const attempt of context.attempts) {
    const usage = attempt.usage
      ? `, ${attempt.usage.inputTokens + attempt.usage.outputTokens} tokens, $${attempt.usage.costUsd.toFixed(4)}`
      : '';
    const review = attempt.review
      ? `, ${attempt.review.verdict} (quality ${attempt.review.quality}): ${attempt.review.feedback}`
      : '';
    const error = attempt.error
      ? `, failed${attempt.infrastructure ? " (not the model's doing; not in its history)" : ''}: ${attempt.error}`
      : '';
    lines.push(`  attempt ${attempt.n} on ${attempt.model.id}${usage}${review}${error}`);
  }
  if (context.pending)
    lines.push(`  waiting for: ${context.pending.kind} (${context.pending.requestId})`);
  if (context.outcome) {
    const { status, reason } = context.outcome;
    // "blocked after 3 failed attempts" already says its status; "approved on attempt 2" does not.
    lines.push(`  outcome: ${reason.startsWith(status) ? reason : `${status}: ${reason}`}`);
  }
  lines.push('  decisions:', ...context.decisions.map((d) => `    - ${d}`));
  return `${lines.join('\n')}\n`;
}

/**
 * `cto status [task] [--json]`: tasks by state, models, budgets, the config in effect (and
 * any error in it), where the store and the log are; or one task's whole story.
 *
 * @example
 * addStatusCommand(program, io);
 */
export function addStatusCommand(program: Command, io: CliIo): void {
  program
    .command('status [task]')
    .description('tasks by state, models, budgets and config; or one task in detail')
    .option('--json', 'print JSON')
    .action(async (taskId: string | undefined, options: { json?: boolean }) => {
      const globals = program.opts<RuntimeOptions>();
      const runtime = await openRuntime(io, globals, { readOnly: true });
      try {
        if (taskId) {
          const found = await runtime.orchestrator.get(taskId);
          if (!found) throw new ExitCode(1, [`no task ${taskId} in ${storeLocation(io, globals)}`]);
          // What the user pasted stays as written for the model; shown, its keys are masked.
          const task = maskKeysDeep(found);
          io.stdout(options.json ? `${JSON.stringify(task, null, 2)}\n` : taskText(task));
          return;
        }
        const { config } = runtime.source.current();
        const budgets = config.cost_optimization.token_budget_per_day;
        const sandbox = await runtime.sandbox();
        const report = {
          store: storeLocation(io, globals),
          sandbox: sandboxReport(sandbox, config.sandbox.network),
          log: runtime.logFile,
          ...(await statusReport(runtime.orchestrator, runtime.source)),
        };
        if (options.json) {
          io.stdout(`${JSON.stringify(report, null, 2)}\n`);
          return;
        }
        const counts = Object.entries(report.tasks).map(([state, n]) => `${state} ${n}`);
        const lines = [
          `config: ${report.config.file ?? 'built-in defaults'}${report.config.error ? ` (rejected edit, last good config in use: ${report.config.error.join('; ')})` : ''}`,
          `store:  ${report.store}`,
          `log:    ${report.log}`,
          `sandbox: ${sandboxLine(report.sandbox)}`,
          `tasks:  ${counts.length ? counts.join(', ') : `none${runtime.storeExists ? '' : ' (no store yet)'}`}`,
          'models:',
          ...report.models.map(
            (m) =>
              `  ${m.id.padEnd(10)} ${m.kind.padEnd(13)} ${m.enabled ? 'enabled ' : 'disabled'}${m.note ? `  (${m.note})` : ''}${m.coolingDownUntil ? `  cooling down until ${new Date(m.coolingDownUntil).toISOString()}` : ''}`,
          ),
          `tokens today:  claude ${report.budgets.usedToday.claude.toLocaleString('en-US')} of ${budgets.claude.toLocaleString('en-US')}, external ${report.budgets.usedToday.external.toLocaleString('en-US')} of ${budgets.external.toLocaleString('en-US')} (budget day ${report.budgets.window}, UTC${config.cost_optimization.budget_utc_offset}; settled and reserved; when over budget: ${config.cost_optimization.when_over_budget})`,
          ...report.budgets.scopes
            .filter((scope) => scope.scope.startsWith('model:'))
            .map((scope) => {
              const cap = [
                scope.limitTokens !== null
                  ? `${scope.limitTokens.toLocaleString('en-US')} tokens`
                  : null,
                scope.limitUsd !== null ? `$${scope.limitUsd.toFixed(2)}` : null,
              ].filter(Boolean);
              return `  ${scope.scope.slice('model:'.length).padEnd(10)} ${(scope.tokens + scope.reservedTokens).toLocaleString('en-US')} tokens, $${(scope.usd + scope.reservedUsd).toFixed(4)}${cap.length ? ` of ${cap.join(' and ')}` : ''}${scope.reservedTokens ? ` (${scope.reservedTokens.toLocaleString('en-US')} reserved)` : ''}`;
            }),
        ];
        if (report.sources.length > 0) {
          const owners = new Set(report.sources.map((s) => s.owner));
          lines.push(
            'sources:',
            ...report.sources.map(
              (s) =>
                `  ${healthLine(s.health, Date.now())}${owners.size > 1 ? ` [${s.owner}]` : ''}`,
            ),
          );
        }
        io.stdout(`${lines.join('\n')}\n`);
        const hint = simulatedStoreHint(io, globals);
        if (hint) io.stderr(`${hint}\n`);
      } finally {
        await runtime.close();
      }
    });
}
