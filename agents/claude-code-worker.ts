import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ResolvedModel } from '../src/config/resolved-model.js';
import {
  type ExecuteCall,
  type ExecuteResult,
  ModelCallError,
} from '../src/runtime/model-ports.js';
import type { TokenAllowance } from '../src/runtime/token-allowance.js';
import { type ClaudeCodeResult, type ClaudeCodeRun, printModeArgs } from './claude-code-run.js';
import { firstLine } from './short-text.js';
import { workerPrompt, workerSystemPrompt } from './worker-prompt.js';

/** How the Claude Code CLI is run (the `claude_code` section of the config). */
export interface ClaudeCodeSettings {
  maxTurns: number;
  allowedTools: readonly string[];
  permissionMode: string | null;
  /** See `ClaudeCodeRun.idleMs`. */
  idleMs?: number;
}

const sessionEntry = z.object({ sessionId: z.string().min(1), pid: z.int().positive().nullish() });

// Claude Code's own settings (retries, telemetry, Bedrock or Vertex) pass through.
const claudeSetting =
  /^(CLAUDE_CODE_|DISABLE_|API_TIMEOUT_MS$|ANTHROPIC_(BASE_URL$|MODEL|SMALL_FAST_MODEL|VERTEX_)|CLOUD_ML_REGION$)/;
// How a user without a configured key reaches Claude: their own login, key or cloud account.
const claudeAccess =
  /^(ANTHROPIC_API_KEY|ANTHROPIC_AUTH_TOKEN|CLAUDE_CODE_OAUTH_TOKEN|AWS_[A-Z_]+|GOOGLE_APPLICATION_CREDENTIALS)$/;

/**
 * What a Claude Code process gets besides the sandbox's environment: Claude Code's own
 * settings, this model's key and endpoint when configured (else the user's own Claude access,
 * never another model's key), and its configuration directory, one per task, so that sessions
 * of parallel tasks never collide.
 *
 * @example
 * claudeEnvironment(model, process.env, '/tmp/home/.claude');
 * // { CLAUDE_CONFIG_DIR: '/tmp/home/.claude', ANTHROPIC_API_KEY: 'sk-ant-…', ANTHROPIC_BASE_URL: 'https://…' }
 */
export function claudeEnvironment(
  model: ResolvedModel,
  env: Readonly<Record<string, string | undefined>>,
  configDir: string,
): Record<string, string> {
  const passed = Object.entries(env).filter(
    (entry): entry is [string, string] =>
      entry[1] !== undefined &&
      (claudeSetting.test(entry[0]) || (!model.api_key && claudeAccess.test(entry[0]))),
  );
  return {
    ...Object.fromEntries(passed),
    CLAUDE_CONFIG_DIR: configDir,
    ...(model.api_key ? { ANTHROPIC_API_KEY: model.api_key.reveal() } : {}),
    ...(model.api_url ? { ANTHROPIC_BASE_URL: model.api_url } : {}),
  };
}

/**
 * The host and port a Claude model's API is reached at: its `api_url`, else
 * `ANTHROPIC_BASE_URL`, else Anthropic's own; what the sandbox lets the CLI reach.
 *
 * @example
 * claudeEndpoint(model, {}); // 'api.anthropic.com:443'
 */
export function claudeEndpoint(
  model: ResolvedModel,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const url = new URL(model.api_url ?? env.ANTHROPIC_BASE_URL ?? 'https://api.anthropic.com');
  const port = url.port || (url.protocol === 'http:' ? '80' : '443');
  return `${url.hostname}:${port}`;
}

/**
 * The usage of a CLI run priced from the catalog: cache writes cost 1.25 times the input
 * price and cache reads a tenth of it (Anthropic's published multipliers), so a heavily cached
 * session is not overstated.
 *
 * @example
 * claudeUsage(model, result); // { inputTokens: 70000, outputTokens: 300, costUsd: 0.031 }
 */
export function claudeUsage(model: ResolvedModel, result: Pick<ClaudeCodeResult, 'tokens'>) {
  const { input, cacheCreation, cacheRead, output } = result.tokens;
  const price = model.input_price_per_mtok ?? 0;
  const costUsd =
    (price * (input + 1.25 * cacheCreation + 0.1 * cacheRead) +
      (model.output_price_per_mtok ?? 0) * output) /
    1_000_000;
  return { inputTokens: input + cacheCreation + cacheRead, outputTokens: output, costUsd };
}

/**
 * Counts each model message of a session against the call's allowance and makes sure the
 * next, assumed as large, is covered: the reason to end the session when it is not.
 */
function spendFrom(allowance: TokenAllowance): (tokens: number) => Promise<string | null> {
  return async (tokens) => {
    allowance.spend(tokens);
    return (await allowance.cover(tokens)) ? null : (allowance.refusal ?? 'over budget');
  };
}

/** Ends what is left of a session's CLI from a process that died (it runs on as an orphan). */
function stopOrphan(pid: number | undefined): void {
  if (!pid) return;
  try {
    // Only a Claude process: the id may have been reused since.
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('claude')) return;
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Gone already, or no /proc here.
  }
}

/**
 * Runs a task as a full Claude Code session in the task's working directory. The session id
 * is journaled as soon as the CLI announces it; a step resumed after a crash passes
 * `--resume <session id>`, so the session continues instead of starting over.
 *
 * @example
 * await runClaudeCodeTask({ call, settings, cwd: '/repo', launch: (run) => runConfinedClaude({ ...run, command, env }, sandboxing) });
 */
export async function runClaudeCodeTask({
  call,
  settings,
  cwd,
  launch,
}: {
  call: ExecuteCall;
  settings: ClaudeCodeSettings;
  cwd: string;
  /** Starts the CLI with these arguments, in the sandbox (`runConfinedClaude`). */
  launch: (run: Omit<ClaudeCodeRun, 'command' | 'env'>) => Promise<ClaudeCodeResult>;
}): Promise<ExecuteResult> {
  const { model, journal } = call;
  const journaled = journal.entries.findLast((e) => e.kind === 'session');
  const parsed = journaled ? sessionEntry.safeParse(journaled.data) : null;
  if (parsed && !parsed.success) {
    throw new ModelCallError('the step journal has an unreadable session entry', {
      transient: false,
    });
  }
  // A process of this step that outlived a crash would work on beside the resumed session.
  stopOrphan(parsed?.data.pid ?? undefined);
  const run = (resumeId: string | null) =>
    launch({
      args: [
        ...printModeArgs(
          resumeId
            ? 'You were interrupted. Continue the task from where you stopped, then summarise what you did.'
            : workerPrompt(call),
          model.model_id,
          settings.maxTurns,
        ),
        ...(resumeId ? ['--resume', resumeId] : ['--append-system-prompt', workerSystemPrompt]),
        ...(settings.allowedTools.length
          ? ['--allowedTools', settings.allowedTools.join(',')]
          : []),
        ...(settings.permissionMode ? ['--permission-mode', settings.permissionMode] : []),
      ],
      cwd,
      signal: call.signal,
      ...(settings.idleMs ? { idleMs: settings.idleMs } : {}),
      ...(call.allowance ? { onUsage: spendFrom(call.allowance) } : {}),
      onTool: (name, input) => call.progress(`${name} ${firstLine(input)}`),
      onSession: async (sessionId, pid) => {
        if (sessionId !== resumeId) await journal.append('session', { sessionId, pid });
      },
    });
  const resumeId = parsed?.data.sessionId ?? null;
  let result: ClaudeCodeResult;
  try {
    result = await run(resumeId);
  } catch (error) {
    // A session killed before its transcript was written cannot be resumed: start it afresh.
    if (
      !resumeId ||
      !(error instanceof ModelCallError) ||
      !/No conversation found/i.test(error.message)
    )
      throw error;
    call.progress(`session ${resumeId} has no transcript to resume; starting a new session`);
    result = await run(null);
  }
  const usage = claudeUsage(model, result);
  // The CLI prices with its own table; a large gap means the catalog prices need a look.
  const cli = result.cliCostUsd;
  if (cli !== null && usage.costUsd > 0 && (cli / usage.costUsd > 2 || usage.costUsd / cli > 2)) {
    call.progress(
      `cost check: Claude Code reports $${cli.toFixed(4)}, catalog prices give $${usage.costUsd.toFixed(4)}`,
    );
  }
  await journal.append('result', {
    sessionId: result.sessionId,
    turns: result.turns,
    costUsd: usage.costUsd,
    cliCostUsd: result.cliCostUsd,
  });
  return { output: result.text, usage };
}
